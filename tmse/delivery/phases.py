"""A project's phases, each iterative or gated, in order. Every write is audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.errors import InvalidInput, NotFound, check_version
from tmse.delivery.models import Phase, StageGate
from tmse.delivery.schemas import PhaseCreate, PhaseUpdate
from tmse.planning.service import date_order_error, get_project, snapshot

PHASE_FIELDS = ("project_id", "name", "kind", "position", "start_on", "end_on", "description")


def get_phase(session: Session, phase_id: int) -> Phase:
    phase = session.get(Phase, phase_id)
    if phase is None:
        raise NotFound(f"Phase {phase_id} does not exist")
    return phase


def list_phases(session: Session, project_id: int) -> list[Phase]:
    get_project(session, project_id)
    return list(
        session.scalars(
            select(Phase)
            .where(Phase.project_id == project_id)
            .order_by(Phase.position, Phase.start_on, Phase.id)
        )
    )


def _check(session: Session, project_id: int, values: dict[str, Any], own: int | None) -> None:
    errors: list[dict[str, Any]] = []
    clash = session.scalar(
        select(Phase.id).where(Phase.project_id == project_id, Phase.name == values["name"])
    )
    if clash is not None and clash != own:
        errors.append({"field": "name", "message": f"'{values['name']}' already exists"})
    order = date_order_error(values["start_on"], values["end_on"], "end_on", "start_on")
    if order:
        errors.append(order)
    if errors:
        raise InvalidInput("The phase is not valid", errors)


def create_phase(session: Session, actor: Actor, project_id: int, data: PhaseCreate) -> Phase:
    get_project(session, project_id)
    values = data.model_dump()
    _check(session, project_id, values, None)
    if values["position"] is None:
        last = session.scalar(
            select(func.max(Phase.position)).where(Phase.project_id == project_id)
        )
        values["position"] = (last or 0) + 1
    phase = Phase(project_id=project_id, **values)
    session.add(phase)
    session.flush()
    audit.record(session, actor, "create", "phase", phase.id, None, snapshot(phase, PHASE_FIELDS))
    return phase


def update_phase(session: Session, actor: Actor, phase_id: int, data: PhaseUpdate) -> Phase:
    phase = get_phase(session, phase_id)
    check_version("Phase", phase.version, data.version)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    empty = [
        f for f in ("name", "start_on", "end_on", "position") if f in changes and changes[f] is None
    ]
    if empty:
        raise InvalidInput(
            "The phase is not valid", [{"field": f, "message": "cannot be empty"} for f in empty]
        )
    _check(session, phase.project_id, snapshot(phase, PHASE_FIELDS) | changes, phase.id)
    before = snapshot(phase, PHASE_FIELDS)
    for field, value in changes.items():
        setattr(phase, field, value)
    session.flush()
    audit.record(session, actor, "update", "phase", phase.id, before, snapshot(phase, PHASE_FIELDS))
    return phase


def delete_phase(session: Session, actor: Actor, phase_id: int, version: int) -> None:
    """Remove a phase with its iterations (their items) or its gate (its decisions)."""
    phase = get_phase(session, phase_id)
    check_version("Phase", phase.version, version)
    before = snapshot(phase, PHASE_FIELDS)
    session.delete(phase)
    session.flush()
    audit.record(session, actor, "delete", "phase", phase_id, before, None)


def gates_by_phase(session: Session, phase_ids: list[int]) -> dict[int, StageGate]:
    return {
        gate.phase_id: gate
        for gate in session.scalars(select(StageGate).where(StageGate.phase_id.in_(phase_ids)))
    }
