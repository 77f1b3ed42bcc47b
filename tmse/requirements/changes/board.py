"""The change board: a committee member and the requirement's product manager each decide a
submitted request, the second approval applies it; freeze windows refuse non-emergency ones."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.db import utcnow, utctoday
from tmse.core.errors import Conflict, Forbidden, InvalidInput, check_version
from tmse.core.events import publish
from tmse.core.permissions import CHANGES_DECIDE, CHANGES_REQUEST, Role
from tmse.planning import queries as planning
from tmse.planning.queries import FreezeWindowRow
from tmse.requirements.changes import freeze
from tmse.requirements.changes.models import (
    BoardSeat,
    ChangeRequest,
    ChangeRequestApproval,
    ChangeRequestStatus,
    Decision,
)
from tmse.requirements.changes.queries import approvals_of
from tmse.requirements.changes.schemas import DecisionIn
from tmse.requirements.changes.service import (
    get_change_request,
    requester_actions,
    requirement_of,
    snapshot,
)
from tmse.requirements.models import Requirement
from tmse.requirements.service import apply_changes, validate_changes

S = ChangeRequestStatus


def is_product_manager_of(session: Session, actor: Actor, requirement: Requirement) -> bool:
    """The requirement's product manager; when it has none, any product manager."""
    if requirement.product_manager_id is not None:
        return actor.user_id == requirement.product_manager_id
    return Role.PRODUCT_MANAGER in actor.roles


def seats_for(session: Session, actor: Actor, requirement: Requirement) -> list[BoardSeat]:
    """The board seats this person may take on a change to `requirement`, preferred first."""
    seats = []
    if is_product_manager_of(session, actor, requirement):
        seats.append(BoardSeat.PRODUCT_MANAGER)
    if Role.COMMITTEE in actor.roles:
        seats.append(BoardSeat.COMMITTEE)
    return seats


def _seat(
    session: Session, actor: Actor, change_request: ChangeRequest, requirement: Requirement
) -> BoardSeat:
    seats = seats_for(session, actor, requirement)
    if not seats:
        who = (
            "the requirement's product manager"
            if requirement.product_manager_id is not None
            else "a product manager"
        )
        raise Forbidden(
            f"The change board of {change_request.key} is a committee member and {who}; "
            "you are neither.",
            slug="not-on-change-board",
        )
    taken = {a.seat: a for a in approvals_of(session, change_request.id)}
    mine = [a for a in taken.values() if a.user_id == actor.user_id]
    if mine:
        raise Forbidden(
            f"You already decided {change_request.key} as {mine[0].seat.replace('_', ' ')}; "
            "one person cannot fill both seats of the change board.",
            slug="one-seat-each",
        )
    for seat in seats:
        if seat not in taken:
            return seat
    raise Conflict(
        f"The {seats[0].replace('_', ' ')} seat of {change_request.key} is already decided by "
        f"{taken[seats[0]].username}.",
        slug="board-seat-decided",
    )


def blocking_freeze(
    session: Session, change_request: ChangeRequest, requirement: Requirement, on_date: dt.date
) -> FreezeWindowRow | None:
    """The freeze window that forbids approving this (non-emergency) request on `on_date`: one
    covering where the requirement is planned now, or where the change would move it."""
    if change_request.emergency:
        return None
    projects, releases = freeze.scopes_of(session, requirement.project_id, requirement.release_id)
    moved_project = change_request.changes.get("project_id")
    moved_release = change_request.changes.get("release_id")
    if moved_project is not None or moved_release is not None:
        more_projects, more_releases = freeze.scopes_of(session, moved_project, moved_release)
        projects, releases = projects | more_projects, releases | more_releases
    return planning.freeze_covering(session, projects, releases, on_date)


def freeze_message(session: Session, window: FreezeWindowRow) -> str:
    return f"{freeze.describe(session, window)}; only emergency change requests may be approved."


def decide(
    session: Session,
    actor: Actor,
    change_request_id: int,
    data: DecisionIn,
    on_date: dt.date | None = None,
) -> ChangeRequest:
    """Record one board member's approve/reject. A rejection closes the request; the second
    approval applies it at once (all changes or none)."""
    change_request = get_change_request(session, change_request_id)
    if data.version is not None:
        check_version("Change request", change_request.version, data.version)
    if change_request.status != S.SUBMITTED:
        hint = " Submit it first." if change_request.status == S.DRAFT else ""
        raise Conflict(
            f"{change_request.key} is {change_request.status}; the board decides submitted "
            f"change requests only.{hint}",
            status_now=change_request.status,
        )
    requirement = requirement_of(session, change_request.requirement_id)
    seat = _seat(session, actor, change_request, requirement)
    if data.decision == Decision.REJECT and not data.comment:
        raise InvalidInput(
            "A rejection needs a reason",
            [{"field": "comment", "message": "say why the change is rejected"}],
        )
    if data.decision == Decision.APPROVE:
        window = blocking_freeze(session, change_request, requirement, on_date or utctoday())
        if window is not None:
            raise Conflict(
                freeze_message(session, window),
                slug="change-frozen",
                freeze_window={
                    "id": window.id,
                    "name": window.name,
                    "starts_on": window.starts_on.isoformat(),
                    "ends_on": window.ends_on.isoformat(),
                    "reason": window.reason,
                },
            )
    before = snapshot(change_request)
    # Update the versioned row first: of two decisions racing (for one seat or for both), the
    # later gets a 409 (stale version) rather than a duplicate seat or two approvals that never
    # see each other.
    change_request.updated_at = utcnow()
    session.flush()
    session.add(
        ChangeRequestApproval(
            change_request_id=change_request.id,
            user_id=actor.user_id,
            username=actor.username,
            seat=seat,
            decision=data.decision,
            comment=data.comment,
        )
    )
    session.flush()
    approvals = approvals_of(session, change_request.id)
    if data.decision == Decision.REJECT:
        change_request.status, change_request.closed_at = S.REJECTED, utcnow()
    elif {a.seat for a in approvals if a.decision == Decision.APPROVE} == set(BoardSeat):
        change_request.status, change_request.approved_at = S.APPROVED, utcnow()
    session.flush()
    after = snapshot(change_request) | {"seat": seat, "decision": data.decision}
    after["comment"] = data.comment
    audit.record(session, actor, "decide", "change_request", change_request.id, before, after)
    if change_request.status == S.APPROVED:
        _apply(session, actor, change_request, requirement)
    if change_request.status in (S.APPLIED, S.REJECTED):
        publish(
            session,
            "change_request.decided",
            change_request_id=change_request.id,
            actor_user_id=actor.user_id,
        )
    return change_request


def open_seat(
    session: Session, actor: Actor, change_request: ChangeRequest, requirement: Requirement
) -> BoardSeat | None:
    """The seat this person would take deciding the request now; None when none is open."""
    if actor.user_id is None or change_request.status != S.SUBMITTED:
        return None
    approvals = approvals_of(session, change_request.id)
    if any(a.user_id == actor.user_id for a in approvals):
        return None
    taken = {a.seat for a in approvals}
    return next((s for s in seats_for(session, actor, requirement) if s not in taken), None)


def allowed_actions(
    session: Session, actor: Actor, change_request: ChangeRequest | None
) -> frozenset[str]:
    """What `actor` may do now: to a request (edit, submit, withdraw, decide), or on the board
    itself when `change_request` is None (request, decide)."""
    if change_request is None:
        board_member = Role.COMMITTEE in actor.roles or Role.PRODUCT_MANAGER in actor.roles
        actions = {"request"} if actor.can(CHANGES_REQUEST) else set()
        if actor.can(CHANGES_DECIDE) and board_member:
            actions.add("decide")
        return frozenset(actions)
    actions = set(requester_actions(actor, change_request))
    if actor.can(CHANGES_DECIDE):
        requirement = requirement_of(session, change_request.requirement_id)
        if open_seat(session, actor, change_request, requirement) is not None:
            actions.add("decide")
    return frozenset(actions)


def _apply(
    session: Session, actor: Actor, change_request: ChangeRequest, requirement: Requirement
) -> None:
    """Apply every proposed change or none: a requirement changed since the proposal refuses."""
    if requirement.version != change_request.requirement_version:
        raise Conflict(
            f"{requirement.key} changed after {change_request.key} was written (version "
            f"{change_request.requirement_version}, now {requirement.version}); edit the change "
            "request so it is based on the current requirement, then decide again.",
            slug="change-request-outdated",
            requirement_version=requirement.version,
        )
    # Checked again: a release or user it names may have gone since it was proposed.
    changes = validate_changes(session, requirement, dict(change_request.changes))
    apply_changes(session, actor, requirement, changes, change_request_id=change_request.id)
    before = snapshot(change_request)
    change_request.status, change_request.applied_at = S.APPLIED, utcnow()
    change_request.closed_at = change_request.applied_at
    session.flush()
    audit.record(
        session,
        actor,
        "apply",
        "change_request",
        change_request.id,
        before,
        snapshot(change_request),
    )
