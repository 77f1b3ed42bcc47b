"""The standards registry: versioned standards with Markdown text and machine-checkable rules."""
