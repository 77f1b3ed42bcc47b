"""Cells for CSV and Excel exports: control characters dropped, formula-like text neutralised."""

# Control characters (which XML, hence .xlsx, cannot hold) are dropped, and text a spreadsheet would
# run as a formula is neutralised (OWASP CSV injection: a leading single quote makes it text).
# Numbers, dates and booleans pass through unchanged.

from __future__ import annotations

import re
from typing import Any

# C0 controls but tab, line feed and carriage return, and DEL; openpyxl refuses the C0 ones.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A plain number written as text ("-3", "+1.5e3") is not a formula: it stays as it is.
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def spreadsheet_cell(value: Any) -> Any:
    """The value as safe to write in a CSV or Excel cell."""
    if not isinstance(value, str):
        return value
    text = _CONTROL.sub("", value)
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def spreadsheet_row(values: Any) -> list[Any]:
    """Every value of a row made safe with spreadsheet_cell."""
    return [spreadsheet_cell(value) for value in values]
