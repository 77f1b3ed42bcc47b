"""The database side of impact analysis: trace edges read level by level through the
(source_type, source_id) index, never the whole link table, and where requirements are planned."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from tmse.core.links.models import LinkState, TraceLink
from tmse.core.links.registry import registered_types
from tmse.requirements.changes.impact import (
    REQUIREMENT,
    Impact,
    Node,
    Place,
    Successors,
    downstream_closure,
    effort_delta,
    impact_of,
)
from tmse.requirements.models import DUPLICATES, Requirement

# A duplicate points at its original; changing the duplicate does not reach the original.
NOT_DOWNSTREAM = (DUPLICATES,)
# Bound parameters per IN list: well under SQLite's limit, and plans stay index lookups.
CHUNK = 500
# Type-and-ids branches OR-ed into one query (so at most 2,000 bound ids a query).
BRANCHES = 4


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def trace_successors(session: Session) -> Successors:
    """Targets of the live (not invalid) downstream links leaving a level of nodes: one query a
    level (per 500 ids of a type), each branch an index lookup on (source_type, source_id)."""

    def successors(frontier: Sequence[Node]) -> Iterable[Node]:
        by_type: dict[str, list[int]] = defaultdict(list)
        for kind, entity_id in frontier:
            by_type[kind].append(entity_id)
        branches = [
            and_(TraceLink.source_type == kind, TraceLink.source_id.in_(chunk))
            for kind, ids in sorted(by_type.items())
            for chunk in _chunks(sorted(ids))
        ]
        for start in range(0, len(branches), BRANCHES):
            rows = session.execute(
                select(TraceLink.target_type, TraceLink.target_id).where(
                    or_(*branches[start : start + BRANCHES]),
                    TraceLink.state != LinkState.INVALID,
                    TraceLink.link_type.not_in(NOT_DOWNSTREAM),
                )
            )
            # Plain tuples: they are the closure's dictionary keys.
            yield from ((row[0], row[1]) for row in rows)

    return successors


def requirement_places(session: Session, ids: Sequence[int]) -> dict[int, Place]:
    places: dict[int, Place] = {}
    columns = (
        Requirement.id,
        Requirement.project_id,
        Requirement.release_id,
        Requirement.milestone_id,
        Requirement.effort_days,
    )
    for chunk in _chunks(sorted(set(ids))):
        for row in session.execute(select(*columns).where(Requirement.id.in_(chunk))):
            effort = float(row.effort_days) if row.effort_days is not None else None
            places[row.id] = Place(row.project_id, row.release_id, row.milestone_id, effort)
    return places


def _proposed_place(requirement: Requirement, changes: Mapping[str, Any]) -> Place | None:
    moved = {"project_id", "release_id", "milestone_id"} & set(changes)
    if not moved:
        return None
    return Place(
        changes.get("project_id", requirement.project_id),
        changes.get("release_id", requirement.release_id),
        changes.get("milestone_id", requirement.milestone_id),
    )


def compute_impact(
    session: Session, requirement: Requirement, changes: Mapping[str, Any]
) -> Impact:
    """The impact of changing `requirement` by `changes` ({field: proposed value})."""
    closure = downstream_closure((REQUIREMENT, requirement.id), trace_successors(session))
    downstream = [entity_id for kind, entity_id in closure if kind == REQUIREMENT]
    places = requirement_places(session, [requirement.id, *downstream])
    delta = effort_delta(requirement.effort_days, changes)
    return impact_of(requirement.id, closure, places, delta, _proposed_place(requirement, changes))


def labels_of(
    session: Session, refs: Iterable[tuple[str, int]], limit: int = 500
) -> dict[str, str]:
    """{"service:3": "payments", ...} for up to `limit` refs, one query per entity type."""
    by_type: dict[str, list[int]] = defaultdict(list)
    for count, (kind, entity_id) in enumerate(refs):
        if count >= limit:
            break
        by_type[kind].append(entity_id)
    types = registered_types()
    labels: dict[str, str] = {}
    for kind, ids in by_type.items():
        linkable = types.get(kind)
        if linkable is None:
            continue
        model = linkable.model
        label_column = getattr(model, linkable.label_field)
        for chunk in _chunks(ids):
            rows = session.execute(select(model.id, label_column).where(model.id.in_(chunk)))
            labels.update({f"{kind}:{row[0]}": str(row[1]) for row in rows})
    return labels
