"""Joint review's read models: the review panel of a requirement, the reviewers to choose
from, and a reviewer's queue with its counts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.identity.models import User, UserRole
from tmse.core.pagination import ListParams, paginate
from tmse.requirements import workflow
from tmse.requirements.models import Requirement, RequirementStatus
from tmse.requirements.review.labels import void_reason_message
from tmse.requirements.review.models import (
    Capacity,
    Decision,
    RequirementApproval,
    RequirementReviewRequest,
)
from tmse.requirements.review.service import allowed_actions, live_approvals, review_requests


def _names(session: Session, user_ids: Iterable[int | None]) -> dict[int, str]:
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    rows = session.execute(
        select(User.id, User.display_name, User.username).where(User.id.in_(ids))
    )
    return {uid: display or username for uid, display, username in rows}


def reviewer_choices(session: Session, limit: int = 300) -> list[dict[str, Any]]:
    """Active users who can review in some capacity: [{id, name, capacities}] by name."""
    reviewer_roles = set().union(*workflow.CAPACITY_ROLES.values())
    rows = session.execute(
        select(User.id, User.display_name, User.username, UserRole.role)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.is_active.is_(True), UserRole.role.in_(reviewer_roles))
        .order_by(User.username)
    )
    people: dict[int, dict[str, Any]] = {}
    for uid, display, username, role in rows:
        person = people.setdefault(uid, {"id": uid, "name": display or username, "roles": set()})
        person["roles"].add(role)
    out = []
    for person in list(people.values())[:limit]:
        capacities = workflow.capacities_for(frozenset(person.pop("roles")))
        out.append(person | {"capacities": capacities})
    return out


def panel_context(session: Session, actor: Actor, requirement: Requirement) -> dict[str, Any]:
    """Everything the review panel shows, as plain data: {"review_panel": {...}}."""
    approvals = live_approvals(session, requirement.id)
    requests = review_requests(session, requirement.id)
    history = list(
        session.scalars(
            select(RequirementApproval)
            .where(RequirementApproval.requirement_id == requirement.id)
            .where(
                (RequirementApproval.voided_at.is_not(None))
                | (RequirementApproval.decision != Decision.APPROVED)
            )
            .order_by(RequirementApproval.id.desc())
            .limit(20)
        )
    )
    names = _names(
        session,
        [a.user_id for a in approvals]
        + [a.user_id for a in history]
        + [r.reviewer_id for r in requests]
        + [r.requested_by_id for r in requests],
    )
    by_capacity = {a.capacity: a for a in approvals}
    capacities = []
    for capacity in Capacity:
        approval = by_capacity.get(capacity)
        capacities.append(
            {
                "capacity": str(capacity),
                "roles": sorted(str(r) for r in workflow.CAPACITY_ROLES[capacity]),
                "approved": approval is not None,
                "by": names.get(approval.user_id, "") if approval else "",
                "by_id": approval.user_id if approval else None,
                "at": approval.at if approval else None,
                "comment": approval.comment if approval else "",
            }
        )
    approved_by = {a.user_id for a in approvals}
    pending = [
        {"id": r.reviewer_id, "name": names.get(r.reviewer_id, ""), "requested_at": r.requested_at}
        for r in requests
        if not r.done and r.reviewer_id not in approved_by
    ]
    roles = frozenset(actor.roles)
    allowed = allowed_actions(session, actor, requirement)
    actions = [str(a) for a in workflow.TABLE if a in allowed]
    mine = next((a.capacity for a in approvals if a.user_id == actor.user_id), None)
    open_capacities = [
        c for c in workflow.capacities_for(roles) if c not in by_capacity and mine is None
    ]
    choices = reviewer_choices(session) if workflow.Action.REQUEST_REVIEW in actions else []
    return {
        "review_panel": {
            "reviewer_choices": choices,
            "requirement_id": requirement.id,
            "status": requirement.status,
            "version": requirement.version,
            "status_reason": requirement.status_reason,
            "snoozed_until": requirement.snoozed_until,
            "duplicate_of_id": requirement.duplicate_of_id,
            "capacities": capacities,
            "pending_reviewers": pending,
            "history": [
                {
                    "by": names.get(h.user_id, ""),
                    "capacity": h.capacity,
                    "decision": h.decision,
                    "comment": h.comment,
                    "at": h.at,
                    "voided_at": h.voided_at,
                    "void_reason": h.void_reason,
                    "void_reason_message": void_reason_message(h.void_reason),
                }
                for h in history
            ],
            "actions": actions,
            "my_capacity": mine,
            "open_capacities": open_capacities,
        }
    }


def _queue_stmt(user_id: int | None) -> Select[Requirement]:
    """Requirements in review with an open request to this user, not yet approved by them.
    Uncorrelated IN subqueries: each is computed once, whatever the number of requirements."""
    asked = select(RequirementReviewRequest.requirement_id).where(
        RequirementReviewRequest.reviewer_id == user_id,
        RequirementReviewRequest.done.is_(False),
    )
    approved = select(RequirementApproval.requirement_id).where(
        RequirementApproval.user_id == user_id,
        RequirementApproval.voided_at.is_(None),
        RequirementApproval.decision == Decision.APPROVED,
    )
    return select(Requirement).where(
        Requirement.status == RequirementStatus.IN_REVIEW,
        Requirement.id.in_(asked),
        Requirement.id.not_in(approved),
    )


QUEUE_SORTS = {
    "id": Requirement.id,
    "title": Requirement.title,
    "updated_at": Requirement.updated_at,
    "moscow": Requirement.moscow,
}


def review_queue(
    session: Session, actor: Actor, params: ListParams
) -> tuple[list[dict[str, Any]], int]:
    """A page of the actor's queue, each row with the state of both capacities."""
    rows, total = paginate(
        session, _queue_stmt(actor.user_id), params, QUEUE_SORTS, "updated_at", Requirement.id
    )
    return queue_rows(session, actor, rows), total


def queue_rows(
    session: Session, actor: Actor, requirements: list[Requirement]
) -> list[dict[str, Any]]:
    ids = [r.id for r in requirements]
    approvals: dict[int, dict[str, int]] = {}
    requests: dict[int, RequirementReviewRequest] = {}
    if ids:
        for approval in session.scalars(
            select(RequirementApproval).where(
                RequirementApproval.requirement_id.in_(ids),
                RequirementApproval.voided_at.is_(None),
                RequirementApproval.decision == Decision.APPROVED,
            )
        ):
            approvals.setdefault(approval.requirement_id, {})[approval.capacity] = approval.user_id
        for request in session.scalars(
            select(RequirementReviewRequest)
            .where(
                RequirementReviewRequest.requirement_id.in_(ids),
                RequirementReviewRequest.reviewer_id == actor.user_id,
            )
            .order_by(RequirementReviewRequest.id)
        ):
            requests[request.requirement_id] = request
    names = _names(
        session,
        [r.product_manager_id for r in requirements]
        + [q.requested_by_id for q in requests.values()]
        + [uid for a in approvals.values() for uid in a.values()],
    )
    mine = workflow.capacities_for(frozenset(actor.roles))
    out = []
    for requirement in requirements:
        filled = approvals.get(requirement.id, {})
        asked = requests.get(requirement.id)
        out.append(
            {
                "id": requirement.id,
                "key": requirement.key,
                "title": requirement.title,
                "status": requirement.status,
                "version": requirement.version,
                "moscow": requirement.moscow,
                "product_manager": names.get(requirement.product_manager_id or 0, ""),
                "requested_by": names.get(asked.requested_by_id or 0, "") if asked else "",
                "requested_at": asked.requested_at if asked else None,
                "product_approved_by": names.get(filled.get(Capacity.PRODUCT, 0), ""),
                "technical_approved_by": names.get(filled.get(Capacity.TECHNICAL, 0), ""),
                "my_capacities": [c for c in mine if c not in filled],
                "updated_at": requirement.updated_at,
            }
        )
    return out


def queue_counts(session: Session, actor: Actor) -> dict[str, int]:
    """Awaiting me; all in review; in review still missing the product or technical approval."""
    awaiting_me = session.scalar(
        select(func.count()).select_from(_queue_stmt(actor.user_id).subquery())
    )
    in_review = session.scalar(
        select(func.count(Requirement.id)).where(Requirement.status == RequirementStatus.IN_REVIEW)
    )
    missing = {}
    for capacity in Capacity:
        has = select(RequirementApproval.requirement_id).where(
            RequirementApproval.capacity == capacity,
            RequirementApproval.voided_at.is_(None),
            RequirementApproval.decision == Decision.APPROVED,
        )
        missing[capacity.value] = session.scalar(
            select(func.count(Requirement.id)).where(
                Requirement.status == RequirementStatus.IN_REVIEW, Requirement.id.not_in(has)
            )
        )
    return {
        "awaiting_me": awaiting_me or 0,
        "in_review": in_review or 0,
        "missing_product": missing["product"] or 0,
        "missing_technical": missing["technical"] or 0,
    }
