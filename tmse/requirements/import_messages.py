"""The strict CSV reader's messages as pages show them, marked for the catalogs (imports.po)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tmse.integrations import csv_table
from tmse.web.labels import N_

CSV_MESSAGES = {
    csv_table.UNCLOSED_QUOTE: N_("A quoted cell starting on this line is never closed."),
    csv_table.TEXT_AFTER_QUOTE: N_("Text follows a closing quote: put the whole cell in quotes."),
    csv_table.MALFORMED: N_("This line cannot be read as CSV."),
    csv_table.MORE_CELLS: N_("The row has more cells than the header."),
    csv_table.FEWER_CELLS: N_("The row has fewer cells than the header."),
    csv_table.CONTROL_CHARACTER: N_(
        "Control characters (such as NUL) are not allowed in a cell; remove them and import again."
    ),
}


def translated_csv_errors(
    errors: list[dict[str, Any]], translate: Callable[[str], str]
) -> list[dict[str, Any]]:
    """The errors with the strict CSV reader's messages in the reader's language."""
    return [
        e | {"message": translate(CSV_MESSAGES[e["message"]])}
        if e.get("message") in CSV_MESSAGES
        else e
        for e in errors
    ]
