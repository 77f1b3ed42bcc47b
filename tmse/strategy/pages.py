"""What the strategy form pages share: showing a form again, refusing a write on an error page,
and deleting a goal, objective or initiative from its page."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.errors import NotFound, Problem
from tmse.core.input_types import parse_int32
from tmse.strategy import forms, queries
from tmse.strategy.labels import labels
from tmse.strategy.models import BusinessGoal, StrategyStatus, TechObjective
from tmse.web.forms import SubmittedForm, error_page, not_found_page, translator
from tmse.web.labels import N_
from tmse.web.templating import render


def render_form(
    request: Request,
    session: Session,
    kind: str,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "active": "strategy",
        "kind": kind,
        "values": values,
        "errors": errors or {},
        "message": message,
        "statuses": list(StrategyStatus),
        "users": queries.active_users(session),
        "labels": labels(),
    }
    if kind == "objective":
        context["goal_choices"] = queries.name_choices(session, BusinessGoal)
    if kind == "initiative":
        context["objective_choices"] = queries.name_choices(session, TechObjective)
    return render(request, f"strategy/{kind}_form.html", context, status_code=status_code)


def delete_and_return(
    request: Request, session: Session, actor: Actor, form: SubmittedForm, remove: Any, row: int
) -> Response:
    version = forms.text(form, "version")
    try:
        remove(session, actor, row, parse_int32(version))
    except NotFound:
        return not_found_page(request, N_("It was deleted already."))
    except Problem as exc:
        _ = translator(request)
        return refusal(request, forms.problem_messages(exc, _, [])[1], exc.status)
    return RedirectResponse("/strategy?saved=1", status_code=303)


def refusal(request: Request, message: str, status: int) -> Response:
    _ = translator(request)
    return error_page(request, status, _("Not saved"), message)
