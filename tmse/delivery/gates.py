"""Stage gates of gated phases: criteria, a required baseline, approvers and decisions (Go only
while every criterion passes; Go and Kill close the gate, Hold and Recycle leave it open)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.db import utcnow
from tmse.core.errors import Conflict, Forbidden, InvalidInput, NotFound, check_version
from tmse.core.identity.models import User
from tmse.core.messages import render
from tmse.core.permissions import DELIVERY_WRITE, GATES_DECIDE
from tmse.delivery import gate_criteria
from tmse.delivery.models import (
    GateDecision,
    GateStatus,
    GateVote,
    Phase,
    PhaseKind,
    StageGate,
)
from tmse.delivery.phases import get_phase
from tmse.delivery.schemas import DecisionIn, GateCreate, GateUpdate
from tmse.planning.service import get_project, snapshot
from tmse.requirements.baselines import queries as baseline_queries

GATE_FIELDS = (
    "phase_id",
    "name",
    "criteria",
    "required_baseline_id",
    "approver_ids",
    "status",
    "decision_note",
)
CLOSED = frozenset({GateStatus.GO, GateStatus.KILL})


def get_gate(session: Session, gate_id: int) -> StageGate:
    gate = session.get(StageGate, gate_id)
    if gate is None:
        raise NotFound(f"Gate {gate_id} does not exist")
    return gate


def gate_of_phase(session: Session, phase_id: int) -> StageGate | None:
    return session.scalar(select(StageGate).where(StageGate.phase_id == phase_id))


def _check(session: Session, values: dict[str, Any]) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    for index, criterion in enumerate(values.get("criteria") or []):
        if gate_criteria.get_criterion(criterion["key"]) is None:
            known = ", ".join(c.key for c in gate_criteria.registered_criteria())
            errors.append(
                {
                    "field": f"criteria[{index}].key",
                    "message": f"no criterion '{criterion['key']}'; choose one of: {known}",
                }
            )
    keys = [c["key"] for c in values.get("criteria") or []]
    if len(keys) != len(set(keys)):
        errors.append({"field": "criteria", "message": "a criterion is listed twice"})
    for index, user_id in enumerate(values.get("approver_ids") or []):
        user = session.get(User, user_id)
        if user is None or not user.is_active:
            errors.append(
                {"field": f"approver_ids[{index}]", "message": f"no active user {user_id}"}
            )
    baseline_id = values.get("required_baseline_id")
    if baseline_id is not None and baseline_queries.baseline_ref(session, baseline_id) is None:
        errors.append({"field": "required_baseline_id", "message": f"no baseline {baseline_id}"})
    return errors


def create_gate(session: Session, actor: Actor, phase_id: int, data: GateCreate) -> StageGate:
    phase = get_phase(session, phase_id)
    if phase.kind != PhaseKind.GATED:
        raise Conflict(f"Phase '{phase.name}' is iterative; only gated phases have a gate.")
    if gate_of_phase(session, phase.id) is not None:
        raise Conflict(f"Phase '{phase.name}' already has a gate.")
    values = data.model_dump()
    values["approver_ids"] = list(dict.fromkeys(values["approver_ids"]))
    errors = _check(session, values)
    if errors:
        raise InvalidInput("The gate is not valid", errors)
    gate = StageGate(phase_id=phase.id, status=GateStatus.PENDING, decision_note="", **values)
    session.add(gate)
    session.flush()
    audit.record(session, actor, "create", "gate", gate.id, None, snapshot(gate, GATE_FIELDS))
    return gate


def update_gate(session: Session, actor: Actor, gate_id: int, data: GateUpdate) -> StageGate:
    gate = get_gate(session, gate_id)
    check_version("Gate", gate.version, data.version)
    if gate.status in CLOSED:
        raise Conflict(f"Gate '{gate.name}' was decided {gate.status}; it cannot change.")
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    empty = [f for f in ("name", "criteria", "approver_ids") if f in changes and changes[f] is None]
    errors = [{"field": f, "message": "cannot be empty"} for f in empty]
    if changes.get("approver_ids"):
        changes["approver_ids"] = list(dict.fromkeys(changes["approver_ids"]))
    errors += _check(session, changes)
    if errors:
        raise InvalidInput("The gate is not valid", errors)
    before = snapshot(gate, GATE_FIELDS)
    for field, value in changes.items():
        setattr(gate, field, value)
    session.flush()
    audit.record(session, actor, "update", "gate", gate.id, before, snapshot(gate, GATE_FIELDS))
    return gate


def evaluate(session: Session, gate: StageGate) -> list[gate_criteria.EvaluatedCriterion]:
    """Every criterion of the gate, evaluated now (writes nothing)."""
    phase = session.get(Phase, gate.phase_id)
    assert phase is not None
    project = get_project(session, phase.project_id)
    return gate_criteria.evaluate_criteria(session, project, phase, list(gate.criteria or []))


def is_approver(actor: Actor, gate: StageGate) -> bool:
    return actor.user_id is not None and actor.user_id in (gate.approver_ids or [])


def allowed_actions(actor: Actor, gate: StageGate) -> frozenset[str]:
    """What `actor` may do to this gate now: "decide" (an approver of an open gate who holds
    the gate permission) and "edit" (a planner, while the gate is open)."""
    actions: set[str] = set()
    if gate.status not in CLOSED:
        if is_approver(actor, gate) and actor.can(GATES_DECIDE):
            actions.add("decide")
        if actor.can(DELIVERY_WRITE):
            actions.add("edit")
    return frozenset(actions)


def decide(session: Session, actor: Actor, gate_id: int, data: DecisionIn) -> StageGate:
    """One of the gate's approvers decides; a Go while criteria fail is a 409 naming them."""
    gate = get_gate(session, gate_id)
    if not is_approver(actor, gate):
        raise Forbidden(f"You are not an approver of gate '{gate.name}'.")
    check_version("Gate", gate.version, data.version)
    if gate.status in CLOSED:
        raise Conflict(
            f"Gate '{gate.name}' was decided {gate.status}; it takes no further decision.",
            status_now=gate.status,
        )
    results = evaluate(session, gate)
    failing = [r for r in results if not r.passed]
    if data.decision == GateDecision.GO and failing:
        listed = "; ".join(f"{r.key} ({render(r.detail, 'en')})" for r in failing)
        raise Conflict(
            f"Go is refused: {len(failing)} criterion(s) fail: {listed}.",
            failing=[r.key for r in failing],
            results=[r.stored() for r in results],
        )
    before = snapshot(gate, GATE_FIELDS)
    now = utcnow()
    gate.status = GateStatus(data.decision.value)
    gate.decision_note = data.note
    gate.decided_by_id, gate.decided_at = actor.user_id, now
    session.add(
        GateVote(
            gate_id=gate.id,
            user_id=actor.user_id,
            username=actor.username,
            decision=data.decision,
            note=data.note,
            criteria_results=[r.stored() for r in results],
            decided_at=now,
        )
    )
    session.flush()
    audit.record(session, actor, "decide", "gate", gate.id, before, snapshot(gate, GATE_FIELDS))
    return gate


def decisions(session: Session, gate_id: int) -> list[GateVote]:
    return list(
        session.scalars(
            select(GateVote)
            .where(GateVote.gate_id == gate_id)
            .order_by(GateVote.decided_at.desc(), GateVote.id.desc())
        )
    )


def gate_out(session: Session, gate: StageGate) -> dict[str, Any]:
    phase = session.get(Phase, gate.phase_id)
    assert phase is not None
    named = [*(gate.approver_ids or []), gate.decided_by_id or 0]
    users = {
        u.id: u
        for u in session.execute(
            select(User.id, User.username, User.display_name).where(User.id.in_(named))
        )
    }
    return {
        "id": gate.id,
        "phase_id": gate.phase_id,
        "project_id": phase.project_id,
        "name": gate.name,
        "criteria": gate.criteria or [],
        "required_baseline_id": gate.required_baseline_id,
        "approvers": [
            {"id": u.id, "username": u.username, "display_name": u.display_name}
            for uid in gate.approver_ids or []
            if (u := users.get(uid)) is not None
        ],
        "status": gate.status,
        "decision_note": gate.decision_note,
        "decided_by": users[gate.decided_by_id].username if gate.decided_by_id in users else None,
        "decided_at": gate.decided_at,
        "version": gate.version,
        "decisions": [
            {
                "id": v.id,
                "username": v.username,
                "decision": v.decision,
                "note": v.note,
                "criteria_results": v.criteria_results or [],
                "decided_at": v.decided_at,
            }
            for v in decisions(session, gate.id)
        ],
    }
