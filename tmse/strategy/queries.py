"""Reads of goals, objectives and initiatives for the API and the pages: filtered, paged lists
and the response models, with the ids of their chain links read per page, not per row."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from tmse.core.identity.models import User
from tmse.core.pagination import ListParams, paginate
from tmse.strategy import chain
from tmse.strategy.alignment.analysis import mean_progress, progress_percent
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
    GoalOut,
    InitiativeOut,
    KeyResultOut,
    ObjectiveOut,
    OwnerOut,
)
from tmse.strategy.service import key_results_of


def number(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def _owner(users: dict[int, Any], owner_id: int | None) -> OwnerOut | None:
    user = users.get(owner_id) if owner_id is not None else None
    if user is None:
        return None
    return OwnerOut(id=user.id, username=user.username, display_name=user.display_name)


def _search(stmt: Select[Any], model: type[Any], q: str | None) -> Select[Any]:
    if q:
        pattern = f"%{q.strip()}%"
        stmt = stmt.where(or_(model.name.ilike(pattern), model.description.ilike(pattern)))
    return stmt


# --- goals ------------------------------------------------------------------------------------


def goals_out(session: Session, goals: list[BusinessGoal]) -> list[GoalOut]:
    users = chain.owners(session, (g.owner_id for g in goals))
    objectives = chain.targets_of(session, SUPPORTS, "goal", [g.id for g in goals])
    return [
        GoalOut(
            id=g.id,
            name=g.name,
            description=g.description,
            owner=_owner(users, g.owner_id),
            period_start=g.period_start,
            period_end=g.period_end,
            metric=g.metric,
            unit=g.unit,
            baseline_value=float(g.baseline_value),
            target_value=float(g.target_value),
            current_value=number(g.current_value),
            progress=progress_percent(
                float(g.baseline_value), float(g.target_value), number(g.current_value)
            ),
            status=g.status,
            objective_ids=objectives.get(g.id, []),
            version=g.version,
            created_at=g.created_at,
            updated_at=g.updated_at,
        )
        for g in goals
    ]


def list_goals(
    session: Session, params: ListParams, status: str | None = None, q: str | None = None
) -> tuple[list[BusinessGoal], int]:
    stmt = _search(select(BusinessGoal), BusinessGoal, q)
    if status:
        stmt = stmt.where(BusinessGoal.status == status)
    sortable = {
        "id": BusinessGoal.id,
        "name": BusinessGoal.name,
        "period_end": BusinessGoal.period_end,
        "status": BusinessGoal.status,
    }
    return paginate(session, stmt, params, sortable, "id", BusinessGoal.id)


# --- objectives -------------------------------------------------------------------------------


def key_result_out(kr: KeyResult) -> KeyResultOut:
    return KeyResultOut(
        id=kr.id,
        objective_id=kr.objective_id,
        name=kr.name,
        metric=kr.metric,
        unit=kr.unit,
        start_value=float(kr.start_value),
        target_value=float(kr.target_value),
        current_value=number(kr.current_value),
        progress=progress_percent(
            float(kr.start_value), float(kr.target_value), number(kr.current_value)
        ),
        version=kr.version,
    )


def objectives_out(session: Session, objectives: list[TechObjective]) -> list[ObjectiveOut]:
    ids = [o.id for o in objectives]
    users = chain.owners(session, (o.owner_id for o in objectives))
    krs = key_results_of(session, ids)
    goals = chain.sources_of(session, SUPPORTS, "objective", ids)
    initiatives = chain.targets_of(session, DRIVES, "objective", ids)
    out = []
    for o in objectives:
        key_results = [key_result_out(kr) for kr in krs[o.id]]
        out.append(
            ObjectiveOut(
                id=o.id,
                name=o.name,
                description=o.description,
                owner=_owner(users, o.owner_id),
                period_start=o.period_start,
                period_end=o.period_end,
                status=o.status,
                progress=mean_progress(k.progress for k in key_results),
                key_results=key_results,
                goal_ids=goals.get(o.id, []),
                initiative_ids=initiatives.get(o.id, []),
                version=o.version,
                created_at=o.created_at,
                updated_at=o.updated_at,
            )
        )
    return out


def list_objectives(
    session: Session,
    params: ListParams,
    goal_id: int | None = None,
    status: str | None = None,
    q: str | None = None,
) -> tuple[list[TechObjective], int]:
    stmt = _search(select(TechObjective), TechObjective, q)
    if status:
        stmt = stmt.where(TechObjective.status == status)
    if goal_id is not None:
        ids = chain.targets_of(session, SUPPORTS, "goal", [goal_id]).get(goal_id, [])
        stmt = stmt.where(TechObjective.id.in_(ids))
    sortable = {
        "id": TechObjective.id,
        "name": TechObjective.name,
        "period_end": TechObjective.period_end,
    }
    return paginate(session, stmt, params, sortable, "id", TechObjective.id)


# --- initiatives ------------------------------------------------------------------------------


def initiatives_out(session: Session, initiatives: list[Initiative]) -> list[InitiativeOut]:
    ids = [i.id for i in initiatives]
    users = chain.owners(session, (i.owner_id for i in initiatives))
    objectives = chain.sources_of(session, DRIVES, "initiative", ids)
    requirements = chain.targets_of(session, INCLUDES, "initiative", ids)
    return [
        InitiativeOut(
            id=i.id,
            name=i.name,
            description=i.description,
            owner=_owner(users, i.owner_id),
            planned_person_days=float(i.planned_person_days),
            planned_cost=float(i.planned_cost),
            currency=i.currency,
            start_on=i.start_on,
            end_on=i.end_on,
            status=i.status,
            objective_ids=objectives.get(i.id, []),
            requirement_ids=requirements.get(i.id, []),
            version=i.version,
            created_at=i.created_at,
            updated_at=i.updated_at,
        )
        for i in initiatives
    ]


def list_initiatives(
    session: Session,
    params: ListParams,
    objective_id: int | None = None,
    status: str | None = None,
    q: str | None = None,
) -> tuple[list[Initiative], int]:
    stmt = _search(select(Initiative), Initiative, q)
    if status:
        stmt = stmt.where(Initiative.status == status)
    if objective_id is not None:
        ids = chain.targets_of(session, DRIVES, "objective", [objective_id]).get(objective_id, [])
        stmt = stmt.where(Initiative.id.in_(ids))
    sortable = {
        "id": Initiative.id,
        "name": Initiative.name,
        "planned_person_days": Initiative.planned_person_days,
        "planned_cost": Initiative.planned_cost,
    }
    return paginate(session, stmt, params, sortable, "id", Initiative.id)


# --- page reads ------------------------------------------------------------------------------


def objectives_with_ids(session: Session, ids: list[int]) -> list[ObjectiveOut]:
    """These objectives as the pages show them."""
    stmt = select(TechObjective).where(TechObjective.id.in_(ids))
    return objectives_out(session, list(session.scalars(stmt)))


def goals_with_ids(session: Session, ids: list[int]) -> list[BusinessGoal]:
    return list(session.scalars(select(BusinessGoal).where(BusinessGoal.id.in_(ids))))


def goal_owner_names(session: Session, goal_ids: list[int]) -> dict[int, str]:
    """The display name (else username) of each goal's owner, by goal id."""
    rows = session.execute(
        select(BusinessGoal.id, BusinessGoal.owner_id).where(BusinessGoal.id.in_(goal_ids))
    ).all()
    users = chain.owners(session, (owner_id for _, owner_id in rows))
    return {
        goal_id: users[owner_id].display_name or users[owner_id].username
        for goal_id, owner_id in rows
        if owner_id in users
    }


def active_users(session: Session) -> list[Any]:
    """(username, display name) of active users, the owners a form offers."""
    stmt = select(User.username, User.display_name).where(User.is_active.is_(True))
    return list(session.execute(stmt.order_by(User.username).limit(300)).all())


def name_choices(session: Session, model: type[BusinessGoal] | type[TechObjective]) -> list[Any]:
    """(id, name) of every goal or objective, by name."""
    return list(session.execute(select(model.id, model.name).order_by(model.name)).all())


def owner_username(session: Session, owner_id: int | None) -> str:
    if owner_id is None:
        return ""
    return session.scalar(select(User.username).where(User.id == owner_id)) or ""
