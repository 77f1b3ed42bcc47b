"""Joint review's writes: review requests, approvals per capacity, the end of a review, and
the reset of approvals after a content edit; and what an actor may do to a requirement now."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.db import utcnow
from tmse.core.events import publish
from tmse.requirements import workflow
from tmse.requirements.models import Requirement, RequirementStatus
from tmse.requirements.review.models import (
    Capacity,
    Decision,
    RequirementApproval,
    RequirementReviewRequest,
)
from tmse.requirements.status_events import set_status

# The events joint review publishes; review/subscribers.py turns them into notifications.
REVIEW_REQUESTED = "requirement.review_requested"
APPROVED = "requirement.approved"
CHANGES_REQUESTED = "requirement.changes_requested"
REVIEW_WITHDRAWN = "requirement.review_withdrawn"
APPROVALS_RESET = "requirement.approvals_reset"


def live_approvals(session: Session, requirement_id: int) -> list[RequirementApproval]:
    """The approvals that count now (not voided), oldest first."""
    return list(
        session.scalars(
            select(RequirementApproval)
            .where(
                RequirementApproval.requirement_id == requirement_id,
                RequirementApproval.voided_at.is_(None),
                RequirementApproval.decision == Decision.APPROVED,
            )
            .order_by(RequirementApproval.id)
        )
    )


def review_requests(
    session: Session, requirement_id: int, open_only: bool = False
) -> list[RequirementReviewRequest]:
    stmt = select(RequirementReviewRequest).where(
        RequirementReviewRequest.requirement_id == requirement_id
    )
    if open_only:
        stmt = stmt.where(RequirementReviewRequest.done.is_(False))
    return list(session.scalars(stmt.order_by(RequirementReviewRequest.id)))


def reviewer_ids(session: Session, requirement_id: int) -> set[int]:
    """Everyone who was asked to review or has approved since the last reset."""
    asked = {r.reviewer_id for r in review_requests(session, requirement_id)}
    return asked | {a.user_id for a in live_approvals(session, requirement_id)}


def void_approvals(session: Session, requirement_id: int, reason: str) -> list[int]:
    """Void every live approval; returns the ids voided."""
    ids = [a.id for a in live_approvals(session, requirement_id)]
    if ids:
        session.execute(
            update(RequirementApproval)
            .where(RequirementApproval.id.in_(ids))
            .values(voided_at=utcnow(), void_reason=reason[:1000])
        )
    return ids


def ask_again(session: Session, actor: Actor, requirement_id: int, user_ids: Iterable[int]) -> None:
    """Give each of these reviewers one open review request (adding one where none is open)."""
    open_ids = {r.reviewer_id for r in review_requests(session, requirement_id, open_only=True)}
    for user_id in sorted(set(user_ids) - open_ids):
        session.add(
            RequirementReviewRequest(
                requirement_id=requirement_id,
                reviewer_id=user_id,
                requested_by_id=actor.user_id,
                requested_at=utcnow(),
                done=False,
            )
        )


def reset_approvals(session: Session, actor: Actor, requirement: Requirement, reason: str) -> int:
    """After a content edit: void all approvals, back to review, ask the reviewers again, audit.
    Returns the number of approvals voided; 0 (and nothing written) when there were none."""
    notified = reviewer_ids(session, requirement.id)
    voided = void_approvals(session, requirement.id, reason)
    if not voided:
        return 0
    before_status = requirement.status
    if requirement.status == RequirementStatus.APPROVED:
        set_status(session, requirement, RequirementStatus.IN_REVIEW)
    if requirement.status == RequirementStatus.IN_REVIEW:
        ask_again(session, actor, requirement.id, notified)
    session.flush()
    publish(
        session,
        APPROVALS_RESET,
        requirement_id=requirement.id,
        key=requirement.key,
        title=requirement.title,
        involved=sorted(notified),
        actor_id=actor.user_id,
        note=reason,
    )
    audit.record(
        session,
        actor,
        "reset-approvals",
        "requirement",
        requirement.id,
        changes={
            "approvals_voided": len(voided),
            "status": {"before": before_status, "after": requirement.status},
            "reason": reason,
            "notified": sorted(notified - {actor.user_id}),
        },
    )
    return len(voided)


def request_review(
    session: Session, actor: Actor, requirement: Requirement, reviewers: list[int], note: str
) -> dict[str, Any]:
    set_status(session, requirement, RequirementStatus.IN_REVIEW)
    requirement.status_reason = note
    open_ids = {r.reviewer_id for r in review_requests(session, requirement.id, True)}
    for reviewer_id in reviewers:
        if reviewer_id not in open_ids:
            session.add(
                RequirementReviewRequest(
                    requirement_id=requirement.id,
                    reviewer_id=reviewer_id,
                    requested_by_id=actor.user_id,
                    requested_at=utcnow(),
                    done=False,
                )
            )
    session.flush()
    publish(
        session,
        REVIEW_REQUESTED,
        requirement_id=requirement.id,
        key=requirement.key,
        title=requirement.title,
        involved=sorted(reviewers),
        actor_id=actor.user_id,
        note=note,
    )
    return {"reviewers": reviewers}


def close_requests(session: Session, requirement_id: int, user_id: int | None = None) -> None:
    stmt = update(RequirementReviewRequest).where(
        RequirementReviewRequest.requirement_id == requirement_id,
        RequirementReviewRequest.done.is_(False),
    )
    if user_id is not None:
        stmt = stmt.where(RequirementReviewRequest.reviewer_id == user_id)
    session.execute(stmt.values(done=True))


def approve(
    session: Session, actor: Actor, requirement: Requirement, capacity: str, comment: str
) -> dict[str, Any]:
    assert actor.user_id is not None  # reviewers are users: the table admits no system role alone
    session.add(
        RequirementApproval(
            requirement_id=requirement.id,
            user_id=actor.user_id,
            capacity=capacity,
            decision=Decision.APPROVED,
            comment=comment,
            at=utcnow(),
        )
    )
    session.flush()
    close_requests(session, requirement.id, actor.user_id)
    filled = {a.capacity for a in live_approvals(session, requirement.id)}
    # The requirement row changes with every approval, so its version moves and a reviewer's
    # stale page cannot approve what it no longer shows.
    requirement.updated_at = utcnow()
    if filled >= {c.value for c in Capacity}:
        set_status(session, requirement, RequirementStatus.APPROVED)
        close_requests(session, requirement.id)
        publish(
            session,
            APPROVED,
            requirement_id=requirement.id,
            key=requirement.key,
            title=requirement.title,
            involved=sorted(interested(session, requirement)),
            actor_id=actor.user_id,
        )
    return {"capacity": capacity, "comment": comment}


def interested(session: Session, requirement: Requirement) -> set[int]:
    """Its product manager and whoever asked for its review."""
    people = {r.requested_by_id for r in review_requests(session, requirement.id)}
    people.add(requirement.product_manager_id)
    return {p for p in people if p is not None}


def request_changes(
    session: Session, actor: Actor, requirement: Requirement, checked: dict[str, Any]
) -> dict[str, Any]:
    assert actor.user_id is not None
    session.add(
        RequirementApproval(
            requirement_id=requirement.id,
            user_id=actor.user_id,
            capacity=checked["capacity"],
            decision=Decision.CHANGES_REQUESTED,
            comment=checked["comment"],
            at=utcnow(),
        )
    )
    extra = end_review(session, actor, requirement, checked["comment"], "changes-requested")
    return extra | {"capacity": checked["capacity"], "comment": checked["comment"]}


def end_review(
    session: Session, actor: Actor, requirement: Requirement, note: str, kind: str
) -> dict[str, Any]:
    """Back to accepted: approvals void, open requests closed, everyone involved told."""
    involved = reviewer_ids(session, requirement.id) | interested(session, requirement)
    voided = void_approvals(session, requirement.id, f"{kind}: {note}".strip(": "))
    close_requests(session, requirement.id)
    set_status(session, requirement, RequirementStatus.ACCEPTED)
    requirement.status_reason = note
    events = {
        "changes-requested": CHANGES_REQUESTED,
        "review-withdrawn": REVIEW_WITHDRAWN,
    }
    publish(
        session,
        events[kind],
        requirement_id=requirement.id,
        key=requirement.key,
        title=requirement.title,
        involved=sorted(involved),
        actor_id=actor.user_id,
        note=note,
    )
    return {"approvals_voided": len(voided)}


def allowed_actions(session: Session, actor: Actor, requirement: Requirement) -> frozenset[str]:
    """The workflow actions the actor may perform on the requirement now; approve only while a
    capacity they may fill is open and they have not approved in another one."""
    roles = frozenset(actor.roles)
    actions = {str(a) for a in workflow.available(roles, requirement.status)}
    if workflow.Action.APPROVE in actions:
        approvals = live_approvals(session, requirement.id)
        filled = {a.capacity for a in approvals}
        mine = any(a.user_id == actor.user_id for a in approvals)
        if mine or all(c in filled for c in workflow.capacities_for(roles)):
            actions.discard(workflow.Action.APPROVE)
    return frozenset(actions)
