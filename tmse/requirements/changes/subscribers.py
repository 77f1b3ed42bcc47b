"""Notifications of change control: the board hears of a submitted request, the requester of a
decided one. Run inside the transaction of the write that published the event."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.core.events import DomainEvent, subscribe
from tmse.core.identity.models import UserRole
from tmse.core.messages import message
from tmse.core.notifications.service import notify
from tmse.core.permissions import Role
from tmse.requirements.changes.models import ChangeRequestStatus
from tmse.requirements.changes.service import get_change_request, requirement_of


def notify_board(session: Session, event: DomainEvent) -> None:
    """Who may take a seat: the committee and the requirement's product manager (every product
    manager when it has none); not whoever submitted it."""
    change_request = get_change_request(session, event.payload["change_request_id"])
    requirement = requirement_of(session, change_request.requirement_id)
    seats = [Role.COMMITTEE]
    if requirement.product_manager_id is None:
        seats.append(Role.PRODUCT_MANAGER)
    recipients: set[int | None] = set(
        session.scalars(select(UserRole.user_id).where(UserRole.role.in_(seats)))
    )
    recipients.add(requirement.product_manager_id)
    recipients.discard(event.payload.get("actor_user_id"))
    notify(
        session,
        recipients,
        "change-request-submitted",
        title=message(
            "{key} awaits the change board: {requirement_key} {requirement_title}",
            key=change_request.key,
            requirement_key=requirement.key,
            requirement_title=requirement.title,
        ),
        url=f"/changes/{change_request.id}",
        body=message("{reason}", reason=change_request.reason[:500]),
    )


def notify_requester(session: Session, event: DomainEvent) -> None:
    """The requester hears that their request was applied or rejected, unless they decided it."""
    change_request = get_change_request(session, event.payload["change_request_id"])
    if change_request.requested_by_id in (None, event.payload.get("actor_user_id")):
        return
    requirement = requirement_of(session, change_request.requirement_id)
    facts = {
        "key": change_request.key,
        "requirement_key": requirement.key,
        "requirement_title": requirement.title,
    }
    if change_request.status == ChangeRequestStatus.APPLIED:
        title = message("{key} was applied: {requirement_key} {requirement_title}", **facts)
    else:
        title = message("{key} was rejected: {requirement_key} {requirement_title}", **facts)
    notify(
        session,
        [change_request.requested_by_id],
        "change-request-decided",
        title=title,
        url=f"/changes/{change_request.id}",
    )


subscribe("change_request.submitted", notify_board)
subscribe("change_request.decided", notify_requester)
