"""Pure priority analytics: RICE, WSJF, the Must-effort share, the Jira mapping, CSV lines."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tmse.core.errors import InvalidInput
from tmse.core.messages import render
from tmse.integrations import jira
from tmse.integrations.jira.mapping import Lookups, map_generic, map_jira, story_points_to_job_size
from tmse.requirements.balance import must_share
from tmse.requirements.csv_import import read_rows
from tmse.requirements.scoring import WSJF_SCALE, rice_score, scores_of, wsjf_score


@pytest.mark.parametrize(
    ("reach", "impact", "confidence", "effort", "expected"),
    [
        (1000, Decimal("2"), 80, Decimal("2"), 800.0),  # 1000 × 2 × 0.8 / 2
        (500, Decimal("0.25"), 50, Decimal("1"), 62.5),  # 500 × 0.25 × 0.5 / 1
        (300, Decimal("3"), 100, Decimal("0.5"), 1800.0),  # 300 × 3 × 1 / 0.5
        (7, Decimal("0.5"), 80, Decimal("3"), 0.9333),  # 7 × 0.5 × 0.8 / 3 = 0.93333…
        (0, Decimal("1"), 100, Decimal("1"), 0.0),
        (None, Decimal("1"), 100, Decimal("1"), None),
        (10, None, 100, Decimal("1"), None),
        (10, Decimal("1"), None, Decimal("1"), None),
        (10, Decimal("1"), 100, None, None),
        (10, Decimal("1"), 100, Decimal("0"), None),
    ],
)
def test_rice(reach, impact, confidence, effort, expected) -> None:  # type: ignore[no-untyped-def]
    assert rice_score(reach, impact, confidence, effort) == expected


@pytest.mark.parametrize(
    ("value", "criticality", "risk", "size", "expected"),
    [
        (8, 5, 3, 2, 8.0),  # (8 + 5 + 3) / 2
        (20, 13, 8, 1, 41.0),
        (1, 1, 1, 20, 0.15),
        (5, 3, 2, 3, 3.3333),  # 10 / 3
        (None, 1, 1, 1, None),
        (1, None, 1, 1, None),
        (1, 1, None, 1, None),
        (1, 1, 1, None, None),
    ],
)
def test_wsjf(value, criticality, risk, size, expected) -> None:  # type: ignore[no-untyped-def]
    assert wsjf_score(value, criticality, risk, size) == expected


def test_scores_of_a_row() -> None:
    row = {"rice_reach": 200, "rice_impact": 1, "rice_confidence": 50, "rice_effort": 4}
    assert scores_of(row) == (25.0, None)  # 200 × 1 × 0.5 / 4; no WSJF parts


def test_must_share() -> None:
    share = must_share(total_effort=100, must_effort=61, limit_pct=60)
    assert (share.share_pct, share.over_limit) == (61.0, True)
    exactly = must_share(total_effort=50, must_effort=30, limit_pct=60)
    assert (exactly.share_pct, exactly.over_limit) == (60.0, False)  # at the limit is not over
    third = must_share(total_effort=30, must_effort=10, limit_pct=25)
    assert (third.share_pct, third.over_limit) == (33.3, True)
    assert must_share(0, 0, 60).share_pct == 0.0
    assert must_share(0, 0, 60).over_limit is False


@pytest.mark.parametrize(
    ("points", "size"),
    [("0", 1), ("0.5", 1), ("1", 1), ("4", 5), ("5", 5), ("13", 13), ("21", 20), ("100", 20)],
)
def test_story_points_on_the_wsjf_scale(points: str, size: int) -> None:
    assert story_points_to_job_size(points) == size


def test_story_points_not_a_number() -> None:
    assert story_points_to_job_size("lots") is None
    assert story_points_to_job_size("-3") is None


LOOKUPS = Lookups(
    {"PAY": 1},
    {(1, "2026.1"): 7},
    {"tier": "tier", "customer tier": "tier"},
    {"tier": "single_select"},
)


def test_jira_row() -> None:
    row = [
        ("Issue key", "PAY-9"),
        ("Summary", "Refunds"),
        ("Issue Type", "Task"),
        ("Priority", "Blocker"),
        ("Reporter", "li.wei"),
        ("Labels", "a"),
        ("Labels", ""),
        ("Labels", "b"),
        ("Custom field (Story Points)", "8"),
        ("Custom field (Customer tier)", "gold"),
        ("Custom field (Sprint)", "S1"),  # no such custom field: left out
    ]
    mapped = map_jira(row, LOOKUPS)
    assert mapped.errors == []
    assert mapped.external_key == "PAY-9"
    assert mapped.values == {
        "title": "Refunds",
        "type": "technical",
        "moscow": "must",
        "requester": "li.wei",
        "wsjf_job_size": 8,
        "description": "Labels: a, b",
        "custom": {"tier": "gold"},
    }


def test_jira_row_errors() -> None:
    row = [("Summary", ""), ("Issue Type", "Saga"), ("Priority", "Urgent!")]
    fields = [field for field, _ in map_jira(row, LOOKUPS).errors]
    assert fields == ["Summary", "Issue Type", "Priority", "Issue key"]


def test_generic_row_resolves_project_and_release() -> None:
    row = [("title", "X"), ("project", "PAY"), ("release", "2026.1"), ("cf.tier", "gold")]
    mapped = map_generic(row, LOOKUPS)
    assert mapped.values == {
        "title": "X",
        "project_id": 1,
        "release_id": 7,
        "custom": {"tier": "gold"},
    }
    missing = map_generic([("title", "X"), ("project", "NOPE")], LOOKUPS)
    assert [(f, render(m, "en")) for f, m in missing.errors] == [
        ("project", "no project with key 'NOPE'")
    ]
    assert render(missing.errors[0][1], "zh_CN") == "没有键为 'NOPE' 的项目"


def test_csv_line_numbers_count_physical_lines() -> None:
    text = '\ufefftitle,description\nA,"two\nlines"\n\nB,one\n'
    header, records = read_rows(text)
    assert header == ["title", "description"]
    assert [line for line, _ in records] == [2, 5]  # the blank line 4 is skipped
    assert records[0][1] == [("title", "A"), ("description", "two\nlines")]
    with pytest.raises(InvalidInput) as ragged:
        read_rows(text + "C,x,extra\n")
    assert ragged.value.extra["errors"] == [
        {"line": 6, "field": "row", "message": "the row has more cells than the header"}
    ]


def test_jira_story_points_round_up_on_the_scale_the_wsjf_score_uses() -> None:
    # The adapter keeps its own copy of the scale (it imports no domain); the two must agree.
    assert jira.WSJF_SCALE == WSJF_SCALE
    assert jira.story_points_to_job_size("4") == 5
