"""Reading architecture reviews: the filtered queue, counts per status, and response shapes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from tmse.catalog.queries import service_name_rows, service_names_by_id
from tmse.core.identity.models import User
from tmse.core.links.models import TraceLink
from tmse.core.links.registry import registered_types
from tmse.core.messages import Message, render
from tmse.core.pagination import ListParams, paginate
from tmse.standards.reviews.checklist import blocking_failures
from tmse.standards.reviews.models import (
    ArchitectureReview,
    ReviewComment,
    ReviewKind,
    ReviewReviewer,
    ReviewStatus,
)
from tmse.standards.reviews.schemas import (
    ChecklistItemOut,
    CommentOut,
    ConditionOut,
    LinkedOut,
    ReviewerOut,
    ReviewOut,
    ReviewSummary,
)

MINE = ("requested", "assigned")
_SERVICES = service_name_rows()


def subject_name(review: ArchitectureReview, service_name: str | None) -> str:
    return service_name or str((review.proposal or {}).get("name") or "")


def reviews_query(
    status: str | None = None,
    kind: str | None = None,
    mine: str | None = None,
    user_id: int | None = None,
    service: str | None = None,
) -> Select[Any]:
    """Reviews filtered by status, kind, the reader's involvement (`mine`: requested or
    assigned) and subject (service name, or proposed name)."""
    stmt = select(ArchitectureReview)
    if status:
        stmt = stmt.where(ArchitectureReview.status == status)
    if kind:
        stmt = stmt.where(ArchitectureReview.kind == kind)
    if mine == "requested":
        stmt = stmt.where(ArchitectureReview.requested_by_id == user_id)
    elif mine == "assigned":
        stmt = stmt.where(
            ArchitectureReview.id.in_(
                select(ReviewReviewer.review_id).where(ReviewReviewer.user_id == user_id)
            )
        )
    if service:
        stmt = stmt.where(
            or_(
                ArchitectureReview.service_id.in_(
                    select(_SERVICES.c.id).where(_SERVICES.c.name == service)
                ),
                ArchitectureReview.proposal["name"].as_string() == service,
            )
        )
    return stmt


def list_reviews(
    session: Session, params: ListParams, **filters: Any
) -> tuple[list[ArchitectureReview], int]:
    sortable = {
        "id": ArchitectureReview.id,
        "created_at": ArchitectureReview.created_at,
        "updated_at": ArchitectureReview.updated_at,
        "status": ArchitectureReview.status,
        "title": ArchitectureReview.title,
    }
    stmt = reviews_query(**filters)
    return paginate(session, stmt, params, sortable, "-id", ArchitectureReview.id)


def status_counts(session: Session, **filters: Any) -> dict[str, int]:
    """How many reviews are in each status (every status listed, zeros included)."""
    inner = reviews_query(**{k: v for k, v in filters.items() if k != "status"}).subquery()
    rows = session.execute(select(inner.c.status, func.count()).group_by(inner.c.status))
    found = {status: count for status, count in rows}
    return {str(status): int(found.get(status, 0)) for status in ReviewStatus}


def _usernames(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(session.execute(select(User.id, User.username).where(User.id.in_(wanted))).all())


def summaries(session: Session, reviews: list[ArchitectureReview]) -> list[ReviewSummary]:
    """List rows; names of services, requesters and reviewers for the page in three queries."""
    ids = [r.id for r in reviews]
    service_ids = {r.service_id for r in reviews if r.service_id is not None}
    services = dict(service_names_by_id(session, list(service_ids)))
    reviewers: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        for review_id, username in session.execute(
            select(ReviewReviewer.review_id, User.username)
            .join(User, User.id == ReviewReviewer.user_id)
            .where(ReviewReviewer.review_id.in_(ids))
            .order_by(User.username)
        ):
            reviewers[review_id].append(username)
    users = _usernames(session, {r.requested_by_id for r in reviews})
    out = []
    for review in reviews:
        service_name = services.get(review.service_id) if review.service_id else None
        out.append(
            ReviewSummary(
                id=review.id,
                title=review.title,
                kind=review.kind,
                status=review.status,
                subject=subject_name(review, service_name),
                service=service_name,
                requested_by=users.get(review.requested_by_id) if review.requested_by_id else None,
                reviewers=reviewers[review.id],
                blocking_failures=len(blocking_failures(review.checklist or [])),
                version=review.version,
                created_at=review.created_at,
                updated_at=review.updated_at,
            )
        )
    return out


def _links(session: Session, review_id: int) -> list[LinkedOut]:
    types = registered_types()
    rows = session.scalars(
        select(TraceLink)
        .where(
            or_(
                (TraceLink.source_type == "review") & (TraceLink.source_id == review_id),
                (TraceLink.target_type == "review") & (TraceLink.target_id == review_id),
            )
        )
        .order_by(TraceLink.id)
    )
    found = []
    for link in rows:
        outgoing = link.source_type == "review" and link.source_id == review_id
        other_type = link.target_type if outgoing else link.source_type
        other_id = link.target_id if outgoing else link.source_id
        linkable = types.get(other_type)
        entity = linkable.load(session, other_id) if linkable else None
        found.append(
            LinkedOut(
                ref=f"{other_type}:{other_id}",
                label=linkable.label(entity) if linkable and entity is not None else None,
                link_type=link.link_type,
                state=link.state,
            )
        )
    return found


def _condition(index: int, stored: dict[str, Any]) -> ConditionOut:
    done_at = stored.get("done_at")
    return ConditionOut(
        index=index,
        text=stored["text"],
        addresses=list(stored.get("addresses") or []),
        done=bool(stored.get("done")),
        done_by=stored.get("done_by"),
        done_at=dt.datetime.fromisoformat(done_at) if done_at else None,
    )


def checklist_out(stored: dict[str, Any], locale: str) -> ChecklistItemOut:
    """A stored checklist item with its texts in `locale` (items stored as text read as is)."""
    texts = {
        name: render(Message.from_json(stored[name]), locale) if stored.get(name) else ""
        for name in ("item", "details")
    }
    return ChecklistItemOut(**(stored | texts))


def review_out(session: Session, review: ArchitectureReview, locale: str = "en") -> ReviewOut:
    """The whole review: checklist, reviewers with opinions, decision, conditions, comments;
    generated texts in `locale` (English for the JSON API)."""
    summary = summaries(session, [review])[0]
    opinions = session.execute(
        select(ReviewReviewer, User.username, User.display_name)
        .join(User, User.id == ReviewReviewer.user_id)
        .where(ReviewReviewer.review_id == review.id)
        .order_by(User.username)
    ).all()
    comments = session.scalars(
        select(ReviewComment).where(ReviewComment.review_id == review.id).order_by(ReviewComment.id)
    )
    decided_by = _usernames(session, {review.decided_by_id}).get(review.decided_by_id or 0)
    return ReviewOut(
        **summary.model_dump(),
        proposal=review.proposal or {},
        description=review.description,
        reviewer_opinions=[
            ReviewerOut(
                username=username,
                display_name=display_name or username,
                opinion=row.opinion,
                comment=row.comment,
                updated_at=row.updated_at,
            )
            for row, username, display_name in opinions
        ],
        checklist=[checklist_out(item, locale) for item in review.checklist or []],
        checklist_evaluated_at=review.checklist_evaluated_at,
        decision_note=review.decision_note,
        conditions=[_condition(i, c) for i, c in enumerate(review.conditions or [])],
        decided_by=decided_by,
        decided_at=review.decided_at,
        comments=[
            CommentOut(id=c.id, author=c.author_name, body=c.body, created_at=c.created_at)
            for c in comments
        ],
        links=_links(session, review.id),
    )


def reviewed_service_names(session: Session, services: dict[int, str]) -> set[str]:
    """Names among `services` (id to name) with a review that is not withdrawn, of the service
    itself or of the new-service proposal that created it."""
    kept = ArchitectureReview.status != ReviewStatus.WITHDRAWN
    reviewed = {
        services[service_id]
        for service_id in session.scalars(
            select(ArchitectureReview.service_id).where(
                kept, ArchitectureReview.service_id.in_(list(services))
            )
        )
        if service_id is not None
    }
    proposals = session.scalars(
        select(ArchitectureReview.proposal).where(
            kept, ArchitectureReview.kind == ReviewKind.NEW_SERVICE
        )
    )
    names = set(services.values())
    reviewed |= {str(p.get("name")) for p in proposals if p and p.get("name") in names}
    return reviewed
