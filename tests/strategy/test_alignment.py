"""Progress and the alignment tree from plain rows, with hand-computed expectations."""

from __future__ import annotations

import pytest

from tmse.strategy.alignment.analysis import (
    GoalRow,
    InitiativeRow,
    KeyResultRow,
    ObjectiveRow,
    build_alignment,
    mean_progress,
    progress_percent,
    reached,
)


@pytest.mark.parametrize(
    ("start", "target", "current", "expected"),
    [
        (120, 150, 129, 30.0),  # rising: 9 of 30
        (800, 300, 550, 50.0),  # falling: 250 of 500
        (800, 300, 200, 100.0),  # beyond the target: clamped
        (0, 10, -4, 0.0),  # moved the wrong way: clamped
        (30, 20, 35, 0.0),  # falling target, got worse
        (96, 99.5, 98.6, 74.3),  # 2.6 / 3.5 = 74.29
        (0, 3, 1, 33.3),
        (5, 5, 5, 100.0),  # nothing to move, already there
        (5, 5, 4, 0.0),
        (0, 100, None, None),  # not measured yet
    ],
)
def test_progress_percent(start, target, current, expected):
    assert progress_percent(start, target, current) == expected


def test_mean_progress_counts_unmeasured_as_zero():
    assert mean_progress([50.0, None]) == 25.0
    assert mean_progress([100.0, 33.3, 0.0]) == 44.4
    assert mean_progress([]) is None


def _goal(goal_id: int, current: float | None = None) -> GoalRow:
    return GoalRow(goal_id, f"G{goal_id}", "active", "GMV", "M", 100.0, 200.0, current)


def _initiative(initiative_id: int, days: float, cost: float, currency: str = "CNY"):
    return InitiativeRow(initiative_id, f"I{initiative_id}", "active", days, cost, currency)


def test_tree_rolls_up_each_initiative_once_per_goal_and_finds_orphans():
    goals = [_goal(1, 150.0), _goal(2)]
    objectives = [ObjectiveRow(i, f"O{i}", "active") for i in (10, 11, 12, 13)]
    key_results = [
        KeyResultRow(100, 10, "k1", "", 0.0, 10.0, 10.0),  # 100
        KeyResultRow(101, 10, "k2", "", 0.0, 10.0, 2.0),  # 20
        KeyResultRow(102, 11, "k3", "", 50.0, 0.0, 40.0),  # 20
    ]
    initiatives = [
        _initiative(20, 100, 1000),
        _initiative(21, 50, 500),
        _initiative(22, 7, 70, "USD"),
        _initiative(23, 1, 1),  # driven by an objective no goal supports
        _initiative(24, 2, 2),  # driven by nothing
    ]
    supports = [(1, 10), (1, 11), (2, 11), (99, 12)]  # goal 99 does not exist
    drives = [(10, 20), (11, 20), (11, 21), (11, 22), (13, 23), (10, 999)]
    # Requirements: 1-4 included by initiative 20; 5 derived from 1, 6 from 5 (and 6 back to
    # 1: a cycle); 7 included by the orphan initiative 23; 8 open and unlinked; 9 rejected.
    status_of = {
        1: "approved",
        2: "approved",
        3: "approved",
        4: "pending",
        5: "pending",
        6: "done",
        7: "accepted",
        8: "pending",
        9: "rejected",
    }
    tree = build_alignment(
        goals,
        objectives,
        key_results,
        initiatives,
        supports,
        drives,
        includes=[(20, 1), (20, 2), (20, 3), (20, 4), (23, 7), (20, 404)],
        derives=[(1, 5), (5, 6), (6, 1)],
        status_of=status_of,
        closed=frozenset({"rejected"}),
    )
    first, second = tree.goals
    assert first.progress == 50.0 and second.progress is None
    assert [o.row.id for o in first.objectives] == [10, 11]
    assert [o.progress for o in first.objectives] == [60.0, 20.0]
    assert first.objectives_progress == 40.0
    # Initiative 20 is under both objectives of goal 1: counted once.
    assert first.totals.initiatives == 3
    assert first.totals.planned_person_days == 157
    assert first.totals.planned_cost_by_currency == {"CNY": 1500, "USD": 70}
    # Direct includes per initiative; the goal also counts what was derived (5 and 6).
    assert first.objectives[0].initiatives[0].requirements.by_status == {
        "approved": 3,
        "pending": 1,
    }
    assert first.totals.requirements.by_status == {"approved": 3, "done": 1, "pending": 2}
    assert (second.totals.objectives, second.totals.initiatives) == (1, 3)
    assert second.totals.requirements.total == 6
    assert tree.orphan_requirement_ids == [8, 7]
    assert tree.orphan_objective_ids == [12, 13]
    assert tree.orphan_initiative_ids == [23, 24]


def test_no_goals_makes_everything_an_orphan():
    tree = build_alignment(
        [],
        [ObjectiveRow(1, "O", "active")],
        [],
        [_initiative(5, 1, 1)],
        [],
        [(1, 5)],
        includes=[(5, 10)],
        derives=[(10, 11)],
        status_of={10: "pending", 11: "done"},
    )
    assert tree.goals == []
    assert (tree.orphan_objective_ids, tree.orphan_initiative_ids) == ([1], [5])
    assert tree.orphan_requirement_ids == [11, 10]


def test_reached_follows_derives_at_any_depth_and_stops_on_cycles():
    children = {1: [2, 3], 3: [4], 4: [1], 9: [10]}
    assert reached([1], children) == {1, 2, 3, 4}
    assert reached([9, 4], children) == {1, 2, 3, 4, 9, 10}
    assert reached([], children) == set()
