"""The alignment read: strategy rows, chain links and requirement statuses in a fixed number of
set-based queries (the pure analysis walks the links in memory), and its response models."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from tmse.core.links.models import LinkState, TraceLink
from tmse.core.pagination import ListParams, Page
from tmse.requirements import queries as requirement_queries
from tmse.requirements.models import DERIVES, RequirementStatus
from tmse.strategy.alignment.analysis import (
    Alignment,
    GoalNode,
    GoalRow,
    InitiativeRow,
    KeyResultRow,
    ObjectiveRow,
    RequirementCounts,
    build_alignment,
)
from tmse.strategy.models import (
    DRIVES,
    INCLUDES,
    SUPPORTS,
    BusinessGoal,
    Initiative,
    KeyResult,
    TechObjective,
)
from tmse.strategy.schemas import (
    AlignmentOut,
    GoalNodeOut,
    GoalTotalsOut,
    InitiativeNodeOut,
    KeyResultNodeOut,
    ObjectiveNodeOut,
    OrphanEntity,
    OrphansOut,
    RequirementCountsOut,
)

# Requirements that were turned away are not expected to serve a goal: never orphans.
CLOSED_STATUSES = (RequirementStatus.REJECTED, RequirementStatus.DUPLICATE)


def _hop(link: Any, link_type: str, source_type: str, target_type: str) -> Any:
    return and_(
        link.link_type == link_type,
        link.source_type == source_type,
        link.target_type == target_type,
        link.state != LinkState.INVALID,
    )


def _f(value: Any) -> float | None:
    return None if value is None else float(value)


def _rows(session: Session) -> tuple[list[Any], list[Any], list[Any], list[Any]]:
    goals = [
        GoalRow(
            r.id,
            r.name,
            r.status,
            r.metric,
            r.unit,
            float(r.baseline_value),
            float(r.target_value),
            _f(r.current_value),
        )
        for r in session.execute(
            select(
                BusinessGoal.id,
                BusinessGoal.name,
                BusinessGoal.status,
                BusinessGoal.metric,
                BusinessGoal.unit,
                BusinessGoal.baseline_value,
                BusinessGoal.target_value,
                BusinessGoal.current_value,
            ).order_by(BusinessGoal.period_end, BusinessGoal.id)
        )
    ]
    objectives = [
        ObjectiveRow(r.id, r.name, r.status)
        for r in session.execute(select(TechObjective.id, TechObjective.name, TechObjective.status))
    ]
    key_results = [
        KeyResultRow(
            r.id,
            r.objective_id,
            r.name,
            r.unit,
            float(r.start_value),
            float(r.target_value),
            _f(r.current_value),
        )
        for r in session.execute(
            select(
                KeyResult.id,
                KeyResult.objective_id,
                KeyResult.name,
                KeyResult.unit,
                KeyResult.start_value,
                KeyResult.target_value,
                KeyResult.current_value,
            )
        )
    ]
    initiatives = [
        InitiativeRow(
            r.id, r.name, r.status, float(r.planned_person_days), float(r.planned_cost), r.currency
        )
        for r in session.execute(
            select(
                Initiative.id,
                Initiative.name,
                Initiative.status,
                Initiative.planned_person_days,
                Initiative.planned_cost,
                Initiative.currency,
            )
        )
    ]
    return goals, objectives, key_results, initiatives


# The chain's link types and the ends each joins, read in one pass over trace_links.
CHAIN = {
    SUPPORTS: ("goal", "objective"),
    DRIVES: ("objective", "initiative"),
    INCLUDES: ("initiative", "requirement"),
    DERIVES: ("requirement", "requirement"),
}


def _chain_pairs(session: Session) -> dict[str, list[tuple[int, int]]]:
    """(source id, target id) pairs of each chain link type; invalid links left out."""
    link = TraceLink.__table__.c
    stmt = select(
        link.link_type, link.source_type, link.source_id, link.target_type, link.target_id
    ).where(link.link_type.in_(list(CHAIN)), link.state != LinkState.INVALID)
    pairs: dict[str, list[tuple[int, int]]] = {name: [] for name in CHAIN}
    rows = session.connection().execute(stmt).all()
    for link_type, source_type, source_id, target_type, target_id in rows:
        if CHAIN[link_type] == (source_type, target_type):
            pairs[link_type].append((source_id, target_id))
    return pairs


def alignment(session: Session) -> Alignment:
    """The per-goal tree with its roll-ups, and the orphans. Reads each table once; the walk
    down `derives` links happens in memory (alignment.reached)."""
    goals, objectives, key_results, initiatives = _rows(session)
    pairs = _chain_pairs(session)
    return build_alignment(
        goals,
        objectives,
        key_results,
        initiatives,
        pairs[SUPPORTS],
        pairs[DRIVES],
        pairs[INCLUDES],
        pairs[DERIVES],
        requirement_queries.requirement_statuses(session),
        frozenset(CLOSED_STATUSES),
    )


def named_rows(session: Session, model: type[Any], ids: list[int]) -> list[Any]:
    if not ids:
        return []
    stmt = select(model.id, model.name, model.status).where(model.id.in_(ids))
    return list(session.execute(stmt.order_by(model.id)).all())


def _counts(counts: RequirementCounts) -> RequirementCountsOut:
    return RequirementCountsOut(total=counts.total, by_status=counts.by_status)


def goal_node_out(node: GoalNode) -> GoalNodeOut:
    goal = node.row
    return GoalNodeOut(
        id=goal.id,
        name=goal.name,
        status=goal.status,
        metric=goal.metric,
        unit=goal.unit,
        baseline_value=goal.baseline_value,
        target_value=goal.target_value,
        current_value=goal.current_value,
        progress=node.progress,
        objectives_progress=node.objectives_progress,
        objectives=[
            ObjectiveNodeOut(
                id=o.row.id,
                name=o.row.name,
                status=o.row.status,
                progress=o.progress,
                key_results=[
                    KeyResultNodeOut(
                        id=k.row.id,
                        name=k.row.name,
                        unit=k.row.unit,
                        start_value=k.row.start_value,
                        target_value=k.row.target_value,
                        current_value=k.row.current_value,
                        progress=k.progress,
                    )
                    for k in o.key_results
                ],
                initiatives=[
                    InitiativeNodeOut(
                        id=i.row.id,
                        name=i.row.name,
                        status=i.row.status,
                        planned_person_days=i.row.planned_person_days,
                        planned_cost=i.row.planned_cost,
                        currency=i.row.currency,
                        requirements=_counts(i.requirements),
                    )
                    for i in o.initiatives
                ],
            )
            for o in node.objectives
        ],
        totals=GoalTotalsOut(
            objectives=node.totals.objectives,
            initiatives=node.totals.initiatives,
            planned_person_days=node.totals.planned_person_days,
            planned_cost_by_currency=node.totals.planned_cost_by_currency,
            requirements=_counts(node.totals.requirements),
        ),
    )


def orphan_page(
    session: Session, tree: Alignment, kind: str, paging: ListParams
) -> Page[OrphanEntity]:
    """One page of orphan objectives, initiatives or requirements."""
    if kind == "requirements":
        ids = tree.orphan_requirement_ids
        shown = ids[paging.offset : paging.offset + paging.limit]
        requirements = requirement_queries.requirement_rows(session, shown)
        items = [OrphanEntity(id=r.id, name=r.title, status=r.status) for r in requirements]
        return Page(items=items, total=len(ids), limit=paging.limit, offset=paging.offset)
    model, ids = (
        (TechObjective, tree.orphan_objective_ids)
        if kind == "objectives"
        else (Initiative, tree.orphan_initiative_ids)
    )
    shown = ids[paging.offset : paging.offset + paging.limit]
    rows = named_rows(session, model, shown)
    items = [OrphanEntity(id=r.id, name=r.name, status=r.status) for r in rows]
    return Page(items=items, total=len(ids), limit=paging.limit, offset=paging.offset)


def alignment_out(session: Session, tree: Alignment, paging: ListParams) -> AlignmentOut:
    return AlignmentOut(
        goals=[goal_node_out(g) for g in tree.goals],
        orphans=OrphansOut(
            objectives=orphan_page(session, tree, "objectives", paging),
            initiatives=orphan_page(session, tree, "initiatives", paging),
            requirements=orphan_page(session, tree, "requirements", paging),
        ),
    )
