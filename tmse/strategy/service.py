"""Every change to business goals, tech objectives and their key results. Each write is audited;
bad input is refused whole (422 naming the field) before anything is written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.errors import Conflict, InvalidInput, NotFound, check_version
from tmse.core.permissions import STRATEGY_WRITE
from tmse.strategy import chain
from tmse.strategy.models import SUPPORTS, BusinessGoal, KeyResult, TechObjective
from tmse.strategy.schemas import (
    GoalCreate,
    GoalUpdate,
    KeyResultIn,
    KeyResultUpdate,
    ObjectiveCreate,
    ObjectiveUpdate,
)

GOAL_FIELDS = (
    "name",
    "description",
    "owner_id",
    "period_start",
    "period_end",
    "metric",
    "unit",
    "baseline_value",
    "target_value",
    "current_value",
    "status",
)
OBJECTIVE_FIELDS = ("name", "description", "owner_id", "period_start", "period_end", "status")


def allowed_actions(actor: Actor) -> frozenset[str]:
    """What `actor` may do to any goal, objective, key result or initiative: "edit" (create,
    change, delete, record progress, include requirements) for strategists."""
    return frozenset({"edit"}) if actor.can(STRATEGY_WRITE) else frozenset()


KEY_RESULT_FIELDS = ("name", "metric", "unit", "start_value", "target_value", "current_value")


def snapshot(entity: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """The audited fields of a row; decimals as text so the audit keeps their exact value."""
    values = {}
    for name in fields:
        value = getattr(entity, name)
        values[name] = str(value) if isinstance(value, Decimal) else value
    return values


def check_period(start: dt.date | None, end: dt.date | None, errors: list[dict[str, Any]]) -> None:
    if start is not None and end is not None and end < start:
        errors.append({"field": "period_end", "message": "must not be before period_start"})


def check_unique_name(
    session: Session, model: type[Any], name: str | None, own_id: int | None, what: str
) -> None:
    if name is None:
        return
    found = session.scalar(select(model.id).where(model.name == name))
    if found is not None and found != own_id:
        raise Conflict(f"A {what} named '{name}' already exists.", field="name", existing_id=found)


def _refuse(detail: str, errors: list[dict[str, Any]]) -> None:
    if errors:
        raise InvalidInput(detail, errors)


# --- goals ------------------------------------------------------------------------------------


def get_goal(session: Session, goal_id: int) -> BusinessGoal:
    goal = session.get(BusinessGoal, goal_id)
    if goal is None:
        raise NotFound(f"Goal {goal_id} does not exist")
    return goal


def _check_target(
    start: Decimal | None, target: Decimal | None, errors: list[dict[str, Any]], field: str
) -> None:
    if start is not None and target is not None and start == target:
        errors.append({"field": field, "message": "must differ from the starting value"})


def create_goal(session: Session, actor: Actor, data: GoalCreate) -> BusinessGoal:
    errors = chain.owner_error(session, data.owner)
    check_period(data.period_start, data.period_end, errors)
    _check_target(data.baseline_value, data.target_value, errors, "target_value")
    _refuse("The goal is not valid", errors)
    check_unique_name(session, BusinessGoal, data.name, None, "goal")
    goal = BusinessGoal(
        **data.model_dump(exclude={"owner"}), owner_id=chain.owner_id(session, data.owner)
    )
    session.add(goal)
    session.flush()
    audit.record(session, actor, "create", "goal", goal.id, None, snapshot(goal, GOAL_FIELDS))
    return goal


def update_goal(session: Session, actor: Actor, goal_id: int, data: GoalUpdate) -> BusinessGoal:
    goal = get_goal(session, goal_id)
    check_version("Goal", goal.version, data.version)
    changes = data.model_dump(exclude_unset=True, exclude={"version", "owner"})
    errors = chain.owner_error(session, data.owner)
    check_period(
        changes.get("period_start", goal.period_start),
        changes.get("period_end", goal.period_end),
        errors,
    )
    for required in ("name", "metric", "target_value", "period_start", "period_end", "status"):
        if required in changes and changes[required] is None:
            errors.append({"field": required, "message": "cannot be empty"})
    _check_target(
        changes.get("baseline_value", goal.baseline_value),
        changes.get("target_value", goal.target_value),
        errors,
        "target_value",
    )
    _refuse("The goal is not valid", errors)
    check_unique_name(session, BusinessGoal, changes.get("name"), goal.id, "goal")
    before = snapshot(goal, GOAL_FIELDS)
    for name, value in changes.items():
        setattr(goal, name, value)
    if "owner" in data.model_fields_set:
        goal.owner_id = chain.owner_id(session, data.owner)
    session.flush()
    audit.record(session, actor, "update", "goal", goal.id, before, snapshot(goal, GOAL_FIELDS))
    return goal


def delete_goal(session: Session, actor: Actor, goal_id: int, version: int | None) -> None:
    goal = get_goal(session, goal_id)
    if version is not None:
        check_version("Goal", goal.version, version)
    before = snapshot(goal, GOAL_FIELDS)
    chain.drop_links_of(session, actor, "goal", goal.id)
    session.delete(goal)
    session.flush()
    audit.record(session, actor, "delete", "goal", goal_id, before, None)


# --- objectives and key results ---------------------------------------------------------------


def get_objective(session: Session, objective_id: int) -> TechObjective:
    objective = session.get(TechObjective, objective_id)
    if objective is None:
        raise NotFound(f"Objective {objective_id} does not exist")
    return objective


def key_results_of(session: Session, objective_ids: list[int]) -> dict[int, list[KeyResult]]:
    found: dict[int, list[KeyResult]] = {i: [] for i in objective_ids}
    if objective_ids:
        stmt = select(KeyResult).where(KeyResult.objective_id.in_(objective_ids))
        for kr in session.scalars(stmt.order_by(KeyResult.id)):
            found[kr.objective_id].append(kr)
    return found


def _check_key_results(
    key_results: list[KeyResultIn], existing_ids: set[int], errors: list[dict[str, Any]]
) -> None:
    seen: set[int] = set()
    for index, kr in enumerate(key_results):
        where = f"key_results[{index}]"
        _check_target(kr.start_value, kr.target_value, errors, f"{where}.target_value")
        if kr.id is not None:
            if kr.id not in existing_ids:
                errors.append(
                    {"field": f"{where}.id", "message": "not a key result of this objective"}
                )
            elif kr.id in seen:
                errors.append({"field": f"{where}.id", "message": "listed twice"})
            seen.add(kr.id)


def _kr_snapshot(key_results: list[KeyResult]) -> list[dict[str, Any]]:
    return [snapshot(kr, KEY_RESULT_FIELDS) | {"id": kr.id} for kr in key_results]


def _write_key_results(
    session: Session, objective: TechObjective, wanted: list[KeyResultIn], current: list[KeyResult]
) -> None:
    by_id = {kr.id: kr for kr in current}
    kept = {kr.id for kr in wanted if kr.id is not None}
    for kr in current:
        if kr.id not in kept:
            session.delete(kr)
    for item in wanted:
        values = item.model_dump(exclude={"id"})
        if item.id is None:
            session.add(KeyResult(objective_id=objective.id, **values))
        else:
            row = by_id[item.id]
            for name, value in values.items():
                if getattr(row, name) != value:
                    setattr(row, name, value)
    session.flush()


def create_objective(session: Session, actor: Actor, data: ObjectiveCreate) -> TechObjective:
    goal_ids = list(dict.fromkeys(data.goal_ids))
    errors = chain.owner_error(session, data.owner)
    check_period(data.period_start, data.period_end, errors)
    errors += chain.unknown_ids(session, BusinessGoal, data.goal_ids, "goal_ids")
    _check_key_results(data.key_results, set(), errors)
    _refuse("The objective is not valid", errors)
    check_unique_name(session, TechObjective, data.name, None, "objective")
    objective = TechObjective(
        **data.model_dump(exclude={"owner", "goal_ids", "key_results"}),
        owner_id=chain.owner_id(session, data.owner),
    )
    session.add(objective)
    session.flush()
    _write_key_results(session, objective, data.key_results, [])
    after = snapshot(objective, OBJECTIVE_FIELDS) | {
        "goal_ids": goal_ids,
        "key_results": _kr_snapshot(key_results_of(session, [objective.id])[objective.id]),
    }
    audit.record(session, actor, "create", "objective", objective.id, None, after)
    chain.add_links(
        session, actor, SUPPORTS, "goal", "objective", [(g, objective.id) for g in goal_ids]
    )
    return objective


def update_objective(
    session: Session, actor: Actor, objective_id: int, data: ObjectiveUpdate
) -> TechObjective:
    objective = get_objective(session, objective_id)
    check_version("Objective", objective.version, data.version)
    changes = data.model_dump(
        exclude_unset=True, exclude={"version", "owner", "goal_ids", "key_results"}
    )
    current_krs = key_results_of(session, [objective.id])[objective.id]
    errors = chain.owner_error(session, data.owner)
    check_period(
        changes.get("period_start", objective.period_start),
        changes.get("period_end", objective.period_end),
        errors,
    )
    for required in ("name", "period_start", "period_end", "status"):
        if required in changes and changes[required] is None:
            errors.append({"field": required, "message": "cannot be empty"})
    if data.goal_ids is not None:
        errors += chain.unknown_ids(session, BusinessGoal, data.goal_ids, "goal_ids")
    if data.key_results is not None:
        _check_key_results(data.key_results, {kr.id for kr in current_krs}, errors)
    _refuse("The objective is not valid", errors)
    check_unique_name(session, TechObjective, changes.get("name"), objective.id, "objective")
    before = snapshot(objective, OBJECTIVE_FIELDS) | {"key_results": _kr_snapshot(current_krs)}
    for name, value in changes.items():
        setattr(objective, name, value)
    if "owner" in data.model_fields_set:
        objective.owner_id = chain.owner_id(session, data.owner)
    if data.key_results is not None:
        _write_key_results(session, objective, data.key_results, current_krs)
    session.flush()
    after = snapshot(objective, OBJECTIVE_FIELDS) | {
        "key_results": _kr_snapshot(key_results_of(session, [objective.id])[objective.id])
    }
    audit.record(session, actor, "update", "objective", objective.id, before, after)
    if data.goal_ids is not None:
        chain.replace_sources(
            session,
            actor,
            SUPPORTS,
            "goal",
            "objective",
            objective.id,
            list(dict.fromkeys(data.goal_ids)),
        )
    return objective


def delete_objective(
    session: Session, actor: Actor, objective_id: int, version: int | None
) -> None:
    objective = get_objective(session, objective_id)
    if version is not None:
        check_version("Objective", objective.version, version)
    before = snapshot(objective, OBJECTIVE_FIELDS)
    chain.drop_links_of(session, actor, "objective", objective.id)
    session.execute(delete(KeyResult).where(KeyResult.objective_id == objective.id))
    session.delete(objective)
    session.flush()
    audit.record(session, actor, "delete", "objective", objective_id, before, None)


def get_key_result(session: Session, key_result_id: int) -> KeyResult:
    kr = session.get(KeyResult, key_result_id)
    if kr is None:
        raise NotFound(f"Key result {key_result_id} does not exist")
    return kr


def update_key_result(
    session: Session, actor: Actor, key_result_id: int, data: KeyResultUpdate
) -> KeyResult:
    """Record progress (current_value) or correct a key result's definition."""
    kr = get_key_result(session, key_result_id)
    check_version("Key result", kr.version, data.version)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    errors: list[dict[str, Any]] = []
    for required in ("name", "start_value", "target_value"):
        if required in changes and changes[required] is None:
            errors.append({"field": required, "message": "cannot be empty"})
    _check_target(
        changes.get("start_value", kr.start_value),
        changes.get("target_value", kr.target_value),
        errors,
        "target_value",
    )
    _refuse("The key result is not valid", errors)
    before = snapshot(kr, KEY_RESULT_FIELDS)
    for name, value in changes.items():
        setattr(kr, name, value)
    session.flush()
    after = snapshot(kr, KEY_RESULT_FIELDS) | {"objective_id": kr.objective_id}
    audit.record(session, actor, "update", "key_result", kr.id, before, after)
    return kr
