"""HTML of joint review: the reviewers' queue, a requirement's review page and panel, and the
transition form every panel button posts to. Same service calls as review/api.py."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.errors import NotFound, Problem
from tmse.core.pagination import ListParams, list_params
from tmse.core.permissions import READ, REQUIREMENTS_WRITE
from tmse.core.routing import Router
from tmse.requirements import transitions
from tmse.requirements.models import Requirement
from tmse.requirements.review import forms
from tmse.requirements.review import queries as review
from tmse.requirements.review.schemas import TransitionIn
from tmse.web.forms import (
    SubmittedForm,
    not_found_page,
    translator,
    validation_errors,
)
from tmse.web.labels import N_
from tmse.web.page_context import saved_flash
from tmse.web.templating import NavItem, register_nav, render, request_locale

router = Router(include_in_schema=False)
Reader = Annotated[Actor, Depends(require(READ))]
Transitioner = Annotated[Actor, Depends(require(REQUIREMENTS_WRITE))]
Paging = Annotated[ListParams, Depends(list_params)]

register_nav(
    NavItem(
        "requirement-reviews",
        N_("Review queue"),
        "/requirements/reviews",
        READ,
        order=3,
        group="strategy",
    )
)


def render_review_page(
    request: Request,
    session: Session,
    actor: Actor,
    requirement: Requirement,
    flashes: list[dict[str, str]] | None = None,
    failure: tuple[dict[str, Any], dict[str, str], str] | None = None,
    status_code: int = 200,
) -> Response:
    panel = review.panel_context(session, actor, requirement)["review_panel"]
    # After a failed post the address is the form's target; the next post returns where the
    # first one came from.
    next_url = request.url.path
    if failure is not None:
        panel = forms.with_errors(panel, *failure)
        next_url = forms.next_url(failure[0], requirement.id)
    return render(
        request,
        "requirements/review_page.html",
        {
            "active": "requirement-reviews",
            "requirement": requirement,
            "review_panel": panel,
            "review_next": next_url,
            "flashes": flashes or [],
        },
        status_code=status_code,
    )


@router.get("/requirements/reviews")
def review_queue_page(
    request: Request, session: DbSession, actor: Reader, paging: Paging, saved: str = ""
) -> Response:
    rows, total = review.review_queue(
        session, actor, ListParams(limit=paging.limit, offset=paging.offset, sort=paging.sort)
    )
    return render(
        request,
        "requirements/review_queue.html",
        {
            "active": "requirement-reviews",
            "page": {"items": rows, "total": total, "limit": paging.limit, "offset": paging.offset},
            "counts": review.queue_counts(session, actor),
            "base_url": "/requirements/reviews?",
            "flashes": saved_flash(request, saved),
        },
    )


@router.get("/requirements/{requirement_id}/review")
def review_page(
    request: Request, session: DbSession, actor: Reader, requirement_id: int, saved: str = ""
) -> Response:
    """The review panel of one requirement on a page of its own."""
    requirement = session.get(Requirement, requirement_id)
    if requirement is None:
        return not_found_page(request, N_("This requirement does not exist."))
    return render_review_page(
        request, session, actor, requirement, flashes=saved_flash(request, saved)
    )


@router.get("/requirements/{requirement_id}/review-panel")
def review_panel_fragment(
    request: Request, session: DbSession, actor: Reader, requirement_id: int
) -> Response:
    """The panel alone, for a page that loads it with htmx."""
    requirement = session.get(Requirement, requirement_id)
    if requirement is None:
        return not_found_page(request, N_("This requirement does not exist."))
    context = review.panel_context(session, actor, requirement)
    context["review_next"] = f"/requirements/{requirement_id}"
    return render(request, "requirements/review_panel.html", context)


@router.post("/requirements/{requirement_id}/transitions")
def transition_form(
    request: Request,
    session: DbSession,
    actor: Transitioner,
    requirement_id: int,
    form: SubmittedForm,
) -> Response:
    _ = translator(request)
    values = forms.submitted(form)
    try:
        data = TransitionIn.model_validate(forms.transition_body(values))
        with session.begin_nested():
            transitions.transition(
                session,
                actor,
                requirement_id,
                data.action,
                data.model_dump(exclude={"action", "version"}),
                data.version,
            )
    except NotFound:
        return not_found_page(request, N_("This requirement does not exist."))
    except (Problem, ValidationError) as exc:
        requirement = session.get(Requirement, requirement_id)
        if requirement is None:
            return not_found_page(request, N_("This requirement does not exist."))
        if isinstance(exc, ValidationError):
            errors = validation_errors(exc, _)
            failure = (values, errors, _("Please correct the marked fields."))
            return render_review_page(
                request, session, actor, requirement, failure=failure, status_code=422
            )
        errors, message = forms.problem_message(exc, _, request_locale(request))
        return render_review_page(
            request,
            session,
            actor,
            requirement,
            failure=(values, errors, message),
            status_code=exc.status,
        )
    target = forms.next_url(values, requirement_id)
    return RedirectResponse(f"{target}{'&' if '?' in target else '?'}saved=1", status_code=303)
