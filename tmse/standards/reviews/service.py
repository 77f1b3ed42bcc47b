"""Every change to an architecture review: request, comment, opinions, checklist refresh,
decision, conditions and withdrawal. Each write is audited; illegal moves are a 409."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.db import utcnow
from tmse.core.errors import Conflict, Forbidden, InvalidInput, NotFound, check_version
from tmse.core.links import service as links_service
from tmse.core.links.models import TraceLink
from tmse.core.messages import Message, render
from tmse.core.permissions import REVIEWS_DECIDE, REVIEWS_REQUEST
from tmse.standards.decisions.models import DecisionRecord
from tmse.standards.reviews import checklist
from tmse.standards.reviews.inputs import evaluate_checklist
from tmse.standards.reviews.models import (
    ArchitectureReview,
    ReviewComment,
    ReviewReviewer,
    ReviewStatus,
)
from tmse.standards.reviews.request_validation import validated_subject
from tmse.standards.reviews.reviewers import choose_reviewers
from tmse.standards.reviews.schemas import (
    CommentIn,
    ConditionTick,
    DecisionIn,
    OpinionIn,
    ReviewCreate,
)

OPEN = frozenset({ReviewStatus.REQUESTED, ReviewStatus.IN_REVIEW})
# Which status may follow which; decided and withdrawn reviews are final.
TRANSITIONS: dict[str, frozenset[str]] = {
    ReviewStatus.REQUESTED: frozenset(
        {
            ReviewStatus.IN_REVIEW,
            ReviewStatus.APPROVED,
            ReviewStatus.APPROVED_WITH_CONDITIONS,
            ReviewStatus.REJECTED,
            ReviewStatus.WITHDRAWN,
        }
    ),
    ReviewStatus.IN_REVIEW: frozenset(
        {
            ReviewStatus.APPROVED,
            ReviewStatus.APPROVED_WITH_CONDITIONS,
            ReviewStatus.REJECTED,
            ReviewStatus.WITHDRAWN,
        }
    ),
}
# Roles that may decide a review they were not assigned to.
OVERRIDE_ROLES = frozenset({"admin", "committee"})
LINK_TYPE_SERVICE = "reviews"
LINK_TYPE_ADR = "references"


def snapshot(review: ArchitectureReview) -> dict[str, Any]:
    return {
        "title": review.title,
        "kind": review.kind,
        "status": review.status,
        "service_id": review.service_id,
        "proposal": review.proposal,
        "description": review.description,
        "decision_note": review.decision_note,
        "conditions": [{"text": c["text"], "done": c["done"]} for c in (review.conditions or [])],
        "blocking_failures": len(checklist.blocking_failures(review.checklist or [])),
    }


def get_review(session: Session, review_id: int) -> ArchitectureReview:
    review = session.get(ArchitectureReview, review_id)
    if review is None:
        raise NotFound(f"Review {review_id} does not exist")
    return review


def _move(review: ArchitectureReview, to: str) -> None:
    if to not in TRANSITIONS.get(review.status, frozenset()):
        raise Conflict(
            f"Review {review.id} is {review.status}; it cannot become {to}.",
            status_now=review.status,
            requested=to,
        )
    review.status = to


def _require_open(review: ArchitectureReview, doing: str) -> None:
    if review.status not in OPEN:
        raise Conflict(
            f"Review {review.id} is {review.status}; {doing} is only possible while it is "
            "requested or in review.",
            status_now=review.status,
        )


def request_review(session: Session, actor: Actor, data: ReviewCreate) -> ArchitectureReview:
    """Store a review request with its reviewers and its checklist, evaluated now."""
    service, proposal, owner = validated_subject(session, data)
    owner_team_id = service.owner_team_id if service is not None else None
    reviewers = choose_reviewers(session, data.reviewers, actor.user_id, owner_team_id, owner)
    review = ArchitectureReview(
        title=data.title,
        kind=data.kind,
        status=ReviewStatus.REQUESTED,
        service_id=service.id if service is not None else None,
        proposal=proposal,
        description=data.description,
        requested_by_id=actor.user_id,
        conditions=[],
    )
    review.checklist = evaluate_checklist(session, review)
    review.checklist_evaluated_at = utcnow()
    session.add(review)
    session.flush()
    for user in reviewers:
        session.add(ReviewReviewer(review_id=review.id, user_id=user.id, comment=""))
    session.flush()
    after = snapshot(review) | {"reviewers": [u.username for u in reviewers]}
    audit.record(session, actor, "create", "review", review.id, None, after)
    if service is not None:
        _link(session, actor, review, f"service:{service.id}", LINK_TYPE_SERVICE)
    for number in data.adrs:
        adr_id = session.scalar(select(DecisionRecord.id).where(DecisionRecord.number == number))
        _link(session, actor, review, f"adr:{adr_id}", LINK_TYPE_ADR)
    return review


def _link(
    session: Session, actor: Actor, review: ArchitectureReview, target: str, link_type: str
) -> None:
    target_type, _, target_id = target.partition(":")
    exists = session.scalar(
        select(TraceLink.id).where(
            TraceLink.source_type == "review",
            TraceLink.source_id == review.id,
            TraceLink.target_type == target_type,
            TraceLink.target_id == int(target_id),
        )
    )
    if exists is None:
        links_service.create_link(session, actor, f"review:{review.id}", target, link_type)


def link_adr(session: Session, actor: Actor, review_id: int, number: int) -> ArchitectureReview:
    """Link a review to an ADR it relies on or produced."""
    review = get_review(session, review_id)
    adr_id = session.scalar(select(DecisionRecord.id).where(DecisionRecord.number == number))
    if adr_id is None:
        raise InvalidInput("Unknown ADR", [{"field": "number", "message": f"no ADR {number}"}])
    _link(session, actor, review, f"adr:{adr_id}", LINK_TYPE_ADR)
    return review


def withdraw(session: Session, actor: Actor, review_id: int, version: int) -> ArchitectureReview:
    """The requester (or a decider) takes an undecided request back."""
    review = get_review(session, review_id)
    if review.requested_by_id != actor.user_id and not actor.can(REVIEWS_DECIDE):
        raise Forbidden("Only the requester or an architect can withdraw this review.")
    check_version("Review", review.version, version)
    before = snapshot(review)
    _move(review, ReviewStatus.WITHDRAWN)
    session.flush()
    audit.record(session, actor, "withdraw", "review", review.id, before, snapshot(review))
    return review


def add_comment(session: Session, actor: Actor, review_id: int, data: CommentIn) -> ReviewComment:
    review = get_review(session, review_id)
    if review.status == ReviewStatus.WITHDRAWN:
        raise Conflict(f"Review {review.id} was withdrawn; it takes no more comments.")
    comment = ReviewComment(
        review_id=review.id, author_id=actor.user_id, author_name=actor.username, body=data.body
    )
    session.add(comment)
    session.flush()
    audit.record(
        session, actor, "comment", "review", review.id, changes={"comment": data.body[:500]}
    )
    return comment


def _assignment(
    session: Session, review: ArchitectureReview, actor: Actor
) -> ReviewReviewer | None:
    return session.scalar(
        select(ReviewReviewer).where(
            ReviewReviewer.review_id == review.id, ReviewReviewer.user_id == actor.user_id
        )
    )


def give_opinion(
    session: Session, actor: Actor, review_id: int, data: OpinionIn
) -> ArchitectureReview:
    """An assigned reviewer's opinion; the first one puts a requested review in review."""
    review = get_review(session, review_id)
    assigned = _assignment(session, review, actor)
    if assigned is None:
        raise Forbidden(f"You are not a reviewer of review {review.id}.")
    _require_open(review, "giving an opinion")
    before = {"opinion": assigned.opinion, "comment": assigned.comment}
    assigned.opinion, assigned.comment = data.opinion, data.comment
    if review.status == ReviewStatus.REQUESTED:
        _move(review, ReviewStatus.IN_REVIEW)
    session.flush()
    after = {"opinion": data.opinion, "comment": data.comment, "status": review.status}
    audit.record(session, actor, "opinion", "review", review.id, before, after)
    return review


def refresh_checklist(
    session: Session, actor: Actor, review_id: int, version: int
) -> ArchitectureReview:
    """Evaluate the checklist again against today's catalog, rules and standards."""
    review = get_review(session, review_id)
    check_version("Review", review.version, version)
    _require_open(review, "refreshing the checklist")
    before = snapshot(review)
    review.checklist = evaluate_checklist(session, review)
    review.checklist_evaluated_at = utcnow()
    session.flush()
    audit.record(session, actor, "refresh", "review", review.id, before, snapshot(review))
    return review


def _english(stored_text: object) -> str:
    """A stored checklist text (message JSON, or text stored before messages) in English."""
    return render(Message.from_json(stored_text), "en")


def _check_decision(review: ArchitectureReview, data: DecisionIn) -> None:
    blocking = checklist.blocking_failures(review.checklist or [])
    status = ReviewStatus(data.status)
    if status == ReviewStatus.APPROVED_WITH_CONDITIONS and not data.conditions:
        raise InvalidInput(
            "An approval with conditions needs conditions",
            [{"field": "conditions", "message": "give at least one condition"}],
        )
    if status == ReviewStatus.REJECTED or not blocking:
        return
    keys = [item["key"] for item in blocking]
    listed = "; ".join(f"{item['key']} ({_english(item['item'])})" for item in blocking)
    if status == ReviewStatus.APPROVED:
        raise InvalidInput(
            "Blocking checklist items fail",
            [
                {
                    "field": "status",
                    "message": f"{len(keys)} blocking item(s) fail: {listed}. Approve with "
                    "conditions that address them, or reject.",
                    "items": keys,
                }
            ],
        )
    addressed = {key for condition in data.conditions for key in condition.addresses}
    unknown = sorted(addressed - {item["key"] for item in review.checklist or []})
    if unknown:
        raise InvalidInput(
            "A condition addresses an unknown checklist item",
            [{"field": "conditions", "message": f"no checklist item {', '.join(unknown)}"}],
        )
    missing = [item for item in blocking if item["key"] not in addressed]
    if missing:
        raise InvalidInput(
            "Blocking checklist items are not addressed",
            [
                {
                    "field": "conditions",
                    "message": "no condition addresses: "
                    + "; ".join(f"{item['key']} ({_english(item['item'])})" for item in missing),
                    "items": [item["key"] for item in missing],
                }
            ],
        )


def decide(session: Session, actor: Actor, review_id: int, data: DecisionIn) -> ArchitectureReview:
    """Record the decision; the caller holds reviews:decide (checked by the route)."""
    review = get_review(session, review_id)
    if review.requested_by_id is not None and review.requested_by_id == actor.user_id:
        raise Forbidden("A requester cannot decide their own review.")
    if _assignment(session, review, actor) is None and not (actor.roles & OVERRIDE_ROLES):
        raise Forbidden(f"You are not a reviewer of review {review.id}.")
    check_version("Review", review.version, data.version)
    _require_open(review, "deciding")
    _check_decision(review, data)
    before = snapshot(review)
    _move(review, data.status)
    review.decision_note = data.note
    review.conditions = [
        {"text": c.text, "addresses": c.addresses, "done": False, "done_by": None, "done_at": None}
        for c in data.conditions
    ]
    review.decided_by_id, review.decided_at = actor.user_id, utcnow()
    session.flush()
    audit.record(session, actor, "decide", "review", review.id, before, snapshot(review))
    return review


def tick_condition(
    session: Session, actor: Actor, review_id: int, index: int, data: ConditionTick
) -> ArchitectureReview:
    """Mark a condition of an approval done (or not done again)."""
    review = get_review(session, review_id)
    check_version("Review", review.version, data.version)
    if review.status != ReviewStatus.APPROVED_WITH_CONDITIONS:
        raise Conflict(f"Review {review.id} is {review.status}; it has no conditions to tick.")
    conditions = [dict(c) for c in review.conditions or []]
    if not 0 <= index < len(conditions):
        raise NotFound(f"Review {review.id} has no condition {index}")
    before = snapshot(review)
    conditions[index]["done"] = data.done
    conditions[index]["done_by"] = actor.username if data.done else None
    conditions[index]["done_at"] = utcnow().isoformat() if data.done else None
    review.conditions = conditions
    session.flush()
    audit.record(session, actor, "condition", "review", review.id, before, snapshot(review))
    return review


# What a page may offer on the review list (no review) and on one review.
REQUEST, REFRESH, WITHDRAW, COMMENT, OPINE, LINK_ADR = (
    "request",
    "refresh",
    "withdraw",
    "comment",
    "opine",
    "link-adr",
)
DECIDE, TICK = "decide", "tick"


def allowed_actions(
    session: Session, actor: Actor, review: ArchitectureReview | None = None
) -> frozenset[str]:
    """What the actor may do now: request a review, or act on this one as its requester, one of
    its reviewers or an architect; the same rules the changes above enforce."""
    may_request, may_decide = actor.can(REVIEWS_REQUEST), actor.can(REVIEWS_DECIDE)
    if review is None:
        return frozenset({REQUEST} if may_request else ())
    is_open = review.status in OPEN
    own = review.requested_by_id is not None and review.requested_by_id == actor.user_id
    assigned = _assignment(session, review, actor) is not None
    actions: set[str] = set()
    if may_request:
        actions |= {REQUEST, LINK_ADR}
        if review.status != ReviewStatus.WITHDRAWN:
            actions.add(COMMENT)
        if is_open:
            actions.add(REFRESH)
        if is_open and (own or may_decide):
            actions.add(WITHDRAW)
        if is_open and assigned:
            actions.add(OPINE)
    if may_decide:
        if is_open and not own and (assigned or actor.roles & OVERRIDE_ROLES):
            actions.add(DECIDE)
        if review.status == ReviewStatus.APPROVED_WITH_CONDITIONS:
            actions.add(TICK)
    return frozenset(actions)
