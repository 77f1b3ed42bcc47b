"""HTML pages of baselines and their form posts: the list, the form that takes one, a baseline's
page (items, signature, sign and discard) and the diff page, through the API's service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.errors import InvalidInput, NotFound, Problem
from tmse.core.messages import N_
from tmse.core.pagination import ListParams, list_params
from tmse.core.permissions import BASELINES_WRITE, READ
from tmse.core.routing import Router
from tmse.requirements.baselines import comparison, forms, queries, service
from tmse.requirements.baselines.labels import labels
from tmse.requirements.baselines.models import Baseline, BaselineStatus
from tmse.requirements.baselines.schemas import BaselineCreate
from tmse.requirements.models import RequirementStatus
from tmse.web.forms import (
    SubmittedForm,
    not_found_page,
    optional_int,
    translator,
    validation_errors,
)
from tmse.web.page_context import filter_url, saved_flash
from tmse.web.templating import NavItem, register_nav, render, request_locale

router = Router(include_in_schema=False)
Reader = Annotated[Actor, Depends(require(READ))]
Writer = Annotated[Actor, Depends(require(BASELINES_WRITE))]
Paging = Annotated[ListParams, Depends(list_params)]

register_nav(NavItem("baselines", N_("Baselines"), "/baselines", READ, order=5, group="strategy"))

NO_BASELINE = N_("This baseline does not exist.")


@router.get("/baselines")
def baselines_page(
    request: Request,
    session: DbSession,
    actor: Reader,
    paging: Paging,
    status: str = "",
    project: str = "",
) -> Response:
    status = status if status in {str(s) for s in BaselineStatus} else ""
    project_id = optional_int(project)
    rows, total = queries.list_baselines(
        session,
        ListParams(limit=paging.limit, offset=paging.offset),
        project_id=project_id,
        status=status or None,
    )
    return render(
        request,
        "requirements/baselines/list.html",
        {
            "active": "baselines",
            "page": {
                "items": queries.list_rows(session, rows),
                "total": total,
                "limit": paging.limit,
                "offset": paging.offset,
            },
            "filters": {"status": status, "project": project_id},
            "filtered": bool(status or project_id),
            "statuses": list(BaselineStatus),
            "projects": queries.project_choices(session),
            "base_url": filter_url("/baselines", status=status, project=project_id),
            "status_url": filter_url("/baselines", project=project_id),
            "actions": service.allowed_actions(actor, None),
            "labels": labels(),
        },
    )


def _render_form(
    request: Request,
    session: Session,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    message: str = "",
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "requirements/baselines/form.html",
        {
            "active": "baselines",
            "values": values,
            "errors": errors or {},
            "message": message,
            "approvers": queries.approvers(session),
            "projects": queries.project_choices(session),
            "releases": queries.release_choices(session),
            "requirement_statuses": [str(s) for s in RequirementStatus],
        },
        status_code=status_code,
    )


@router.get("/baselines/new")
def new_baseline_page(
    request: Request, session: DbSession, actor: Writer, project: str = ""
) -> Response:
    values = forms.blank_values(actor.username, optional_int(project))
    return _render_form(request, session, values)


@router.post("/baselines")
def create_baseline_form(
    request: Request, session: DbSession, actor: Writer, form: SubmittedForm
) -> Response:
    _ = translator(request)
    values = forms.form_values(form)
    ids = forms.parse_ids(values["requirement_ids"]) if values["mode"] == "ids" else None
    correct = _("Please correct the marked fields.")
    if values["mode"] == "ids" and ids is None:
        errors = {"requirement_ids": _("List requirement ids such as 12, 15 or REQ-12.")}
        return _render_form(request, session, values, errors, correct, 422)
    try:
        data = BaselineCreate.model_validate(forms.create_body(values, ids))
        baseline = service.create_baseline(session, actor, data)
    except ValidationError as exc:
        return _render_form(request, session, values, validation_errors(exc, _), correct, 422)
    except InvalidInput as exc:
        errors = forms.field_errors(exc, values["mode"], _)
        return _render_form(request, session, values, errors, correct, 422)
    return RedirectResponse(f"/baselines/{baseline.id}?saved=1", status_code=303)


@router.get("/baselines/{baseline_id}")
def baseline_page(
    request: Request,
    session: DbSession,
    actor: Reader,
    baseline_id: int,
    paging: Paging,
    saved: str = "",
) -> Response:
    try:
        baseline = queries.get_baseline(session, baseline_id)
    except NotFound:
        return not_found_page(request, NO_BASELINE)
    items, total = queries.items_page(
        session, baseline_id, ListParams(limit=paging.limit, offset=paging.offset)
    )
    verification = service.verify_baseline(session, baseline_id, request.app.state.secret_key)
    return render(
        request,
        "requirements/baselines/detail.html",
        {
            "active": "baselines",
            "row": queries.list_rows(session, [baseline])[0],
            "baseline": baseline,
            "page": {
                "items": items,
                "total": total,
                "limit": paging.limit,
                "offset": paging.offset,
            },
            "base_url": f"/baselines/{baseline_id}?",
            "verification": verification,
            "others": queries.comparable_baselines(session, baseline_id),
            "actions": service.allowed_actions(actor, baseline),
            "flashes": saved_flash(request, saved),
            "labels": labels(),
        },
    )


def _act(request: Request, baseline_id: int, action: Callable[[], Baseline]) -> Response:
    try:
        action()
    except NotFound:
        return not_found_page(request, NO_BASELINE)
    except Problem as exc:
        _ = translator(request)
        message = forms.problem_message(exc, _, request_locale(request))
        return render(
            request,
            "web/error.html",
            {"status": exc.status, "error_title": _("Not possible"), "error_message": message},
            status_code=exc.status,
        )
    return RedirectResponse(f"/baselines/{baseline_id}?saved=1", status_code=303)


@router.post("/baselines/{baseline_id}/sign")
def sign_baseline_form(
    request: Request, session: DbSession, actor: Writer, baseline_id: int
) -> Response:
    secret = request.app.state.secret_key
    return _act(
        request, baseline_id, lambda: service.sign_baseline(session, actor, baseline_id, secret)
    )


@router.post("/baselines/{baseline_id}/discard")
def discard_baseline_form(
    request: Request, session: DbSession, actor: Writer, baseline_id: int
) -> Response:
    return _act(request, baseline_id, lambda: service.discard_baseline(session, actor, baseline_id))


@router.get("/baselines/{baseline_id}/diff")
def diff_page(
    request: Request, session: DbSession, actor: Reader, baseline_id: int, against: str = "now"
) -> Response:
    try:
        baseline = queries.get_baseline(session, baseline_id)
    except NotFound:
        return not_found_page(request, NO_BASELINE)
    try:
        result = comparison.diff_baseline(session, baseline_id, against)
    except InvalidInput:
        return not_found_page(request, N_("There is no baseline to compare with."))
    other = None if against == comparison.NOW else queries.get_baseline(session, int(against))
    return render(
        request,
        "requirements/baselines/diff.html",
        {
            "active": "baselines",
            "baseline": baseline,
            "other": other,
            "against": against,
            "others": queries.comparable_baselines(session, baseline_id),
            "diff": result.as_dict(),
            "labels": labels(),
        },
    )
