"""The pure matrix: paths, coverage, orphans and Suspect counts on hand-built chains."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tmse.requirements.traceability.levels import REGISTRY, Level, LevelRegistry
from tmse.requirements.traceability.matrix import build_matrix

LEVELS = ["goal", "objective", "initiative", "requirement", "service"]
V, S, I = "valid", "suspect", "invalid"  # noqa: E741 - the three link states

# goal 2 leads nowhere; objective 12 and initiative 22 have nothing above them; requirement 31
# is derived from 30, 34 from the orphan 33; service 42 is touched only by an invalid link.
ITEMS = {
    "goal": [1, 2],
    "objective": [10, 11, 12],
    "initiative": [20, 21, 22],
    "requirement": [30, 31, 32, 33, 34],
    "service": [40, 41, 42],
}
LINKS = {
    ("goal", "objective"): [(1, 10, V), (1, 11, V)],
    ("objective", "initiative"): [(10, 20, S), (12, 21, V)],
    ("initiative", "requirement"): [(20, 30, V), (21, 32, V)],
    ("requirement", "requirement"): [(30, 31, S), (33, 34, V)],
    ("requirement", "service"): [(30, 40, V), (30, 41, S), (31, 41, V), (32, 42, I)],
}


def _summary(matrix):  # type: ignore[no-untyped-def]
    return {s.key: (s.count, s.covered, s.coverage, s.orphans, s.suspect) for s in matrix.summary}


def test_coverage_orphans_and_suspect_per_level():
    matrix = build_matrix(LEVELS, ITEMS, LINKS)

    assert _summary(matrix) == {
        # count, covered, coverage %, orphans, suspect
        "goal": (2, 1, 50.0, None, 0),
        "objective": (3, 2, 66.7, 1, 1),  # 12 orphan; 10→20 suspect
        "initiative": (3, 2, 66.7, 1, 0),  # 22 orphan (21 hangs below the orphan 12)
        "requirement": (5, 2, 40.0, 2, 2),  # 33 and 34 orphans; 30→31 and 30→41 suspect
        "service": (3, 0, None, 1, 0),  # 42: its only link is invalid
    }


def test_one_row_per_path_with_blank_cells_and_orphans_lower_down():
    matrix = build_matrix(LEVELS, ITEMS, LINKS)
    rows = list(matrix.rows())

    g1, g2 = (1, None, None), (2, None, None)
    o10, o11 = (10, V, None), (11, V, None)
    i20 = (20, S, None)
    assert rows == [
        (g1, o10, i20, (30, V, None), (40, V, None)),
        (g1, o10, i20, (30, V, None), (41, S, None)),
        (g1, o10, i20, (31, S, 30), (41, V, None)),  # derived: reached through its parent
        (g1, o11, None, None, None),
        (g2, None, None, None, None),
        (None, (12, None, None), (21, V, None), (32, V, None), None),  # orphan objective
        (None, None, (22, None, None), None, None),
        (None, None, None, (33, None, None), None),
        (None, None, None, (34, V, 33), None),  # derived from an orphan: an orphan too
        (None, None, None, None, (42, None, None)),
    ]
    assert matrix.total == 10


@pytest.mark.parametrize(("offset", "limit"), [(0, 3), (3, 4), (4, 1), (8, 50), (10, 5)])
def test_a_page_is_that_slice_of_all_rows(offset, limit):
    matrix = build_matrix(LEVELS, ITEMS, LINKS)
    assert matrix.page(offset, limit) == list(matrix.rows())[offset : offset + limit]


def test_one_goal_keeps_only_its_paths_and_counts_only_what_they_reach():
    matrix = build_matrix(LEVELS, ITEMS, LINKS, top=[1])

    assert _summary(matrix) == {
        "goal": (1, 1, 100.0, None, 0),
        "objective": (2, 1, 50.0, 0, 1),
        "initiative": (1, 1, 100.0, 0, 0),
        "requirement": (2, 2, 100.0, 0, 2),
        "service": (2, 0, None, 0, 0),
    }
    assert matrix.total == 4
    assert all(row[0] == (1, None, None) for row in matrix.rows())


def test_two_links_between_the_same_items_make_one_cell_suspect_if_either_is():
    links = {("goal", "objective"): [(1, 10, V), (1, 10, S)]}
    matrix = build_matrix(["goal", "objective"], {"goal": [1], "objective": [10]}, links)

    assert list(matrix.rows()) == [((1, None, None), (10, S, None))]
    assert matrix.summary[0].suspect == 1  # the one Suspect link of the two
    assert matrix.summary[0].covered == 1


def test_links_to_unknown_items_or_skipping_a_level_are_ignored():
    links = {
        ("goal", "objective"): [(1, 99, V), (98, 10, V)],  # unknown objective, unknown goal
        ("goal", "initiative"): [(1, 20, V)],  # not a step of the chain
    }
    items = {"goal": [1], "objective": [10], "initiative": [20]}
    matrix = build_matrix(["goal", "objective", "initiative"], items, links)

    assert _summary(matrix) == {
        "goal": (1, 0, 0.0, None, 0),
        "objective": (1, 0, 0.0, 1, 0),
        "initiative": (1, 0, None, 1, 0),
    }
    assert matrix.total == 3


def test_a_derivation_cycle_with_no_way_in_is_listed_once():
    links = {("requirement", "requirement"): [(1, 2, V), (2, 1, V)]}
    matrix = build_matrix(
        ["initiative", "requirement"], {"initiative": [], "requirement": [1, 2]}, links
    )

    assert list(matrix.rows()) == [(None, (1, None, None)), (None, (2, V, 1))]
    assert matrix.summary[1].orphans == 2
    assert matrix.summary[0].coverage is None  # no initiatives: nothing to share out


def test_rows_follow_the_given_order_of_each_level():
    items = {"goal": [2, 1], "objective": [11, 10]}
    links = {("goal", "objective"): [(1, 10, V), (1, 11, V), (2, 10, V)]}
    rows = list(build_matrix(["goal", "objective"], items, links).rows())

    assert [(row[0][0], row[1][0]) for row in rows] == [(2, 10), (1, 11), (1, 10)]


def test_an_empty_chain_has_no_rows_and_no_coverage():
    matrix = build_matrix(LEVELS, {}, {})
    assert matrix.total == 0 and list(matrix.rows()) == [] and matrix.page(0, 50) == []
    assert [s.coverage for s in matrix.summary] == [None] * 5
    assert [s.orphans for s in matrix.summary] == [None, 0, 0, 0, 0]


def test_a_level_registered_onward_extends_the_chain():
    registry = LevelRegistry()
    for level in REGISTRY.levels():
        registry.register(level)
    registry.register(Level("pipeline", "pipeline", "Pipeline", 60, ("built-by",)))

    assert [level.key for level in registry] == [*LEVELS, "pipeline"]
    assert registry.link_types_to_next("service") == ("built-by",)
    assert registry.link_types_to_next("pipeline") == ()
    assert registry.link_types_to_next("requirement") == ("touches",)
    with pytest.raises(ValueError, match="order 60"):
        registry.register(Level("deployment", "deployment", "Deployment", 60))

    keys = [level.key for level in registry]
    items = {**ITEMS, "pipeline": [50]}
    links = {**LINKS, ("service", "pipeline"): [(40, 50, V)]}
    matrix = build_matrix(keys, items, links)
    assert _summary(matrix)["service"] == (3, 1, 33.3, 1, 0)
    assert _summary(matrix)["pipeline"] == (1, 0, None, 0, 0)
    rows = list(matrix.rows())
    assert rows[0] == (
        (1, None, None),
        (10, V, None),
        (20, S, None),
        (30, V, None),
        (40, V, None),
        (50, V, None),
    )
    assert rows[1][5] is None  # service 41 leads to no pipeline


STATES = st.sampled_from([V, V, S, I])


@st.composite
def chains(draw):  # type: ignore[no-untyped-def]
    """Up to four items per level and random links between neighbouring levels and inside the
    requirement level (cycles included)."""
    items = {key: list(range(1, draw(st.integers(0, 4)) + 1)) for key in LEVELS}
    links: dict[tuple[str, str], list[tuple[int, int, str]]] = {}
    steps = [*pairwise(LEVELS), ("requirement", "requirement")]
    for upper, lower in steps:
        pairs = st.tuples(st.integers(1, 5), st.integers(1, 5), STATES)
        links[(upper, lower)] = draw(st.lists(pairs, max_size=8))
    return items, links


@settings(max_examples=200, deadline=None)
@given(chains())
def test_invariants_of_any_chain(chain):  # type: ignore[no-untyped-def]
    items, links = chain
    matrix = build_matrix(LEVELS, items, links)
    rows = list(matrix.rows())

    assert len(rows) == matrix.total
    for offset, limit in ((0, 3), (2, 5), (len(rows) - 1, 2)):
        assert matrix.page(max(offset, 0), limit) == rows[max(offset, 0) : max(offset, 0) + limit]
    for index, key in enumerate(LEVELS):
        shown = {row[index][0] for row in rows if row[index] is not None}
        assert shown == set(items[key])  # every item appears in some row
        summary = matrix.summary[index]
        assert summary.count == len(items[key])
        assert 0 <= summary.covered <= summary.count
        if index:
            starts = [row[index] for row in rows if row[index - 1] is None and row[index]]
            heads = {cell[0] for cell in starts if cell[2] is None}
            # Rows start at an orphan, or at an item derived from one (which may also be
            # reached from above elsewhere).
            assert summary.orphans is not None
            assert len(heads) <= summary.orphans <= len({cell[0] for cell in starts})
    for row in rows:
        first = next(i for i, cell in enumerate(row) if cell is not None)
        assert row[first][1] is None or row[first][2] is not None  # a start has no link into it
        cells = [cell for cell in row if cell is not None]
        assert all(row[i] is not None for i in range(first, first + len(cells)))  # no gaps
        assert all(cell[1] in (V, S) for cell in cells[1:])  # invalid links never show
