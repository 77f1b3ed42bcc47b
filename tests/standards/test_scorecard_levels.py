"""The pure roll-up: score, level held, per-standard counts and blocking rules, by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tmse.standards.scorecards.campaigns.progress import (
    CampaignStatus,
    campaign_status,
    days_left,
    expected_share,
    share,
)
from tmse.standards.scorecards.heatmap import heat_map
from tmse.standards.scorecards.rollup import LevelDef, blocking, holds_at_least, roll_up

# Given out of rank order: the roll-up must order by rank, not by position.
LEVELS = [
    LevelDef("gold", "Gold", 3),
    LevelDef("bronze", "Bronze", 1),
    LevelDef("silver", "Silver", 2),
]


@dataclass(frozen=True)
class R:
    standard: str
    rule: str
    level: str
    severity: str
    passed: bool


MIXED = [
    R("api", "a", "bronze", "error", True),  # weight 3, passed
    R("logs", "b", "bronze", "warning", True),  # 2, passed
    R("api", "c", "silver", "error", False),  # 3, failed
    R("logs", "d", "silver", "info", True),  # 1, passed
    R("logs", "e", "gold", "warning", False),  # 2, failed
]


def test_mixed_results_hold_bronze_and_score_the_weighted_share():
    rolled = roll_up(MIXED, LEVELS)
    # passed weight 3 + 2 + 1 = 6 of 3 + 2 + 3 + 1 + 2 = 11 → 54.5 %
    assert rolled.score == 54.5
    assert rolled.level == "bronze"  # silver's rule c fails
    assert rolled.next_level == "silver"
    assert (rolled.passed, rolled.total) == (3, 5)
    assert rolled.by_standard == {"api": [1, 2], "logs": [2, 3]}


def test_blocking_rules_are_the_failures_at_or_below_the_target():
    assert [r.rule for r in blocking(MIXED, "silver", LEVELS)] == ["c"]
    assert [r.rule for r in blocking(MIXED, "gold", LEVELS)] == ["c", "e"]
    assert blocking(MIXED, "bronze", LEVELS) == []


def test_a_failing_bronze_rule_means_no_level_even_if_higher_rules_pass():
    results = [
        R("s", "a", "bronze", "info", False),  # 1, failed
        R("s", "b", "silver", "error", True),  # 3
        R("s", "c", "gold", "error", True),  # 3
    ]
    rolled = roll_up(results, LEVELS)
    assert rolled.level is None
    assert rolled.next_level == "bronze"
    assert rolled.score == round(100 * 6 / 7, 1) == 85.7


def test_everything_passing_holds_the_top_level_with_nothing_next():
    rolled = roll_up(
        [R("s", "a", "bronze", "error", True), R("s", "b", "gold", "info", True)], LEVELS
    )
    assert (rolled.level, rolled.next_level, rolled.score) == ("gold", None, 100.0)


def test_a_level_without_rules_is_held_when_the_levels_below_pass():
    rolled = roll_up([R("s", "a", "bronze", "error", True)], LEVELS)
    assert rolled.level == "gold"


def test_gold_failing_alone_still_holds_silver():
    rolled = roll_up(
        [R("s", "a", "bronze", "error", True), R("s", "g", "gold", "error", False)], LEVELS
    )
    assert rolled.level == "silver"
    assert rolled.score == 50.0


def test_no_results_score_zero_and_hold_nothing():
    rolled = roll_up([], LEVELS)
    assert (rolled.score, rolled.level, rolled.next_level, rolled.total) == (0.0, None, None, 0)


def test_rules_of_an_unconfigured_level_count_for_the_score_only():
    results = [R("s", "a", "bronze", "warning", True), R("s", "x", "platinum", "error", False)]
    rolled = roll_up(results, LEVELS)
    assert rolled.level == "gold"
    assert rolled.score == 40.0  # 2 of 5
    assert blocking(results, "gold", LEVELS) == []


def test_custom_levels_and_holds_at_least():
    levels = [LevelDef("basic", "Basic", 5), LevelDef("mature", "Mature", 10)]
    rolled = roll_up(
        [R("s", "a", "basic", "error", True), R("s", "b", "mature", "error", False)], levels
    )
    assert rolled.level == "basic"
    assert holds_at_least("mature", "basic", levels)
    assert not holds_at_least("basic", "mature", levels)
    assert not holds_at_least(None, "basic", levels)


def test_heat_map_pools_results_per_team_and_standard():
    grid = heat_map(
        [
            ("Payments", {"api": [3, 4], "logs": [1, 1]}),
            ("Payments", {"api": [0, 2]}),
            ("Search", {"logs": [1, 3]}),
        ]
    )
    assert grid.rows == ["Payments", "Search"]
    assert grid.standards == ["api", "logs"]
    cells = {(c.row, c.standard): (c.passed, c.total, c.services, c.rate) for c in grid.cells}
    assert cells == {
        ("Payments", "api"): (3, 6, 2, 50.0),
        ("Payments", "logs"): (1, 1, 1, 100.0),
        ("Search", "logs"): (1, 3, 1, 33.3),
    }


def test_campaign_status_follows_the_straight_line_to_the_due_date():
    start, due = dt.date(2026, 1, 1), dt.date(2026, 1, 11)  # ten days
    assert expected_share(start, due, dt.date(2026, 1, 5)) == 40.0
    assert campaign_status(40.0, start, due, dt.date(2026, 1, 5)) == CampaignStatus.ON_TRACK
    assert campaign_status(39.9, start, due, dt.date(2026, 1, 5)) == CampaignStatus.AT_RISK
    assert campaign_status(90.0, start, due, dt.date(2026, 1, 12)) == CampaignStatus.OVERDUE
    assert campaign_status(100.0, start, due, dt.date(2026, 1, 12)) == CampaignStatus.DONE
    assert days_left(due, dt.date(2026, 1, 5)) == 6
    assert days_left(due, dt.date(2026, 1, 12)) == -1
    assert share(2, 3) == 66.7
    assert share(0, 0) == 100.0
