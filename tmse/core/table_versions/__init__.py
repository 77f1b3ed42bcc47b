"""Per-table data versions: what a write changed, so a kept answer is dropped only when a table
it read has changed (docs/performance.md)."""
