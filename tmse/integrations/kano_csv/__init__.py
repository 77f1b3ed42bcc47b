"""Kano survey responses as CSV: `parse_responses` reads a file, `render_responses` writes one;
imports no domain."""

from tmse.integrations.kano_csv.responses import (
    MAX_ROWS,
    QUESTIONS,
    CsvResponse,
    ResponseTable,
    column_of,
    header,
    parse_responses,
    render_responses,
)

__all__ = [
    "MAX_ROWS",
    "QUESTIONS",
    "CsvResponse",
    "ResponseTable",
    "column_of",
    "header",
    "parse_responses",
    "render_responses",
]
