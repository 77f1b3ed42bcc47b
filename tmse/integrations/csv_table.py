"""CSV files read strictly, for imports: a damaged file is refused whole, naming the line (and
column) of the damage, instead of half-read."""

# Damage is an unclosed quote, text after a closing quote, a row with more or fewer cells than the
# header, or a control character in a cell.
# Repeated header names are allowed (Jira exports repeat "Labels", "Component/s", ...).

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

# Messages are fixed (line and column travel beside them) so pages can translate them.
UNCLOSED_QUOTE = "a quoted cell starting on this line is never closed"
TEXT_AFTER_QUOTE = "text after a closing quote: put the whole cell in quotes"
MALFORMED = "not readable as CSV"
MORE_CELLS = "the row has more cells than the header"
FEWER_CELLS = "the row has fewer cells than the header"
CONTROL_CHARACTER = "control characters (such as NUL) are not allowed in a cell"
# C0 controls but tab, line feed and carriage return, and DEL.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Past this many, more errors only repeat the story; the file is refused anyway.
MAX_ERRORS = 100


@dataclass(frozen=True)
class CsvProblem:
    """One problem: 1-based physical line, the column's header (or "row"/"file"), its message."""

    line: int
    field: str
    message: str
    column: int | None = None

    def as_error(self) -> dict[str, object]:
        error: dict[str, object] = {"line": self.line, "field": self.field, "message": self.message}
        if self.column is not None:
            error["column"] = self.column
        return error


class CsvRefused(ValueError):
    """The file's problems, in line order; nothing of it should be imported."""

    def __init__(self, problems: list[CsvProblem]) -> None:
        super().__init__("; ".join(f"line {p.line}: {p.message}" for p in problems[:3]))
        self.problems = problems


Record = tuple[int, list[str]]  # (physical line where the row starts, its cells)


def read_table(text: str) -> tuple[list[str], list[Record]]:
    """(header, rows) of a CSV text; blank rows are skipped. CsvRefused lists every problem
    found (up to MAX_ERRORS), or the one that stops reading (a broken quote)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True)
    problems: list[CsvProblem] = []
    header: list[str] | None = None
    rows: list[Record] = []
    while len(problems) < MAX_ERRORS:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(CsvProblem(start, "file", _reading_problem(str(error))))
            break
        problems += _control_characters(start, cells, header)
        if header is None:
            header = cells
            continue
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            message = MORE_CELLS if len(cells) > len(header) else FEWER_CELLS
            problems.append(CsvProblem(start, "row", message))
        rows.append((start, cells))
    if problems:
        raise CsvRefused(problems)
    return header or [], rows


def _reading_problem(error: str) -> str:
    if "unexpected end of data" in error:
        return UNCLOSED_QUOTE
    if "expected after" in error:
        return TEXT_AFTER_QUOTE
    return MALFORMED


def _control_characters(line: int, cells: list[str], header: list[str] | None) -> list[CsvProblem]:
    found = []
    for index, cell in enumerate(cells):
        if _CONTROL.search(cell):
            name = header[index] if header and index < len(header) else f"column {index + 1}"
            found.append(CsvProblem(line, name, CONTROL_CHARACTER, index + 1))
    return found
