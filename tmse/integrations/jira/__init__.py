"""Jira CSV exports (and tmse's own generic CSV columns) as requirement values."""

# Requirements map each read row through `map_row(mapping, row, lookups)`: plain data in (the
# row's cells, the names it may resolve), plain data out. This package imports no domain.

from tmse.integrations.jira.mapping import (
    MAPPINGS,
    WSJF_SCALE,
    Lookups,
    MappedRow,
    Mapping,
    Row,
    story_points_to_job_size,
)


def map_row(mapping: Mapping, row: Row, lookups: Lookups) -> MappedRow:
    """One row's values, external key and errors under `mapping` (one of `MAPPINGS`)."""
    return mapping.map_row(row, lookups)


__all__ = [
    "MAPPINGS",
    "WSJF_SCALE",
    "Lookups",
    "MappedRow",
    "Mapping",
    "Row",
    "map_row",
    "story_points_to_job_size",
]
