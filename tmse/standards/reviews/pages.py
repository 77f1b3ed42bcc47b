"""Rendering of the review request form and the review page, shared by the page routes and the
form handlers (which show the same page again with errors)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.catalog.queries import Layer, service_id_named
from tmse.catalog.schemas import TargetKind
from tmse.core.actor import Actor
from tmse.core.identity.models import Team, User, UserRole
from tmse.core.permissions import Role
from tmse.standards.decisions.models import DecisionRecord
from tmse.standards.reviews import queries, service
from tmse.standards.reviews.gate import architecture_gate
from tmse.standards.reviews.labels import labels
from tmse.standards.reviews.models import ArchitectureReview, ReviewKind
from tmse.web.templating import render, request_locale

# Pages of the other ends a review links to.
ENTITY_PAGES = {"service": "/catalog/services/{label}", "adr": "/decisions/{number}"}


def architects(session: Session) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.ARCHITECT, User.is_active.is_(True))
            .order_by(User.username)
        )
    )


def render_new(
    request: Request,
    session: Session,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "standards/review_form.html",
        {
            "active": "reviews",
            "values": values,
            "errors": errors or {},
            "message": message,
            "kinds": list(ReviewKind),
            "layers": list(Layer),
            "target_kinds": list(TargetKind),
            "teams": list(session.scalars(select(Team.name).order_by(Team.name))),
            "architects": architects(session),
            "labels": labels(),
        },
        status_code=status_code,
    )


def _link_urls(session: Session, links: list[Any]) -> list[dict[str, Any]]:
    views = []
    for link in links:
        kind, _, raw_id = link.ref.partition(":")
        url = None
        if link.label is not None and kind == "service":
            url = ENTITY_PAGES["service"].format(label=link.label)
        elif link.label is not None and kind == "adr":
            number = session.scalar(
                select(DecisionRecord.number).where(DecisionRecord.id == int(raw_id))
            )
            url = ENTITY_PAGES["adr"].format(number=number)
        views.append({"link": link, "kind": kind, "url": url})
    return views


def render_review(
    request: Request,
    session: Session,
    actor: Actor,
    review: ArchitectureReview,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    values: dict[str, Any] | None = None,
    flashes: list[dict[str, str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    out = queries.review_out(session, review, request_locale(request))
    subject = out.subject
    service_exists = service_id_named(session, subject) is not None if subject else False
    return render(
        request,
        "standards/review.html",
        {
            "active": "reviews",
            "review": out,
            "allowed": service.allowed_actions(session, actor, review),
            "my_opinion": next(
                (r for r in out.reviewer_opinions if r.username == actor.username), None
            ),
            "blocking": [item for item in out.checklist if item.blocking],
            "failed": sum(1 for item in out.checklist if not item.passed),
            "links": _link_urls(session, out.links),
            "service_exists": service_exists,
            "gate": architecture_gate(session, subject) if subject else None,
            "errors": errors or {},
            "message": message,
            "values": values or {},
            "flashes": flashes or [],
            "labels": labels(),
        },
        status_code=status_code,
    )
