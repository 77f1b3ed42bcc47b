"""Exports open in every spreadsheet whatever people typed: control characters are dropped (one
in a title used to break the Excel export for everyone) and formula-like text is neutralised."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.helpers.traceability_chain import build_chain
from tmse.integrations.spreadsheet_cells import spreadsheet_cell
from tmse.requirements.models import Requirement
from tmse.strategy.models import BusinessGoal

MATRIX = "/api/v1/traceability/matrix"


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("bell\x07 and\x00 nul\x1b", "bell and nul"),
        ("\x01=1", "'=1"),
        ("tab\tand\nlines\r\n", "tab\tand\nlines\r\n"),
        ("-3", "-3"),
        ("+1.5e3", "+1.5e3"),
        ("a = b", "a = b"),
        (-3, -3),
        (2.5, 2.5),
        (None, None),
    ],
)
def test_a_cell_is_made_safe(value: object, safe: object) -> None:
    assert spreadsheet_cell(value) == safe


def test_hostile_titles_export_safely_to_csv_and_excel(client, db, make_account) -> None:  # type: ignore[no-untyped-def]
    viewer = make_account("viewer")
    ids = build_chain(db)
    with db.session() as session:
        session.get(Requirement, ids["pay"]).title = "=1+2\x01 pay"
        session.get(Requirement, ids["cards"]).title = "@SUM(A1)\x0b cards"
        session.get(BusinessGoal, ids["grow"]).name = "-grow\x1f"  # PostgreSQL stores no NUL

    exported = client.get(f"{MATRIX}.csv", headers=viewer.headers)
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[1][1] == "'-grow"
    assert rows[1][9] == "'=1+2 pay"
    assert rows[2][9] == "'@SUM(A1) cards"

    response = client.get(f"{MATRIX}.xlsx", headers=viewer.headers)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = [list(r) for r in workbook["Matrix"].iter_rows(values_only=True)]
    assert sheet[1][0] == ids["grow"]  # ids stay numbers
    assert (sheet[1][1], sheet[1][9], sheet[2][9]) == ("'-grow", "'=1+2 pay", "'@SUM(A1) cards")
    formulas = [c for row in workbook["Matrix"].iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    summary = [list(r) for r in workbook["Summary"].iter_rows(values_only=True)]
    assert isinstance(summary[1][1], int)


def test_the_goal_filter_names_the_goal_safely(client, db, make_account) -> None:  # type: ignore[no-untyped-def]
    viewer = make_account("viewer")
    ids = build_chain(db)
    with db.session() as session:
        session.get(BusinessGoal, ids["grow"]).name = "=cmd\x02"
    response = client.get(f"{MATRIX}.xlsx", params={"goal": ids["grow"]}, headers=viewer.headers)
    workbook = load_workbook(io.BytesIO(response.content))
    goal_rows = [r for r in workbook["Summary"].iter_rows(values_only=True) if r[0] == "Goal"]
    assert goal_rows == [("Goal", ids["grow"], "'=cmd") + (None,) * (len(goal_rows[0]) - 3)]
