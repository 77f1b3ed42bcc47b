"""The pure impact analysis: closure over hand-made graphs (cycles, diamonds, fan-out), the
effort delta and the summary of what a closure reaches."""

from __future__ import annotations

import pytest

from tmse.requirements.changes.impact import (
    Place,
    closure_over_edges,
    downstream_closure,
    effort_delta,
    impact_of,
)

R = "requirement"


def req(n: int) -> tuple[str, int]:
    return (R, n)


def test_chain_gives_distances_and_leaves_upstream_out() -> None:
    edges = [
        (("initiative", 1), req(1)),  # upstream of the start: never reached
        (req(1), req(2)),
        (req(2), req(3)),
        (req(3), ("service", 7)),
    ]
    assert closure_over_edges(req(1), edges) == {req(2): 1, req(3): 2, ("service", 7): 3}


def test_cycle_back_to_start_ends_the_walk_and_start_is_not_in_the_result() -> None:
    edges = [(req(1), req(2)), (req(2), req(3)), (req(3), req(1)), (req(3), req(2))]
    assert closure_over_edges(req(1), edges) == {req(2): 1, req(3): 2}


def test_self_loop_and_cycle_away_from_start() -> None:
    edges = [(req(1), req(1)), (req(1), req(5)), (req(5), req(6)), (req(6), req(5))]
    assert closure_over_edges(req(1), edges) == {req(5): 1, req(6): 2}


def test_diamond_counts_a_node_once_at_its_shortest_distance() -> None:
    edges = [
        (req(1), req(2)),
        (req(1), req(3)),
        (req(2), req(4)),
        (req(3), req(4)),
        (req(4), ("api", 9)),
        (req(1), ("api", 9)),
    ]
    assert closure_over_edges(req(1), edges) == {req(2): 1, req(3): 1, ("api", 9): 1, req(4): 2}


def test_same_id_of_different_types_are_different_nodes() -> None:
    edges = [(req(1), ("service", 1)), (("service", 1), ("data-store", 1)), (req(1), req(2))]
    assert closure_over_edges(req(1), edges) == {
        ("service", 1): 1,
        req(2): 1,
        ("data-store", 1): 2,
    }


def test_no_edges_means_nothing_downstream() -> None:
    assert closure_over_edges(req(1), [(req(2), req(1))]) == {}


def test_successors_are_asked_once_per_level_with_the_whole_frontier() -> None:
    adjacency = {req(1): [req(2), req(3)], req(2): [req(4)], req(3): [req(4), req(1)]}
    asked: list[list[tuple[str, int]]] = []

    def successors(frontier: list[tuple[str, int]]) -> list[tuple[str, int]]:
        asked.append(sorted(frontier))
        return [t for n in frontier for t in adjacency.get(n, [])]

    assert downstream_closure(req(1), successors) == {req(2): 1, req(3): 1, req(4): 2}
    assert asked == [[req(1)], [req(2), req(3)], [req(4)]]


@pytest.mark.parametrize(
    ("current", "changes", "expected"),
    [
        (5, {"effort_days": 8}, 3.0),
        ("5.50", {"effort_days": "2.25"}, -3.25),
        (None, {"effort_days": 4}, 4.0),
        (6, {"effort_days": None}, -6.0),
        (6, {"title": "x"}, 0.0),
        (0.1, {"effort_days": 0.3}, 0.2),
    ],
)
def test_effort_delta(current: object, changes: dict[str, object], expected: float) -> None:
    assert effort_delta(current, changes) == pytest.approx(expected)


def test_impact_summary_collects_places_of_every_requirement_and_the_proposed_move() -> None:
    closure = {
        req(2): 1,
        req(3): 2,
        ("service", 4): 1,
        ("api", 5): 2,
        ("data-store", 6): 3,
        ("adr", 1): 1,
        ("milestone", 40): 2,  # a milestone linked directly
    }
    places = {
        1: Place(project_id=10, release_id=100, milestone_id=None, effort_days=5),
        2: Place(project_id=10, release_id=101, milestone_id=41, effort_days=3.5),
        3: Place(project_id=11, release_id=None, milestone_id=41, effort_days=None),
    }
    impact = impact_of(1, closure, places, 3.0, proposed=Place(project_id=10, release_id=102))
    assert impact.requirements == [2, 3]
    assert impact.entities == {"adr": [1], "api": [5], "data-store": [6], "service": [4]}
    assert impact.projects == [10, 11]
    assert impact.releases == [100, 101, 102]
    assert impact.milestones == [40, 41]
    assert impact.downstream_effort_days == 3.5
    assert impact.effort_delta == 3.0
    assert impact.depth == 3
    assert impact.counts == {
        "requirements": 2,
        "services": 1,
        "apis": 1,
        "data_stores": 1,
        "projects": 2,
        "releases": 3,
        "milestones": 2,
        "other": 1,
    }
    stored = impact.as_dict()
    assert stored["counts"]["requirements"] == 2
    assert stored["depths"]["data-store:6"] == 3


def test_impact_of_an_isolated_requirement_still_names_its_own_place() -> None:
    impact = impact_of(1, {}, {1: Place(project_id=3, milestone_id=9, effort_days=2)}, -2.0)
    assert (impact.requirements, impact.projects, impact.milestones) == ([], [3], [9])
    assert impact.releases == [] and impact.depth == 0 and impact.downstream_effort_days == 0
