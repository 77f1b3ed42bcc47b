"""Kano responses as CSV: columns `respondent`, then `<key>_functional` and `<key>_dysfunctional`
per feature. Import is all or nothing and reports every bad row by line and column."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.errors import InvalidInput
from tmse.integrations.csv_table import CsvRefused, Record, read_table
from tmse.integrations.spreadsheet_cells import spreadsheet_row
from tmse.requirements.csv_import import not_csv
from tmse.requirements.kano import service
from tmse.requirements.kano.models import KanoSurvey
from tmse.requirements.kano.service import SubmittedResponse

QUESTIONS = ("functional", "dysfunctional")
ResponseTable = tuple[list[str], list[Record]]
MAX_ROWS = 20_000


def header(feature_keys: list[str]) -> list[str]:
    return ["respondent"] + [f"{key}_{q}" for key in feature_keys for q in QUESTIONS]


def _column_of(field: str) -> str:
    """answers.F1.functional -> F1_functional; answers.F1 -> F1_functional; others unchanged."""
    parts = field.split(".")
    if parts[0] == "answers" and len(parts) == 3:
        return f"{parts[1]}_{parts[2]}"
    if parts[0] == "answers" and len(parts) == 2:
        return f"{parts[1]}_functional"
    return field


def read_responses(text: str) -> ResponseTable:
    """The CSV strictly read (see tmse.integrations.csv_table); needs no database, so imports
    run it before their write transaction. A damaged file is a 422 naming each line."""
    try:
        return read_table(text)
    except CsvRefused as refused:
        raise not_csv(refused) from None


def parse(text: str, feature_keys: list[str]) -> list[SubmittedResponse]:
    """The rows of a response CSV; see responses_from."""
    return responses_from(read_responses(text), feature_keys)


def responses_from(read: ResponseTable, feature_keys: list[str]) -> list[SubmittedResponse]:
    """The responses of a read CSV; a header naming no respondent column, an unknown feature
    or half a question pair is a 422 on line 1."""
    first_row, table = read
    columns = [c.strip() for c in first_row]
    errors: list[dict[str, Any]] = []
    if "respondent" not in columns:
        errors.append({"line": 1, "field": "respondent", "message": "no 'respondent' column"})
    known = set(feature_keys)
    pairs: dict[str, dict[str, int]] = {}
    for index, column in enumerate(columns):
        if column == "respondent" or not column:
            continue
        key, _, question = column.rpartition("_")
        if question not in QUESTIONS or not key:
            errors.append(
                {
                    "line": 1,
                    "field": column,
                    "message": "expected respondent, <key>_functional or <key>_dysfunctional",
                }
            )
        elif key not in known:
            errors.append({"line": 1, "field": column, "message": f"no feature '{key}'"})
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
    respondent_at = columns.index("respondent")
    rows: list[SubmittedResponse] = []
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
        rows.append(SubmittedResponse(cell(respondent_at), answers, line=line))
    if not rows:
        raise InvalidInput(
            "The CSV has no responses", [{"line": 2, "field": "file", "message": "no data rows"}]
        )
    return rows


def import_responses(session: Session, actor: Actor, survey: KanoSurvey, text: str) -> int:
    """Store every row of the CSV or none; errors name the line and the CSV column."""
    return import_read(session, actor, survey, read_responses(text))


def import_read(session: Session, actor: Actor, survey: KanoSurvey, read: ResponseTable) -> int:
    """Store every row of a read CSV or none; errors name the line and the CSV column."""
    keys = [f.key for f in service.features_of(session, survey.id)]
    rows = responses_from(read, keys)
    try:
        stored = service.submit_responses(session, actor, survey, rows, channel="csv")
    except InvalidInput as exc:
        errors = [{**e, "field": _column_of(str(e.get("field", "")))} for e in exc.extra["errors"]]
        errors.sort(key=lambda e: (e.get("line") or 0, e["field"]))
        lines = sorted({e["line"] for e in errors if e.get("line")})
        raise InvalidInput(
            f"{len(lines)} rows are not valid; nothing was imported", errors
        ) from None
    return len(stored)


def export_responses(session: Session, survey: KanoSurvey) -> str:
    """Every response in the import format, one row a respondent."""
    features = service.features_of(session, survey.id)
    keys = [f.key for f in features]
    responses = service.all_responses(session, survey.id)
    answers = service.answers_of(session, [r.id for r in responses])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(spreadsheet_row(header(keys)))
    for response in responses:
        given = answers.get(response.id, {})
        row = [response.respondent]
        for key in keys:
            row += list(given.get(key, ("", "")))
        writer.writerow(spreadsheet_row(row))
    return out.getvalue()
