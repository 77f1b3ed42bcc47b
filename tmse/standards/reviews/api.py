"""JSON routes of architecture reviews under /api/v1/reviews."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query, status

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.input_types import Count, Id, Reference
from tmse.core.pagination import ListParams, Page, sorted_by
from tmse.core.permissions import READ, REVIEWS_DECIDE, REVIEWS_REQUEST
from tmse.core.routing import Router
from tmse.standards.reviews import queries, service
from tmse.standards.reviews.gate import architecture_gate
from tmse.standards.reviews.models import ReviewKind, ReviewStatus
from tmse.standards.reviews.schemas import (
    AdrLinkIn,
    CommentIn,
    CommentOut,
    ConditionTick,
    DecisionIn,
    GateOut,
    OpinionIn,
    ReviewCreate,
    ReviewOut,
    ReviewSummary,
    StatusCounts,
    VersionIn,
)

router = Router(prefix="/api/v1/reviews", tags=["architecture reviews"])
Reader = Annotated[Actor, Depends(require(READ))]
Requester = Annotated[Actor, Depends(require(REVIEWS_REQUEST))]
Decider = Annotated[Actor, Depends(require(REVIEWS_DECIDE))]
Mine = Literal["requested", "assigned"]


@router.get("", response_model=Page[ReviewSummary])
def list_reviews(
    session: DbSession,
    actor: Reader,
    paging: Annotated[
        ListParams, Depends(sorted_by("created_at", "id", "status", "title", "updated_at"))
    ],
    review_status: ReviewStatus | None = Query(None, alias="status"),
    kind: ReviewKind | None = None,
    mine: Mine | None = Query(None, description="requested: by me; assigned: to me."),
    service_name: str | None = Query(
        None, alias="service", max_length=200, description="Service or proposal."
    ),
) -> Page[ReviewSummary]:
    rows, total = queries.list_reviews(
        session,
        paging,
        status=review_status,
        kind=kind,
        mine=mine,
        user_id=actor.user_id,
        service=service_name,
    )
    items = queries.summaries(session, rows)
    return Page(items=items, total=total, limit=paging.limit, offset=paging.offset)


@router.get("/counts", response_model=StatusCounts)
def review_counts(
    session: DbSession,
    actor: Reader,
    kind: ReviewKind | None = None,
    mine: Mine | None = None,
) -> StatusCounts:
    """How many reviews are in each status, under the same filters as the list."""
    counts = queries.status_counts(session, kind=kind, mine=mine, user_id=actor.user_id)
    return StatusCounts(total=sum(counts.values()), by_status=counts)


@router.get("/gate/{service_name}", response_model=GateOut)
def review_gate(service_name: Reference, session: DbSession, _: Reader) -> GateOut:
    """The architecture stage-gate criterion for a service (see docs/reviews.md)."""
    result = architecture_gate(session, service_name)
    return GateOut(
        service=service_name,
        passed=result.passed,
        review_id=result.review_id,
        status=result.status,
        open_conditions=result.open_conditions,
        reason=result.reason,
    )


@router.post("", response_model=ReviewOut, status_code=status.HTTP_201_CREATED)
def request_review(data: ReviewCreate, session: DbSession, actor: Requester) -> ReviewOut:
    """Request a review; the checklist is evaluated now and stored with it."""
    return queries.review_out(session, service.request_review(session, actor, data))


@router.get("/{review_id}", response_model=ReviewOut)
def get_review(review_id: Id, session: DbSession, _: Reader) -> ReviewOut:
    return queries.review_out(session, service.get_review(session, review_id))


@router.post("/{review_id}/withdraw", response_model=ReviewOut)
def withdraw(review_id: Id, data: VersionIn, session: DbSession, actor: Requester) -> ReviewOut:
    return queries.review_out(session, service.withdraw(session, actor, review_id, data.version))


@router.post(
    "/{review_id}/comments", response_model=CommentOut, status_code=status.HTTP_201_CREATED
)
def comment(review_id: Id, data: CommentIn, session: DbSession, actor: Requester) -> CommentOut:
    added = service.add_comment(session, actor, review_id, data)
    return CommentOut(
        id=added.id, author=added.author_name, body=added.body, created_at=added.created_at
    )


@router.post("/{review_id}/opinion", response_model=ReviewOut)
def give_opinion(review_id: Id, data: OpinionIn, session: DbSession, actor: Requester) -> ReviewOut:
    """An assigned reviewer's opinion: approve, approve-with-conditions or reject."""
    return queries.review_out(session, service.give_opinion(session, actor, review_id, data))


@router.post("/{review_id}/checklist/refresh", response_model=ReviewOut)
def refresh_checklist(
    review_id: Id, data: VersionIn, session: DbSession, actor: Requester
) -> ReviewOut:
    review = service.refresh_checklist(session, actor, review_id, data.version)
    return queries.review_out(session, review)


@router.post("/{review_id}/adrs", response_model=ReviewOut)
def link_adr(review_id: Id, data: AdrLinkIn, session: DbSession, actor: Requester) -> ReviewOut:
    return queries.review_out(session, service.link_adr(session, actor, review_id, data.number))


@router.post("/{review_id}/decision", response_model=ReviewOut)
def decide(review_id: Id, data: DecisionIn, session: DbSession, actor: Decider) -> ReviewOut:
    """Approve, approve with conditions, or reject; blocking failures need conditions."""
    return queries.review_out(session, service.decide(session, actor, review_id, data))


@router.post("/{review_id}/conditions/{index}", response_model=ReviewOut)
def tick_condition(
    review_id: Id, index: Count, data: ConditionTick, session: DbSession, actor: Decider
) -> ReviewOut:
    review = service.tick_condition(session, actor, review_id, index, data)
    return queries.review_out(session, review)
