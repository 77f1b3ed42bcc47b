"""The traceability matrix read from the database: now, for one goal, or as of a baseline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from tmse.core.errors import InvalidInput, NotFound
from tmse.core.version_memo import VersionMemo
from tmse.requirements.baselines.queries import baseline_snapshot, get_baseline
from tmse.requirements.traceability import queries
from tmse.requirements.traceability.levels import REGISTRY, Level
from tmse.requirements.traceability.matrix import (
    Link,
    Matrix,
    Row,
    build_matrix,
    collector_paused,
)

# The level a baseline's snapshot replaces, with the links leaving it.
BASELINED_LEVEL = "requirement"
# Matrices by (goal, baseline, levels) at the data version they were read at; two, as one
# large matrix holds tens of megabytes.
_kept: VersionMemo[TraceMatrix] = VersionMemo(slots=2)


@dataclass
class TraceMatrix:
    """The matrix with what it is needed to show it: the levels and every item's label."""

    levels: list[Level]
    matrix: Matrix
    labels: dict[str, dict[int, str]]  # level key → item id → label
    goal_id: int | None = None
    baseline_id: int | None = None
    baseline_name: str | None = None

    def label(self, level_index: int, item_id: int) -> str:
        return self.labels[self.levels[level_index].key].get(item_id, "")

    def cells(self, row: Row) -> list[dict[str, Any] | None]:
        """A row as plain cells: id, label, state of the link into it, the item it derives from."""
        return [
            None
            if cell is None
            else {
                "id": cell[0],
                "label": self.label(index, cell[0]),
                "state": cell[1],
                "via": cell[2],
            }
            for index, cell in enumerate(row)
        ]


def trace_matrix(
    session: Session, goal_id: int | None = None, baseline_id: int | None = None
) -> TraceMatrix:
    """The whole matrix (paths from `goal_id` only, when given); with `baseline_id`, the
    requirement level and its links come from that baseline's snapshot."""
    # Kept until the next write: paging through it, or exporting what the page shows, reads it
    # once.
    levels = tuple(REGISTRY.levels())
    return _kept.get(
        session,
        lambda: _trace_matrix(session, list(levels), goal_id, baseline_id),
        (goal_id, baseline_id, levels),
    )


def _trace_matrix(
    session: Session, levels: list[Level], goal_id: int | None, baseline_id: int | None
) -> TraceMatrix:
    with collector_paused():
        return _read_matrix(session, levels, goal_id, baseline_id)


def _read_matrix(
    session: Session, levels: list[Level], goal_id: int | None, baseline_id: int | None
) -> TraceMatrix:
    if goal_id is not None and not queries.item_exists(session, levels[0], goal_id):
        raise InvalidInput(
            "Unknown goal", [{"field": "goal", "message": f"goal {goal_id} does not exist"}]
        )
    items: dict[str, list[int]] = {}
    labels: dict[str, dict[int, str]] = {}
    baseline_name = None
    links = queries.chain_links(session, levels)
    for index, level in enumerate(levels):
        if baseline_id is not None and level.key == BASELINED_LEVEL:
            baseline_name, ids, names, snapshot_links = _baselined(
                session, levels, index, baseline_id
            )
            items[level.key], labels[level.key] = ids, names
            links.update(snapshot_links)
        else:
            items[level.key], labels[level.key] = queries.level_items(session, level)
    top = None if goal_id is None else [goal_id]
    return TraceMatrix(
        levels,
        build_matrix([level.key for level in levels], items, links, top),
        labels,
        goal_id,
        baseline_id,
        baseline_name,
    )


def _baselined(
    session: Session, levels: list[Level], index: int, baseline_id: int
) -> tuple[str, list[int], dict[int, str], dict[tuple[str, str], list[Link]]]:
    """The baseline's name, its requirements (by title, then id), their titles, and the links
    leaving them — to derived requirements and to the next level — as the snapshot holds them."""
    try:
        baseline = get_baseline(session, baseline_id)
    except NotFound:
        raise InvalidInput(
            "Unknown baseline",
            [{"field": "baseline", "message": f"baseline {baseline_id} does not exist"}],
        ) from None
    snapshot = baseline_snapshot(session, baseline_id)
    names = {item.requirement_id: item.title for item in snapshot}
    ids = sorted(names, key=lambda rid: (names[rid], rid))
    level = levels[index]
    # (type of the other end, link type) → step of the chain the link belongs to
    steps = {(level.type_name, t): (level.key, level.key) for t in level.link_types_within}
    if index + 1 < len(levels):
        below = levels[index + 1]
        steps |= {(below.type_name, t): (level.key, below.key) for t in below.link_types_in}
    links: dict[tuple[str, str], list[Link]] = {step: [] for step in steps.values()}
    for item in snapshot:
        for link in item.links:
            step = steps.get((link["type"], link["link_type"]))
            if step is not None and link["direction"] == "out":
                links[step].append((item.requirement_id, int(link["id"]), link["state"]))
    return baseline.name, ids, names, links
