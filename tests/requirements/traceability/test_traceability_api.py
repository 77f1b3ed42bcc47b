"""The traceability matrix through the API, its exports and its page, on one small chain."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook

from tests.helpers import SYSTEM, login
from tests.helpers.traceability_chain import build_chain
from tmse.core.links.service import create_link
from tmse.requirements.models import Requirement
from tmse.requirements.traceability.levels import REGISTRY, Level

MATRIX = "/api/v1/traceability/matrix"
HEADER = [
    "Goal ID", "Goal",
    "Objective ID", "Objective", "Objective link",
    "Initiative ID", "Initiative", "Initiative link",
    "Requirement ID", "Requirement", "Requirement link", "Requirement derived from",
    "Service ID", "Service", "Service link",
]  # fmt: skip


def _levels(body):  # type: ignore[no-untyped-def]
    return {
        lv["key"]: (lv["count"], lv["covered"], lv["coverage"], lv["orphans"], lv["suspect"])
        for lv in body["levels"]
    }


def _cell(row, index):  # type: ignore[no-untyped-def]
    cell = row["cells"][index]
    return None if cell is None else (cell["label"], cell["state"], cell["via"])


@dataclass
class Story:
    """The chain's ids, who reads it, and the baseline a step takes for later ones."""

    client: Any
    db: Any
    viewer: Any
    admin: Any
    ids: dict[str, int]
    baseline_id: int = 0


def test_matrix_exports_baseline_and_page_on_a_small_chain(client, db, make_account, admin):
    viewer = make_account("viewer")
    login(client, viewer.username)
    empty = client.get("/traceability")
    assert empty.status_code == 200 and 'id="trace-empty"' in empty.text

    ids = build_chain(db)
    # A content change of the requirement turns its links Suspect: in and out.
    with db.session() as session:
        session.get(Requirement, ids["pay"]).title = "一键支付（含指纹）"
    story = Story(client, db, viewer, admin, ids)
    _the_matrix_counts_and_pages_its_rows(story)
    _csv_and_excel_export_every_row(story)
    _as_of_a_baseline(story)
    _a_level_registered_onward_appears(story)
    _the_page_in_english_and_chinese(story)


def _the_matrix_counts_and_pages_its_rows(story: Story) -> None:
    """Coverage, orphans and Suspect links per level; rows by path, paged, for one goal."""
    client, viewer, ids = story.client, story.viewer, story.ids
    body = client.get(MATRIX, headers=viewer.headers).json()
    assert _levels(body) == {
        # count, covered, coverage %, orphans, suspect
        "goal": (2, 1, 50.0, None, 0),
        "objective": (2, 1, 50.0, 1, 0),
        "initiative": (1, 1, 100.0, 0, 1),  # includes → the changed requirement
        "requirement": (3, 2, 66.7, 1, 2),  # derives and touches out of it
        "service": (3, 0, None, 1, 0),
    }
    rows = body["rows"]
    assert (rows["total"], rows["limit"], rows["offset"]) == (6, 50, 0)
    first, second = rows["items"][0], rows["items"][1]
    assert [_cell(first, i) for i in range(5)] == [
        ("Grow online sales", None, None),
        ("Faster checkout", "valid", None),
        ("Checkout rewrite", "valid", None),
        ("一键支付（含指纹）", "suspect", None),
        ("payments", "suspect", None),
    ]
    assert _cell(second, 3) == ("Saved cards", "suspect", ids["pay"])  # through its parent
    assert _cell(second, 4) == ("cards", "valid", None)
    assert first["cells"][3]["id"] == ids["pay"]
    assert [r["starts_at"] for r in rows["items"]] == [
        "goal", "goal", "goal", "objective", "requirement", "service",
    ]  # fmt: skip
    assert rows["items"][2]["cells"][1:] == [None] * 4  # Lower cost: the chain stops at once

    paged = client.get(MATRIX, params={"limit": 2, "offset": 4}, headers=viewer.headers).json()
    assert [r["starts_at"] for r in paged["rows"]["items"]] == ["requirement", "service"]
    assert paged["levels"] == body["levels"]

    one_goal = client.get(MATRIX, params={"goal": ids["grow"]}, headers=viewer.headers).json()
    assert one_goal["rows"]["total"] == 2
    assert _levels(one_goal)["requirement"] == (2, 2, 100.0, 0, 2)
    bad = client.get(MATRIX, params={"goal": 9999}, headers=viewer.headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "goal"
    assert client.get(MATRIX, headers={"Authorization": "Bearer unknown"}).status_code == 401


def _csv_and_excel_export_every_row(story: Story) -> None:
    """The CSV and the Excel workbook hold every row, and the summary per level."""
    client, viewer, ids = story.client, story.viewer, story.ids
    # CSV: every row, UTF-8 with a byte order mark.
    exported = client.get(f"{MATRIX}.csv", headers=viewer.headers)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    lines = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert lines[0] == HEADER
    assert len(lines) == 1 + 6
    assert lines[1] == [
        str(ids["grow"]), "Grow online sales",
        str(ids["faster"]), "Faster checkout", "valid",
        str(ids["rewrite"]), "Checkout rewrite", "valid",
        str(ids["pay"]), "一键支付（含指纹）", "suspect", "",
        str(ids["svc-payments"]), "payments", "suspect",
    ]  # fmt: skip
    assert lines[2][8:12] == [str(ids["cards"]), "Saved cards", "suspect", str(ids["pay"])]
    assert lines[6] == [""] * 12 + [str(ids["svc-legacy-ui"]), "legacy-ui", ""]

    # Excel: the same rows on "Matrix", coverage per level on "Summary".
    workbook = load_workbook(
        io.BytesIO(client.get(f"{MATRIX}.xlsx", headers=viewer.headers).content)
    )
    assert workbook.sheetnames == ["Matrix", "Summary"]
    sheet = [list(r) for r in workbook["Matrix"].iter_rows(values_only=True)]
    assert sheet[0] == HEADER and len(sheet) == 7
    assert sheet[1][:5] == [
        ids["grow"],
        "Grow online sales",
        ids["faster"],
        "Faster checkout",
        "valid",
    ]
    assert sheet[1][9:11] == ["一键支付（含指纹）", "suspect"]
    assert sheet[4][:2] == [None, None] and sheet[4][3] == "Cloud exit"  # the orphan objective
    summary = [list(r) for r in workbook["Summary"].iter_rows(values_only=True)]
    assert summary[0] == ["Level", "Items", "Covered", "Coverage %", "Orphans", "Suspect links"]
    assert summary[1:6] == [
        ["goal", 2, 1, 50, None, 0],
        ["objective", 2, 1, 50, 1, 0],
        ["initiative", 1, 1, 100, 0, 1],
        ["requirement", 3, 2, 66.7, 1, 2],
        ["service", 3, 0, None, 1, 0],
    ]


def _as_of_a_baseline(story: Story) -> None:
    """As of a baseline: its requirements and their links; strategy and services as now."""
    client, db, viewer, admin, ids = story.client, story.db, story.viewer, story.admin, story.ids
    # As of a baseline: its requirements and their links, strategy and services as they are now.
    taken = client.post(
        "/api/v1/baselines",
        json={"name": "R1", "approver": "admin", "requirement_ids": [ids["pay"], ids["cards"]]},
        headers=admin.headers,
    )
    assert taken.status_code == 201, taken.text
    with db.session() as session:
        later = Requirement(title="Apple Pay")
        session.add(later)
        session.flush()
        create_link(
            session, SYSTEM, f"initiative:{ids['rewrite']}", f"requirement:{later.id}", "includes"
        )
        create_link(
            session,
            SYSTEM,
            f"requirement:{ids['dark']}",
            f"service:{ids['svc-legacy-ui']}",
            "touches",
        )
        create_link(
            session,
            SYSTEM,
            f"requirement:{ids['cards']}",
            f"service:{ids['svc-payments']}",
            "touches",
        )
    now = client.get(MATRIX, headers=viewer.headers).json()
    assert _levels(now)["requirement"] == (4, 3, 75.0, 1, 2)  # Dark mode: still no initiative
    assert _levels(now)["service"] == (3, 0, None, 0, 0)
    as_of = client.get(MATRIX, params={"baseline": taken.json()["id"]}, headers=viewer.headers)
    assert as_of.status_code == 200
    assert as_of.json()["baseline"] == taken.json()["id"]
    assert _levels(as_of.json())["requirement"] == (2, 2, 100.0, 0, 2)
    assert _levels(as_of.json())["service"] == (3, 0, None, 1, 0)  # legacy-ui, as then
    assert as_of.json()["rows"]["total"] == 6 - 1  # Dark mode is not in the baseline
    assert [_cell(r, 4) for r in as_of.json()["rows"]["items"][:2]] == [
        ("payments", "suspect", None),
        ("cards", "valid", None),  # Saved cards → payments came later
    ]
    csv_as_of = client.get(
        f"{MATRIX}.csv", params={"baseline": taken.json()["id"]}, headers=viewer.headers
    )
    assert len(csv_as_of.content.decode("utf-8-sig").strip().splitlines()) == 1 + 5
    unknown = client.get(MATRIX, params={"baseline": 9999}, headers=viewer.headers)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "baseline"
    story.baseline_id = taken.json()["id"]


def _a_level_registered_onward_appears(story: Story) -> None:
    """A level registered onward appears in the summary and the rows."""
    client, viewer = story.client, story.viewer
    # A level registered onward appears in the summary and the rows.
    REGISTRY.register(Level("api", "api", "API", 60, ("exposes",)))
    try:
        # (another query string: the same one is answered from the response cache)
        extended = client.get(MATRIX, params={"limit": 40}, headers=viewer.headers).json()
    finally:
        REGISTRY.unregister("api")
    assert [lv["key"] for lv in extended["levels"]][-2:] == ["service", "api"]
    assert _levels(extended)["service"] == (3, 0, 0.0, 0, 0)
    assert all(len(r["cells"]) == 6 for r in extended["rows"]["items"])


def _the_page_in_english_and_chinese(story: Story) -> None:
    """The page shows the chart, Suspect cells, orphans and export links, also in Chinese."""
    client, ids, baseline_id = story.client, story.ids, story.baseline_id
    # The page, in English and in Chinese.
    page = client.get("/traceability")
    assert page.status_code == 200
    assert 'id="chart-coverage"' in page.text and "data-suspect" in page.text
    assert 'data-orphan="objective"' in page.text
    assert 'href="/api/v1/traceability/matrix.csv"' in page.text
    filtered = client.get("/traceability", params={"goal": ids["grow"], "baseline": baseline_id})
    assert f"matrix.xlsx?goal={ids['grow']}&amp;baseline={baseline_id}" in filtered.text
    assert 'id="as-of-baseline"' in filtered.text
    chinese = client.get("/traceability", headers={"Accept-Language": "zh-CN"})
    assert "追溯矩阵" in chinese.text and "覆盖率" in chinese.text
