"""Campaign pages: the list, one campaign's progress with burn-up and lagging services, forms."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.catalog.queries import Layer
from tmse.catalog.systems.queries import system_names
from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.errors import NotFound, Problem
from tmse.core.identity.models import Team
from tmse.core.pagination import ListParams, list_params
from tmse.core.permissions import STANDARDS_WRITE
from tmse.core.routing import Router
from tmse.standards.scorecards import charts
from tmse.standards.scorecards.campaigns import service as campaigns
from tmse.standards.scorecards.forms import problem_form_errors
from tmse.standards.scorecards.labels import (
    SEVERITY_LABELS,
)
from tmse.standards.scorecards.levels.service import level_defs
from tmse.standards.scorecards.queries import common_context
from tmse.standards.scorecards.schemas import (
    CampaignCreate,
    CampaignUpdate,
)
from tmse.standards.scorecards.service import latest_day
from tmse.web.forms import (
    SubmittedForm,
    not_found_page,
    optional_int,
    translator,
    validation_errors,
)
from tmse.web.labels import N_
from tmse.web.page_context import filter_url, saved_flash
from tmse.web.templating import render, request_locale

router = Router(include_in_schema=False)
Reader = Annotated[Actor, Depends(require())]
Writer = Annotated[Actor, Depends(require(STANDARDS_WRITE))]
Paging = Annotated[ListParams, Depends(list_params)]
CAMPAIGN_NOT_FOUND = N_("This campaign does not exist.")


@router.get("/scorecards/campaigns")
def campaigns_page(
    request: Request, session: DbSession, actor: Reader, paging: Paging, closed: str = ""
) -> Response:
    include_closed = closed == "1"
    items, total = campaigns.list_campaigns(session, paging, include_closed)
    page = {"items": items, "total": total, "limit": paging.limit, "offset": paging.offset}
    return render(
        request,
        "standards/campaigns.html",
        common_context(session, request_locale(request))
        | {
            "page": page,
            "include_closed": include_closed,
            "latest": latest_day(session),
            "base_url": filter_url("/scorecards/campaigns", closed="1" if include_closed else ""),
            "allowed": campaigns.allowed_actions(actor),
        },
    )


def _campaign_form(
    request: Request,
    session: Session,
    values: dict[str, Any],
    campaign_id: int | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "standards/campaign_form.html",
        common_context(session, request_locale(request))
        | {
            "campaign_id": campaign_id,
            "values": values,
            "errors": errors or {},
            "message": message,
            "teams": list(session.scalars(select(Team.name).order_by(Team.name))),
            "systems": system_names(session),
            "layers": [layer.value for layer in Layer],
        },
        status_code=status_code,
    )


def _submitted_campaign(form: SubmittedForm) -> dict[str, Any]:
    def text(key: str) -> str:
        return str(form.get(key, "")).strip()

    return {
        "name": text("name"),
        "description": text("description"),
        "target_level": text("target_level"),
        "due_on": text("due_on") or None,
        "scope": {k: text(k) for k in ("team", "system", "layer") if text(k)},
        "owner": text("owner") or None,
        "closed": form.get("closed") == "1",
        "version": optional_int(form.get("version")),
    }


def _form_errors(exc: ValidationError, request: Request) -> dict[str, str]:
    """Field errors keyed by form field: scope.team is the form's `team`."""
    _ = translator(request)
    errors = validation_errors(exc, _)
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ())]
        if location[:1] == ["scope"] and len(location) > 1:
            errors.setdefault(location[1], _("Choose one of the offered values."))
    return errors


@router.get("/scorecards/campaigns/new")
def new_campaign_page(request: Request, session: DbSession, actor: Writer) -> Response:
    defs = level_defs(session)
    values = {"target_level": defs[-1].key if defs else "", "scope": {}}
    return _campaign_form(request, session, values)


@router.post("/scorecards/campaigns")
def create_campaign(
    request: Request, session: DbSession, actor: Writer, form: SubmittedForm
) -> Response:
    values = _submitted_campaign(form)
    try:
        data = CampaignCreate.model_validate(
            {k: v for k, v in values.items() if k not in ("version", "closed")}
        )
    except ValidationError as exc:
        return _campaign_form(request, session, values, None, _form_errors(exc, request), None, 422)
    try:
        with session.begin_nested():
            campaign = campaigns.create_campaign(session, actor, data)
    except Problem as exc:
        errors, message = problem_form_errors(exc, request)
        return _campaign_form(request, session, values, None, errors, message, exc.status)
    return RedirectResponse(f"/scorecards/campaigns/{campaign.id}?saved=1", status_code=303)


@router.get("/scorecards/campaigns/{campaign_id}")
def campaign_page(
    request: Request, session: DbSession, actor: Reader, campaign_id: int, saved: str = ""
) -> Response:
    _ = translator(request)
    try:
        found = campaigns.get_campaign(session, campaign_id)
    except NotFound:
        return not_found_page(request, CAMPAIGN_NOT_FOUND)
    state = campaigns.campaign_progress(session, found, request_locale(request))
    series = [(p.taken_on, p.at_target, p.in_scope) for p in state.series]
    names = {
        "done": _("At the target level"),
        "scope": _("In scope"),
        "expected": _("On track"),
    }
    return render(
        request,
        "standards/campaign.html",
        common_context(session, request_locale(request))
        | {
            "campaign": state,
            "burn_up_chart": charts.burn_up(series, state.started_on, state.due_on, names)
            if series
            else None,
            "severity_labels": SEVERITY_LABELS,
            "latest": latest_day(session),
            "allowed": campaigns.allowed_actions(actor, found),
            "flashes": saved_flash(request, saved),
        },
    )


@router.get("/scorecards/campaigns/{campaign_id}/edit")
def edit_campaign_page(
    request: Request, session: DbSession, actor: Writer, campaign_id: int
) -> Response:
    try:
        found = campaigns.campaign_out(session, campaigns.get_campaign(session, campaign_id))
    except NotFound:
        return not_found_page(request, CAMPAIGN_NOT_FOUND)
    values = found.model_dump(mode="json")
    values["scope"] = {k: v for k, v in values["scope"].items() if v}
    return _campaign_form(request, session, values, campaign_id)


@router.post("/scorecards/campaigns/{campaign_id}/edit")
def update_campaign(
    request: Request, session: DbSession, actor: Writer, campaign_id: int, form: SubmittedForm
) -> Response:
    values = _submitted_campaign(form)
    if values["due_on"] is None:
        errors = {"due_on": translator(request)("This field is required.")}
        return _campaign_form(request, session, values, campaign_id, errors, None, 422)
    try:
        data = CampaignUpdate.model_validate(values)
    except ValidationError as exc:
        errors = _form_errors(exc, request)
        return _campaign_form(request, session, values, campaign_id, errors, None, 422)
    try:
        with session.begin_nested():
            campaigns.update_campaign(session, actor, campaign_id, data)
    except NotFound:
        return not_found_page(request, CAMPAIGN_NOT_FOUND)
    except Problem as exc:
        errors, message = problem_form_errors(exc, request)
        return _campaign_form(request, session, values, campaign_id, errors, message, exc.status)
    return RedirectResponse(f"/scorecards/campaigns/{campaign_id}?saved=1", status_code=303)


@router.post("/scorecards/campaigns/{campaign_id}/delete")
def delete_campaign(
    request: Request, session: DbSession, actor: Writer, campaign_id: int
) -> Response:
    try:
        campaigns.delete_campaign(session, actor, campaign_id)
    except NotFound:
        return not_found_page(request, CAMPAIGN_NOT_FOUND)
    return RedirectResponse("/scorecards/campaigns", status_code=303)
