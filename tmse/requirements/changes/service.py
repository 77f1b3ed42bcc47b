"""Change requests: propose, edit, submit and withdraw content changes to a requirement, with
their impact computed; every write is audited, illegal moves are a 409."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.db import utcnow
from tmse.core.errors import Conflict, Forbidden, InvalidInput, NotFound, check_version
from tmse.core.events import publish
from tmse.core.permissions import CHANGES_REQUEST, Role
from tmse.requirements.changes.impact_queries import compute_impact
from tmse.requirements.changes.models import (
    OPEN_STATUSES,
    ChangeRequest,
    ChangeRequestApproval,
    ChangeRequestStatus,
)
from tmse.requirements.changes.schemas import ChangeRequestCreate, ChangeRequestEdit
from tmse.requirements.models import CONTENT_FIELDS, Requirement
from tmse.requirements.service import validate_changes

S = ChangeRequestStatus


def change_requests_for(session: Session, requirement_id: int) -> list[ChangeRequest]:
    """The change requests of one requirement, newest first."""
    stmt = (
        select(ChangeRequest)
        .where(ChangeRequest.requirement_id == requirement_id)
        .order_by(ChangeRequest.id.desc())
    )
    return list(session.scalars(stmt))


def get_change_request(session: Session, change_request_id: int) -> ChangeRequest:
    change_request = session.get(ChangeRequest, change_request_id)
    if change_request is None:
        raise NotFound(f"Change request {change_request_id} does not exist")
    return change_request


def snapshot(change_request: ChangeRequest) -> dict[str, Any]:
    return {
        "requirement_id": change_request.requirement_id,
        "requirement_version": change_request.requirement_version,
        "changes": change_request.changes,
        "reason": change_request.reason,
        "emergency": change_request.emergency,
        "status": change_request.status,
        "effort_delta": change_request.effort_delta,
        "impact": (change_request.impact or {}).get("counts", {}),
    }


def json_value(value: Any) -> Any:
    """A field value as stored in JSON: decimals as numbers, dates as ISO strings."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    return value


def _validated_changes(
    session: Session, requirement: Requirement, changes: Mapping[str, Any]
) -> dict[str, Any]:
    """The proposed changes checked by the requirements service, or one 422 whose fields are
    named `changes.<field>`."""
    if not changes:
        raise InvalidInput(
            "A change request proposes at least one change",
            [{"field": "changes", "message": "propose at least one field change"}],
        )
    errors: list[dict[str, Any]] = [
        {
            "field": f"changes.{name}",
            "message": f"not a content field; choose from: {', '.join(CONTENT_FIELDS)}",
        }
        for name in sorted(set(changes) - set(CONTENT_FIELDS))
    ]
    content = {name: value for name, value in changes.items() if name in CONTENT_FIELDS}
    validated: dict[str, Any] = {}
    try:
        validated = validate_changes(session, requirement, content) if content else {}
    except InvalidInput as error:
        errors += [
            e | {"field": _in_changes(str(e.get("field", "")))}
            for e in error.extra.get("errors", [])
        ]
    if errors:
        fields = ", ".join(sorted(e["field"] for e in errors))
        raise InvalidInput(f"The proposed changes are not valid: {fields}", errors)
    proposed = {name: json_value(validated.get(name, content[name])) for name in content}
    changed = {n: v for n, v in proposed.items() if v != _current(requirement, n)}
    if not changed:
        raise InvalidInput(
            "The change request changes nothing",
            [
                {"field": f"changes.{name}", "message": "equals the current value"}
                for name in proposed
            ],
        )
    return changed


def _in_changes(field: str) -> str:
    return field if field.startswith("changes") else f"changes.{field}" if field else "changes"


def _current(requirement: Requirement, name: str) -> Any:
    return json_value(getattr(requirement, name))


def _analyse(session: Session, change_request: ChangeRequest, requirement: Requirement) -> None:
    """Take the requirement as it is now as the base and (re)compute the impact."""
    change_request.before = {name: _current(requirement, name) for name in change_request.changes}
    change_request.requirement_version = requirement.version
    change_request.project_id = requirement.project_id
    change_request.release_id = requirement.release_id
    impact = compute_impact(session, requirement, change_request.changes)
    change_request.impact = impact.as_dict()
    change_request.effort_delta = impact.effort_delta
    change_request.impact_computed_at = utcnow()


def requirement_of(session: Session, requirement_id: int) -> Requirement:
    requirement = session.get(Requirement, requirement_id)
    if requirement is None:
        raise InvalidInput(
            "Unknown requirement",
            [{"field": "requirement_id", "message": f"no requirement {requirement_id}"}],
        )
    return requirement


def create_change_request(
    session: Session, actor: Actor, data: ChangeRequestCreate
) -> ChangeRequest:
    """Propose a change; its impact is computed now. A requirement in no approved baseline may
    take one too (its content may also be edited directly)."""
    requirement = requirement_of(session, data.requirement_id)
    proposed = _validated_changes(session, requirement, data.changes)
    now = utcnow()
    change_request = ChangeRequest(
        requirement_id=requirement.id,
        changes=proposed,
        reason=data.reason,
        emergency=data.emergency,
        status=S.SUBMITTED if data.submit else S.DRAFT,
        submitted_at=now if data.submit else None,
        requested_by_id=actor.user_id,
        requested_by=actor.username,
    )
    _analyse(session, change_request, requirement)
    session.add(change_request)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "change_request",
        change_request.id,
        None,
        snapshot(change_request),
    )
    if change_request.status == S.SUBMITTED:
        _published_submitted(session, actor, change_request)
    return change_request


def _published_submitted(session: Session, actor: Actor, change_request: ChangeRequest) -> None:
    """Tell subscribers (the board's notifications) a request now awaits the change board."""
    publish(
        session,
        "change_request.submitted",
        change_request_id=change_request.id,
        actor_user_id=actor.user_id,
    )


def _record(
    session: Session,
    actor: Actor,
    action: str,
    change_request: ChangeRequest,
    before: dict[str, Any] | None,
) -> None:
    after = snapshot(change_request)
    audit.record(session, actor, action, "change_request", change_request.id, before, after)


def _require_open(change_request: ChangeRequest, doing: str) -> None:
    if change_request.status not in OPEN_STATUSES:
        raise Conflict(
            f"{change_request.key} is {change_request.status}; {doing} is only possible while "
            "it is a draft or submitted.",
            status_now=change_request.status,
        )


def _is_requester(actor: Actor, change_request: ChangeRequest) -> bool:
    return change_request.requested_by_id == actor.user_id or Role.ADMIN in actor.roles


def _require_requester(actor: Actor, change_request: ChangeRequest, doing: str) -> None:
    if not _is_requester(actor, change_request):
        raise Forbidden(
            f"Only the requester of {change_request.key} (or an admin) may {doing} it.",
            slug="requester-only",
        )


def requester_actions(actor: Actor, change_request: ChangeRequest) -> frozenset[str]:
    """What the requester's side may do to this request now: edit, submit, withdraw."""
    if not actor.can(CHANGES_REQUEST) or not _is_requester(actor, change_request):
        return frozenset()
    actions: set[str] = set()
    if change_request.status in OPEN_STATUSES:
        actions |= {"edit", "withdraw"}
    if change_request.status == S.DRAFT:
        actions.add("submit")
    return frozenset(actions)


def edit_change_request(
    session: Session, actor: Actor, change_request_id: int, data: ChangeRequestEdit
) -> ChangeRequest:
    """Change the proposal; its approvals are reset and its impact is computed again against
    the requirement as it is now."""
    change_request = get_change_request(session, change_request_id)
    _require_requester(actor, change_request, "edit")
    check_version("Change request", change_request.version, data.version)
    _require_open(change_request, "editing")
    requirement = requirement_of(session, change_request.requirement_id)
    proposed = (
        _validated_changes(session, requirement, data.changes)
        if data.changes is not None
        else _validated_changes(session, requirement, change_request.changes)
    )
    before = snapshot(change_request)
    change_request.changes = proposed
    if data.reason is not None:
        change_request.reason = data.reason
    if data.emergency is not None:
        change_request.emergency = data.emergency
    _analyse(session, change_request, requirement)
    approvals = select(ChangeRequestApproval.id).where(
        ChangeRequestApproval.change_request_id == change_request.id
    )
    reset = len(list(session.scalars(approvals)))
    session.execute(
        delete(ChangeRequestApproval).where(
            ChangeRequestApproval.change_request_id == change_request.id
        )
    )
    change_request.updated_at = utcnow()
    session.flush()
    after = snapshot(change_request) | {"approvals_reset": reset}
    audit.record(session, actor, "edit", "change_request", change_request.id, before, after)
    return change_request


def submit_change_request(
    session: Session, actor: Actor, change_request_id: int, version: int
) -> ChangeRequest:
    change_request = get_change_request(session, change_request_id)
    _require_requester(actor, change_request, "submit")
    check_version("Change request", change_request.version, version)
    if change_request.status != S.DRAFT:
        raise Conflict(
            f"{change_request.key} is {change_request.status}; only a draft can be submitted.",
            status_now=change_request.status,
        )
    before = snapshot(change_request)
    change_request.status, change_request.submitted_at = S.SUBMITTED, utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "submit",
        "change_request",
        change_request.id,
        before,
        snapshot(change_request),
    )
    _published_submitted(session, actor, change_request)
    return change_request


def withdraw_change_request(
    session: Session, actor: Actor, change_request_id: int, version: int
) -> ChangeRequest:
    change_request = get_change_request(session, change_request_id)
    _require_requester(actor, change_request, "withdraw")
    check_version("Change request", change_request.version, version)
    _require_open(change_request, "withdrawing")
    before = snapshot(change_request)
    change_request.status, change_request.closed_at = S.WITHDRAWN, utcnow()
    session.flush()
    _record(session, actor, "withdraw", change_request, before)
    return change_request
