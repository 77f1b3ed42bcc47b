"""Notifications of joint review: who hears of a review request, an approval, a review ended
or approvals reset. The service publishes what happened and who is involved; this tells them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tmse.core.events import DomainEvent, subscribe
from tmse.core.messages import Message, message
from tmse.core.notifications.service import notify
from tmse.requirements.review.labels import void_reason_message
from tmse.requirements.review.service import (
    APPROVALS_RESET,
    APPROVED,
    CHANGES_REQUESTED,
    REVIEW_REQUESTED,
    REVIEW_WITHDRAWN,
)


def requirement_url(requirement_id: int) -> str:
    return f"/requirements/{requirement_id}"


def _note(text: str) -> Message | None:
    """A person's own words (a reason, a comment) as a body: shown as written, never translated."""
    return message("{note}", note=text) if text else None


def _recipients(event: DomainEvent) -> set[int]:
    """Everyone the event names as involved, except whoever caused it."""
    return set(event.payload["involved"]) - {event.payload.get("actor_id")}


def on_review_requested(session: Session, event: DomainEvent) -> None:
    p = event.payload
    notify(
        session,
        p["involved"],
        "review-requested",
        message("Review requested: {key} {title}", key=p["key"], title=p["title"]),
        requirement_url(p["requirement_id"]),
        _note(p.get("note", "")),
    )


def on_approved(session: Session, event: DomainEvent) -> None:
    p = event.payload
    notify(
        session,
        _recipients(event),
        "requirement-approved",
        message(
            "Approved by product and technical review: {key} {title}",
            key=p["key"],
            title=p["title"],
        ),
        requirement_url(p["requirement_id"]),
    )


def on_changes_requested(session: Session, event: DomainEvent) -> None:
    p = event.payload
    notify(
        session,
        _recipients(event),
        "changes-requested",
        message("Changes requested: {key} {title}", key=p["key"], title=p["title"]),
        requirement_url(p["requirement_id"]),
        _note(p.get("note", "")),
    )


def on_review_withdrawn(session: Session, event: DomainEvent) -> None:
    p = event.payload
    notify(
        session,
        _recipients(event),
        "review-withdrawn",
        message("Review withdrawn: {key} {title}", key=p["key"], title=p["title"]),
        requirement_url(p["requirement_id"]),
        _note(p.get("note", "")),
    )


def on_approvals_reset(session: Session, event: DomainEvent) -> None:
    p = event.payload
    notify(
        session,
        _recipients(event),
        "approvals-reset",
        message("{key} changed; approvals were reset: {title}", key=p["key"], title=p["title"]),
        requirement_url(p["requirement_id"]),
        void_reason_message(p["note"]) if p.get("note") else None,
    )


subscribe(REVIEW_REQUESTED, on_review_requested)
subscribe(APPROVED, on_approved)
subscribe(CHANGES_REQUESTED, on_changes_requested)
subscribe(REVIEW_WITHDRAWN, on_review_withdrawn)
subscribe(APPROVALS_RESET, on_approvals_reset)
