"""HTML of joint review: the reviewers' queue, a requirement's review page and panel, and the
transition form every panel button posts to. Same service calls as review_api.py."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.errors import Conflict, Forbidden, InvalidInput, NotFound, Problem
from tmse.core.messages import render as render_message
from tmse.core.pagination import ListParams, list_params
from tmse.core.permissions import READ, REQUIREMENTS_WRITE
from tmse.requirements import transitions
from tmse.requirements.labels import action_label
from tmse.requirements.models import Requirement
from tmse.requirements.review import queries as review
from tmse.requirements.review.schemas import TransitionIn
from tmse.web.forms import (
    SubmittedForm,
    Translate,
    not_found_page,
    problem_errors,
    translator,
    validation_errors,
)
from tmse.web.labels import N_, role_label
from tmse.web.page_context import saved_flash
from tmse.web.templating import NavItem, register_nav, render, request_locale

router = APIRouter(include_in_schema=False)
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

# What each field of the transition form needs, shown at the field when it is wrong.
FIELD_HINTS = {
    "reason": N_("A rejection needs a reason."),
    "until": N_("Choose a date in the future."),
    "original_id": N_("Give the number of another existing requirement."),
    "reviewers": N_(
        "Choose at least one product manager and one architect or tech lead (two different people)."
    ),
    "capacity": N_("Choose the product or the technical capacity."),
    "comment": N_("Say what should change."),
    "action": N_("Choose one of the offered values."),
}


def _field_errors(exc: InvalidInput, _: Translate) -> dict[str, str]:
    shown: dict[str, str] = {}
    for error in exc.extra.get("errors", []):
        field = str(error.get("field", "form"))
        shown.setdefault(field, _(FIELD_HINTS[field]) if field in FIELD_HINTS else exc.detail)
    return shown


def _problem_message(exc: Problem, _: Translate, locale: str) -> tuple[dict[str, str], str]:
    if isinstance(exc, Forbidden) and "allowed_roles" in exc.extra:
        roles = ", ".join(_(role_label(r)) for r in exc.extra["allowed_roles"])
        action = render_message(action_label(str(exc.extra.get("action", ""))), locale)
        return {}, _("Only these roles may do “%(action)s”: %(roles)s.") % {
            "action": action,
            "roles": roles,
        }
    if isinstance(exc, InvalidInput):
        return _field_errors(exc, _), _("Please correct the marked fields.")
    if isinstance(exc, Conflict) and "allowed_from" in exc.extra:
        return {}, _("The requirement's status has changed; this action is no longer possible.")
    if isinstance(exc, Conflict) and "capacity" in exc.extra:
        return {}, _(
            "This capacity is approved already, or you approved in the other one: one person "
            "fills only one capacity."
        )
    return problem_errors(exc, _)


def _submitted(form: SubmittedForm) -> dict[str, Any]:
    def text(name: str) -> str:
        return str(form.get(name, "")).strip()

    return {
        "action": text("action"),
        "version": text("version"),
        "reason": text("reason"),
        "until": text("until"),
        "original_id": text("original_id"),
        "reviewers": [str(v) for v in form.getlist("reviewers") if str(v).strip()],
        "capacity": text("capacity"),
        "comment": text("comment"),
        "next": text("next"),
    }


def _body(values: dict[str, Any]) -> dict[str, Any]:
    body = {k: (v or None) for k, v in values.items() if k != "next"}
    body["reviewers"] = values["reviewers"] or None
    return body


def _next_url(values: dict[str, Any], requirement_id: int) -> str:
    wanted = values.get("next") or ""
    if (
        wanted.startswith("/requirements")
        and not wanted.endswith("/transitions")
        and "//" not in wanted
        and "\\" not in wanted
    ):
        return wanted
    return f"/requirements/{requirement_id}/review"


def _with_errors(
    panel: dict[str, Any], values: dict[str, Any], errors: dict[str, str], message: str
) -> dict[str, Any]:
    panel = dict(panel)
    panel.update(errors=errors, message=message, values=values, failed_action=values["action"])
    return panel


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
        panel = _with_errors(panel, *failure)
        next_url = _next_url(failure[0], requirement.id)
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
    values = _submitted(form)
    try:
        data = TransitionIn.model_validate(_body(values))
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
        errors, message = _problem_message(exc, _, request_locale(request))
        return render_review_page(
            request,
            session,
            actor,
            requirement,
            failure=(values, errors, message),
            status_code=exc.status,
        )
    target = _next_url(values, requirement_id)
    return RedirectResponse(f"{target}{'&' if '?' in target else '?'}saved=1", status_code=303)
