"""Iterations of an iterative phase and their requirements, with when each was completed."""

# When a requirement's item completed: recorded on the item (`completed_at`) when requirements
# publishes `requirement.status_changed` to `done` (subscribers.py), in the same transaction as
# the status change; reopening clears it. A requirement already done when it is added is
# completed as of its adding. We record it rather than read the audit log back, so velocity
# needs no parsing of another module's audit entries and stays one indexed query.

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.db import utcnow
from tmse.core.errors import Conflict, InvalidInput, NotFound, check_version
from tmse.delivery import velocity
from tmse.delivery.models import Iteration, IterationItem, Phase, PhaseKind
from tmse.delivery.phases import get_phase
from tmse.delivery.schemas import IterationCreate, IterationUpdate
from tmse.planning.service import date_order_error, snapshot
from tmse.requirements import queries as requirement_queries
from tmse.requirements.enums import RequirementStatus

ITERATION_FIELDS = ("phase_id", "name", "start_on", "end_on", "goal")


def get_iteration(session: Session, iteration_id: int) -> Iteration:
    iteration = session.get(Iteration, iteration_id)
    if iteration is None:
        raise NotFound(f"Iteration {iteration_id} does not exist")
    return iteration


def list_iterations(session: Session, phase_id: int) -> list[Iteration]:
    get_phase(session, phase_id)
    return list(
        session.scalars(
            select(Iteration)
            .where(Iteration.phase_id == phase_id)
            .order_by(Iteration.start_on, Iteration.id)
        )
    )


def _check(session: Session, phase: Phase, values: dict[str, Any], own: int | None) -> None:
    errors: list[dict[str, Any]] = []
    clash = session.scalar(
        select(Iteration.id).where(Iteration.phase_id == phase.id, Iteration.name == values["name"])
    )
    if clash is not None and clash != own:
        errors.append({"field": "name", "message": f"'{values['name']}' already exists"})
    order = date_order_error(values["start_on"], values["end_on"], "end_on", "start_on")
    if order:
        errors.append(order)
    else:
        if values["start_on"] < phase.start_on:
            errors.append(
                {"field": "start_on", "message": f"before the phase starts ({phase.start_on})"}
            )
        if values["end_on"] > phase.end_on:
            errors.append({"field": "end_on", "message": f"after the phase ends ({phase.end_on})"})
    if errors:
        raise InvalidInput("The iteration is not valid", errors)


def create_iteration(
    session: Session, actor: Actor, phase_id: int, data: IterationCreate
) -> Iteration:
    phase = get_phase(session, phase_id)
    if phase.kind != PhaseKind.ITERATIVE:
        raise Conflict(f"Phase '{phase.name}' is gated; only iterative phases have iterations.")
    values = data.model_dump()
    _check(session, phase, values, None)
    iteration = Iteration(phase_id=phase.id, **values)
    session.add(iteration)
    session.flush()
    after = snapshot(iteration, ITERATION_FIELDS)
    audit.record(session, actor, "create", "iteration", iteration.id, None, after)
    return iteration


def update_iteration(
    session: Session, actor: Actor, iteration_id: int, data: IterationUpdate
) -> Iteration:
    iteration = get_iteration(session, iteration_id)
    check_version("Iteration", iteration.version, data.version)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    empty = [f for f in ("name", "start_on", "end_on") if f in changes and changes[f] is None]
    if empty:
        raise InvalidInput(
            "The iteration is not valid",
            [{"field": f, "message": "cannot be empty"} for f in empty],
        )
    phase = get_phase(session, iteration.phase_id)
    _check(session, phase, snapshot(iteration, ITERATION_FIELDS) | changes, iteration.id)
    before = snapshot(iteration, ITERATION_FIELDS)
    for field, value in changes.items():
        setattr(iteration, field, value)
    session.flush()
    after = snapshot(iteration, ITERATION_FIELDS)
    audit.record(session, actor, "update", "iteration", iteration.id, before, after)
    return iteration


def delete_iteration(session: Session, actor: Actor, iteration_id: int, version: int) -> None:
    iteration = get_iteration(session, iteration_id)
    check_version("Iteration", iteration.version, version)
    before = snapshot(iteration, ITERATION_FIELDS)
    session.delete(iteration)
    session.flush()
    audit.record(session, actor, "delete", "iteration", iteration_id, before, None)


def add_item(
    session: Session,
    actor: Actor,
    iteration_id: int,
    requirement_id: int,
    at: dt.datetime | None = None,
) -> IterationItem:
    """Put a requirement in an iteration; added after the start day it is scope added."""
    iteration = get_iteration(session, iteration_id)
    phase = get_phase(session, iteration.phase_id)
    requirement = requirement_queries.requirement_facts(session, [requirement_id]).get(
        requirement_id
    )
    if requirement is None:
        raise InvalidInput(
            "Unknown requirement",
            [{"field": "requirement_id", "message": f"no requirement {requirement_id}"}],
        )
    if requirement.project_id is not None and requirement.project_id != phase.project_id:
        raise InvalidInput(
            "The requirement belongs to another project",
            [{"field": "requirement_id", "message": f"REQ-{requirement_id} is of another project"}],
        )
    exists = session.scalar(
        select(IterationItem.id).where(
            IterationItem.iteration_id == iteration.id,
            IterationItem.requirement_id == requirement_id,
        )
    )
    if exists is not None:
        raise Conflict(f"REQ-{requirement_id} is already in iteration '{iteration.name}'.")
    added_at = at or utcnow()
    item = IterationItem(
        iteration_id=iteration.id,
        requirement_id=requirement_id,
        added_at=added_at,
        added_by_id=actor.user_id,
        completed_at=added_at if requirement.status == RequirementStatus.DONE else None,
    )
    session.add(item)
    session.flush()
    scope_added = velocity.is_scope_added(added_at, iteration.start_on)
    audit.record(
        session,
        actor,
        "add-item",
        "iteration",
        iteration.id,
        changes={"requirement_id": requirement_id, "scope_added": scope_added},
    )
    return item


def remove_item(session: Session, actor: Actor, iteration_id: int, requirement_id: int) -> None:
    iteration = get_iteration(session, iteration_id)
    item = session.scalar(
        select(IterationItem).where(
            IterationItem.iteration_id == iteration.id,
            IterationItem.requirement_id == requirement_id,
        )
    )
    if item is None:
        raise NotFound(f"REQ-{requirement_id} is not in iteration '{iteration.name}'")
    session.delete(item)
    session.flush()
    audit.record(
        session,
        actor,
        "remove-item",
        "iteration",
        iteration.id,
        changes={"requirement_id": requirement_id},
    )


@dataclass(frozen=True)
class ItemRow:
    """An iteration item with its requirement's facts."""

    iteration_id: int
    requirement_id: int
    added_at: dt.datetime
    completed_at: dt.datetime | None
    title: str
    status: str
    moscow: str | None
    effort_days: Decimal | None


def item_rows(session: Session, iteration_ids: list[int]) -> list[ItemRow]:
    """Items with their requirement's facts, for velocity and the tables."""
    if not iteration_ids:
        return []
    items = session.scalars(
        select(IterationItem)
        .where(IterationItem.iteration_id.in_(iteration_ids))
        .order_by(IterationItem.iteration_id, IterationItem.added_at, IterationItem.id)
    ).all()
    facts_by_id = requirement_queries.requirement_facts(session, [i.requirement_id for i in items])
    rows = []
    for item in items:
        req = facts_by_id.get(item.requirement_id)
        if req is None:  # the foreign key cascades; a row mid-deletion is simply not shown
            continue
        rows.append(
            ItemRow(
                item.iteration_id,
                item.requirement_id,
                item.added_at,
                item.completed_at,
                req.title,
                req.status,
                req.moscow,
                req.effort_days,
            )
        )
    return rows


def facts(iterations: list[Iteration], rows: list[ItemRow]) -> list[velocity.IterationFacts]:
    by_iteration: dict[int, list[velocity.ItemFacts]] = {i.id: [] for i in iterations}
    for row in rows:
        by_iteration[row.iteration_id].append(
            velocity.ItemFacts(
                requirement_id=row.requirement_id,
                effort_days=row.effort_days,
                added_at=row.added_at,
                done=row.status == RequirementStatus.DONE,
                completed_at=row.completed_at,
            )
        )
    return [
        velocity.IterationFacts(i.id, i.name, i.start_on, i.end_on, by_iteration[i.id])
        for i in iterations
    ]


def project_iterations(session: Session, project_id: int) -> list[Iteration]:
    return list(
        session.scalars(
            select(Iteration)
            .join(Phase, Phase.id == Iteration.phase_id)
            .where(Phase.project_id == project_id)
            .order_by(Iteration.start_on, Iteration.id)
        )
    )


def project_velocity(
    session: Session, project_id: int, today: dt.date | None = None
) -> velocity.VelocitySummary:
    iterations = project_iterations(session, project_id)
    rows = item_rows(session, [i.id for i in iterations])
    return velocity.summarise(facts(iterations, rows), today or utcnow().date())


def record_completion(
    session: Session, requirement_id: int, old_status: str, new_status: str, at: dt.datetime
) -> None:
    """A requirement turning done completes its open items as of `at`; leaving done reopens them."""
    was_done = old_status == RequirementStatus.DONE
    now_done = new_status == RequirementStatus.DONE
    if now_done == was_done:
        return
    stmt = update(IterationItem).where(IterationItem.requirement_id == requirement_id)
    if now_done:
        stmt = stmt.where(IterationItem.completed_at.is_(None)).values(completed_at=at)
    else:
        stmt = stmt.values(completed_at=None)
    session.execute(stmt)
