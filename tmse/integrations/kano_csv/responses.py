"""Kano responses as CSV: columns `respondent`, then `<key>_functional` and `<key>_dysfunctional`
per feature; reading needs no database, so imports run it before their write transaction."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tmse.core.errors import InvalidInput
from tmse.integrations.csv_table import read_table
from tmse.integrations.spreadsheet_cells import spreadsheet_row

QUESTIONS = ("functional", "dysfunctional")
MAX_ROWS = 20_000


@dataclass(frozen=True)
class CsvResponse:
    """One row: who answered, {feature key: {question: answer}} and the row's line."""

    respondent: str
    answers: dict[str, dict[str, str]]
    line: int


@dataclass(frozen=True)
class ResponseTable:
    """The feature keys the header names (each with its columns) and the rows."""

    columns: dict[str, list[str]]
    rows: list[CsvResponse]


def header(feature_keys: Sequence[str]) -> list[str]:
    return ["respondent"] + [f"{key}_{q}" for key in feature_keys for q in QUESTIONS]


def column_of(field: str) -> str:
    """answers.F1.functional -> F1_functional; answers.F1 -> F1_functional; others unchanged."""
    parts = field.split(".")
    if parts[0] == "answers" and len(parts) == 3:
        return f"{parts[1]}_{parts[2]}"
    if parts[0] == "answers" and len(parts) == 2:
        return f"{parts[1]}_functional"
    return field


def _header_pairs(columns: list[str]) -> dict[str, dict[str, int]]:
    """{feature key: {question: column index}}; a 422 on line 1 for a header that names no
    respondent column, a column of another form, or half a question pair."""
    errors: list[dict[str, Any]] = []
    if "respondent" not in columns:
        errors.append({"line": 1, "field": "respondent", "message": "no 'respondent' column"})
    pairs: dict[str, dict[str, int]] = {}
    for index, column in enumerate(columns):
        if column == "respondent" or not column:
            continue
        key, _, question = column.rpartition("_")
        if question not in QUESTIONS or not key:
            message = "expected respondent, <key>_functional or <key>_dysfunctional"
            errors.append({"line": 1, "field": column, "message": message})
        else:
            pairs.setdefault(key, {})[question] = index
    for key, found in pairs.items():
        for question in QUESTIONS:
            if question not in found:
                errors.append(
                    {"line": 1, "field": f"{key}_{question}", "message": "column is missing"}
                )
    if errors:
        raise InvalidInput("The CSV header is not valid", errors)
    return pairs


def parse_responses(text: str) -> ResponseTable:
    """The responses of a CSV, strictly read (tmse.integrations.csv_table raises CsvRefused for
    a damaged file); a bad header or no data rows is a 422."""
    first_row, table = read_table(text)
    columns = [c.strip() for c in first_row]
    pairs = _header_pairs(columns)
    respondent_at = columns.index("respondent")
    rows: list[CsvResponse] = []
    for line, cells in table:
        if len(rows) >= MAX_ROWS:
            raise InvalidInput(
                "The CSV has too many rows",
                [{"line": line, "field": "file", "message": f"at most {MAX_ROWS}"}],
            )

        def cell(index: int, cells: list[str] = cells) -> str:
            return cells[index].strip() if index < len(cells) else ""

        answers = {}
        for key, found in pairs.items():
            values = {q: cell(i) for q, i in found.items()}
            if any(values.values()):  # both empty: the feature was not answered
                answers[key] = values
        rows.append(CsvResponse(cell(respondent_at), answers, line))
    if not rows:
        raise InvalidInput(
            "The CSV has no responses", [{"line": 2, "field": "file", "message": "no data rows"}]
        )
    named = {key: [f"{key}_{q}" for q in QUESTIONS] for key in pairs}
    return ResponseTable(named, rows)


def render_responses(
    feature_keys: Sequence[str], rows: Iterable[tuple[str, Mapping[str, tuple[str, str]]]]
) -> str:
    """Rows of (respondent, {feature key: (functional, dysfunctional)}) in the import format."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(spreadsheet_row(header(feature_keys)))
    for respondent, given in rows:
        row = [respondent]
        for key in feature_keys:
            row += list(given.get(key, ("", "")))
        writer.writerow(spreadsheet_row(row))
    return out.getvalue()
