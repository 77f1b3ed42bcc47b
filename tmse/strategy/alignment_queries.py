"""SQL reads behind the alignment view: the strategy rows, the chain links, requirement counts
per initiative and per goal, and the orphans. Set-based: a handful of queries whatever the
number of requirements; the walk down `derives` links is one recursive query."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import CTE, and_, func, select
from sqlalchemy.orm import Session, aliased

from tmse.core.links.models import LinkState, TraceLink
from tmse.core.pagination import ListParams
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


def _pairs(session: Session, link_type: str, source_type: str, target_type: str) -> list[Any]:
    stmt = select(TraceLink.source_id, TraceLink.target_id).where(
        _hop(TraceLink, link_type, source_type, target_type)
    )
    return [(s, t) for s, t in session.execute(stmt)]


def _initiative_requirements(session: Session) -> dict[int, dict[str, int]]:
    """Requirements each initiative includes directly, counted by status."""
    stmt = (
        select(TraceLink.source_id, Requirement.status, func.count())
        .join(Requirement, Requirement.id == TraceLink.target_id)
        .where(_hop(TraceLink, INCLUDES, "initiative", "requirement"))
        .group_by(TraceLink.source_id, Requirement.status)
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for initiative_id, status, count in session.execute(stmt):
        counts[initiative_id][status] = count
    return counts


def _goal_reach() -> CTE:
    """(goal_id, requirement_id): every requirement that traces to each goal, through the
    goal's objectives and initiatives, then down `derives` links. UNION ends cycles."""
    supports, drives, includes, derives = (aliased(TraceLink) for _ in range(4))
    seed = (
        select(supports.source_id.label("goal_id"), includes.target_id.label("requirement_id"))
        .join(drives, and_(drives.source_id == supports.target_id,
                           _hop(drives, DRIVES, "objective", "initiative")))
        .join(includes, and_(includes.source_id == drives.target_id,
                             _hop(includes, INCLUDES, "initiative", "requirement")))
        .where(_hop(supports, SUPPORTS, "goal", "objective"))
    )  # fmt: skip
    reach = seed.cte("goal_reach", recursive=True)
    step = (
        select(reach.c.goal_id, derives.target_id)
        .select_from(reach)
        .join(
            derives,
            and_(
                derives.source_id == reach.c.requirement_id,
                _hop(derives, DERIVES, "requirement", "requirement"),
            ),
        )
    )
    return reach.union(step)


def _goal_requirements(session: Session) -> dict[int, dict[str, int]]:
    reach = _goal_reach()
    stmt = (
        select(reach.c.goal_id, Requirement.status, func.count())
        .join(Requirement, Requirement.id == reach.c.requirement_id)
        .group_by(reach.c.goal_id, Requirement.status)
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for goal_id, status, count in session.execute(stmt):
        counts[goal_id][status] = count
    return counts


def alignment(session: Session, with_counts: bool = True) -> Alignment:
    """The per-goal tree with its roll-ups and the ids of orphan objectives and initiatives;
    without counts, the requirements are not read (enough to find orphans)."""
    goals, objectives, key_results, initiatives = _rows(session)
    return build_alignment(
        goals,
        objectives,
        key_results,
        initiatives,
        _pairs(session, SUPPORTS, "goal", "objective"),
        _pairs(session, DRIVES, "objective", "initiative"),
        _initiative_requirements(session) if with_counts else {},
        _goal_requirements(session) if with_counts else {},
    )


def _aligned_reach(aligned_initiative_ids: list[int]) -> CTE:
    """Ids of the requirements aligned initiatives include, and all derived from them."""
    includes, derives = aliased(TraceLink), aliased(TraceLink)
    seed = select(includes.target_id.label("requirement_id")).where(
        _hop(includes, INCLUDES, "initiative", "requirement"),
        includes.source_id.in_(aligned_initiative_ids),
    )
    reach = seed.cte("aligned_reach", recursive=True)
    step = (
        select(derives.target_id)
        .select_from(reach)
        .join(
            derives,
            and_(
                derives.source_id == reach.c.requirement_id,
                _hop(derives, DERIVES, "requirement", "requirement"),
            ),
        )
    )
    return reach.union(step)


def orphan_requirements(
    session: Session, aligned_initiative_ids: list[int], params: ListParams
) -> tuple[list[Any], int]:
    """A page of open requirements that trace to no goal (id, title, status), and how many."""
    stmt = select(Requirement.id, Requirement.title, Requirement.status).where(
        Requirement.status.not_in(CLOSED_STATUSES)
    )
    if aligned_initiative_ids:
        reach = _aligned_reach(aligned_initiative_ids)
        stmt = stmt.where(Requirement.id.not_in(select(reach.c.requirement_id)))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(
        stmt.order_by(Requirement.id.desc()).limit(params.limit).offset(params.offset)
    ).all()
    return list(rows), total


def named_rows(session: Session, model: type[Any], ids: list[int]) -> list[Any]:
    if not ids:
        return []
    stmt = select(model.id, model.name, model.status).where(model.id.in_(ids))
    return list(session.execute(stmt.order_by(model.id)).all())
