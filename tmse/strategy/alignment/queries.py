"""SQL reads behind the alignment view: the strategy rows, the chain links and the requirements'
statuses. Set-based: six queries whatever the number of requirements, no query per row; the
pure alignment module walks the links in memory."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from tmse.core.links.models import LinkState, TraceLink
from tmse.requirements.models import DERIVES, Requirement, RequirementStatus
from tmse.strategy.alignment import (
    Alignment,
    GoalRow,
    InitiativeRow,
    KeyResultRow,
    ObjectiveRow,
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
        GoalRow(r.id, r.name, r.status, r.metric, r.unit, float(r.baseline_value),
                float(r.target_value), _f(r.current_value))
        for r in session.execute(
            select(BusinessGoal.id, BusinessGoal.name, BusinessGoal.status, BusinessGoal.metric,
                   BusinessGoal.unit, BusinessGoal.baseline_value, BusinessGoal.target_value,
                   BusinessGoal.current_value).order_by(BusinessGoal.period_end, BusinessGoal.id)
        )
    ]  # fmt: skip
    objectives = [
        ObjectiveRow(r.id, r.name, r.status)
        for r in session.execute(select(TechObjective.id, TechObjective.name, TechObjective.status))
    ]
    key_results = [
        KeyResultRow(r.id, r.objective_id, r.name, r.unit, float(r.start_value),
                     float(r.target_value), _f(r.current_value))
        for r in session.execute(
            select(KeyResult.id, KeyResult.objective_id, KeyResult.name, KeyResult.unit,
                   KeyResult.start_value, KeyResult.target_value, KeyResult.current_value)
        )
    ]  # fmt: skip
    initiatives = [
        InitiativeRow(r.id, r.name, r.status, float(r.planned_person_days),
                      float(r.planned_cost), r.currency)
        for r in session.execute(
            select(Initiative.id, Initiative.name, Initiative.status,
                   Initiative.planned_person_days, Initiative.planned_cost, Initiative.currency)
        )
    ]  # fmt: skip
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


def _statuses(session: Session) -> dict[int, str]:
    table = Requirement.__table__.c
    return dict(session.connection().execute(select(table.id, table.status)).all())


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
        _statuses(session),
        frozenset(CLOSED_STATUSES),
    )


def requirement_rows(session: Session, ids: list[int]) -> list[Any]:
    """(id, title, status) of these requirements, in the order given."""
    if not ids:
        return []
    stmt = select(Requirement.id, Requirement.title, Requirement.status)
    found = {r.id: r for r in session.execute(stmt.where(Requirement.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def named_rows(session: Session, model: type[Any], ids: list[int]) -> list[Any]:
    if not ids:
        return []
    stmt = select(model.id, model.name, model.status).where(model.id.in_(ids))
    return list(session.execute(stmt.order_by(model.id)).all())
