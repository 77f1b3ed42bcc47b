"""HTML pages of architecture reviews: the review queue, the request form and a review's page."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.responses import Response

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.errors import NotFound
from tmse.core.pagination import ListParams, list_params
from tmse.core.permissions import READ, REVIEWS_REQUEST
from tmse.core.routing import Router
from tmse.standards.reviews import forms, queries, service
from tmse.standards.reviews.labels import labels
from tmse.standards.reviews.models import ReviewKind, ReviewStatus
from tmse.standards.reviews.pages import render_new, render_review
from tmse.web.forms import not_found_page
from tmse.web.labels import N_
from tmse.web.page_context import filter_url, saved_flash
from tmse.web.templating import NavItem, register_nav, render

router = Router(include_in_schema=False)
router.include_router(forms.router)
Reader = Annotated[Actor, Depends(require(READ))]
Requester = Annotated[Actor, Depends(require(REVIEWS_REQUEST))]
Paging = Annotated[ListParams, Depends(list_params)]

register_nav(NavItem("reviews", N_("Reviews"), "/reviews", READ, order=47, group="architecture"))


def _choice(value: str, allowed: list[str]) -> str:
    return value if value in allowed else ""


@router.get("/reviews")
def reviews_page(
    request: Request,
    session: DbSession,
    actor: Reader,
    paging: Paging,
    status: str = "",
    kind: str = "",
    mine: str = "",
) -> Response:
    status = _choice(status, [str(s) for s in ReviewStatus])
    kind = _choice(kind, [str(k) for k in ReviewKind])
    mine = _choice(mine, list(queries.MINE))
    filters = {"kind": kind or None, "mine": mine or None, "user_id": actor.user_id}
    rows, total = queries.list_reviews(
        session,
        ListParams(limit=paging.limit, offset=paging.offset),
        status=status or None,
        **filters,
    )
    counts = queries.status_counts(session, **filters)
    return render(
        request,
        "standards/reviews.html",
        {
            "active": "reviews",
            "page": {
                "items": queries.summaries(session, rows),
                "total": total,
                "limit": paging.limit,
                "offset": paging.offset,
            },
            "counts": counts,
            "count_all": sum(counts.values()),
            "filters": {"status": status, "kind": kind, "mine": mine},
            "filtered": bool(status or kind or mine),
            "statuses": list(ReviewStatus),
            "kinds": list(ReviewKind),
            "base_url": filter_url("/reviews", status=status, kind=kind, mine=mine),
            "status_url": filter_url("/reviews", kind=kind, mine=mine),
            "allowed": service.allowed_actions(session, actor),
            "labels": labels(),
        },
    )


@router.get("/reviews/new")
def new_review_page(
    request: Request,
    session: DbSession,
    actor: Requester,
    service_name: str = Query("", alias="service"),
) -> Response:
    kind = ReviewKind.SIGNIFICANT_CHANGE if service_name else ReviewKind.NEW_SERVICE
    values = {"kind": str(kind), "service": service_name, "layer": "business", "reviewers": []}
    return render_new(request, session, values)


@router.get("/reviews/{review_id}")
def review_page(
    request: Request, session: DbSession, actor: Reader, review_id: int, saved: str = ""
) -> Response:
    try:
        review = service.get_review(session, review_id)
    except NotFound:
        return not_found_page(request, N_("This review does not exist."))
    return render_review(request, session, actor, review, flashes=saved_flash(request, saved))
