"""The level pages: the list with how levels work, and the create/edit/delete forms."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.errors import NotFound, Problem
from tmse.core.permissions import STANDARDS_WRITE
from tmse.core.routing import Router
from tmse.standards.scorecards.forms import problem_form_errors
from tmse.standards.scorecards.levels import service
from tmse.standards.scorecards.queries import common_context
from tmse.standards.scorecards.schemas import LevelCreate, LevelUpdate
from tmse.web.forms import (
    SubmittedForm,
    not_found_page,
    optional_int,
    translator,
    validation_errors,
)
from tmse.web.labels import N_
from tmse.web.page_context import saved_flash
from tmse.web.templating import render, request_locale

router = Router(include_in_schema=False)
Reader = Annotated[Actor, Depends(require())]
Writer = Annotated[Actor, Depends(require(STANDARDS_WRITE))]
LEVEL_NOT_FOUND = N_("This level does not exist.")


@router.get("/scorecards/levels")
def levels_page(request: Request, session: DbSession, actor: Reader, saved: str = "") -> Response:
    stored = {lv.key: lv for lv in service.stored_levels(session)}
    return render(
        request,
        "standards/scorecard_levels.html",
        common_context(session, request_locale(request))
        | {
            "stored": stored,
            "allowed": service.allowed_actions(session, actor),
            "flashes": saved_flash(request, saved),
        },
    )


def _level_form(
    request: Request,
    session: Session,
    values: dict[str, Any],
    key: str | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "standards/scorecard_level_form.html",
        common_context(session, request_locale(request))
        | {"key": key, "values": values, "errors": errors or {}, "message": message},
        status_code=status_code,
    )


def _submitted_level(form: SubmittedForm) -> dict[str, Any]:
    return {
        "key": str(form.get("key", "")).strip(),
        "name": str(form.get("name", "")).strip(),
        "rank": str(form.get("rank", "")).strip(),
        "color": str(form.get("color", "")).strip(),
        "version": optional_int(form.get("version")),
    }


@router.get("/scorecards/levels/new")
def new_level_page(request: Request, session: DbSession, actor: Writer) -> Response:
    top = max((lv.rank for lv in service.level_defs(session)), default=0)
    return _level_form(request, session, {"rank": top + 1, "color": ""})


@router.post("/scorecards/levels")
def create_level(
    request: Request, session: DbSession, actor: Writer, form: SubmittedForm
) -> Response:
    _ = translator(request)
    values = _submitted_level(form)
    try:
        data = LevelCreate.model_validate({k: v for k, v in values.items() if k != "version"})
    except ValidationError as exc:
        errors = validation_errors(exc, _)
        return _level_form(request, session, values, None, errors, None, 422)
    try:
        with session.begin_nested():
            service.create_level(session, actor, data)
    except Problem as exc:
        errors, message = problem_form_errors(exc, request)
        return _level_form(request, session, values, None, errors, message, exc.status)
    return RedirectResponse("/scorecards/levels?saved=1", status_code=303)


@router.get("/scorecards/levels/{key}/edit")
def edit_level_page(request: Request, session: DbSession, actor: Writer, key: str) -> Response:
    found = next((lv for lv in service.level_defs(session) if lv.key == key), None)
    if found is None:
        return not_found_page(request, LEVEL_NOT_FOUND)
    stored = {lv.key: lv.version for lv in service.stored_levels(session)}
    values = {"name": found.name, "rank": found.rank, "color": found.color}
    return _level_form(request, session, values | {"version": stored.get(key, 1)}, key)


@router.post("/scorecards/levels/{key}/edit")
def update_level(
    request: Request, session: DbSession, actor: Writer, key: str, form: SubmittedForm
) -> Response:
    _ = translator(request)
    values = _submitted_level(form)
    try:
        data = LevelUpdate.model_validate({k: v for k, v in values.items() if k != "key"})
    except ValidationError as exc:
        errors = validation_errors(exc, _)
        return _level_form(request, session, values, key, errors, None, 422)
    try:
        with session.begin_nested():
            service.update_level(session, actor, key, data)
    except NotFound:
        return not_found_page(request, LEVEL_NOT_FOUND)
    except Problem as exc:
        errors, message = problem_form_errors(exc, request)
        return _level_form(request, session, values, key, errors, message, exc.status)
    return RedirectResponse("/scorecards/levels?saved=1", status_code=303)


@router.post("/scorecards/levels/{key}/delete")
def delete_level(request: Request, session: DbSession, actor: Writer, key: str) -> Response:
    try:
        with session.begin_nested():
            service.delete_level(session, actor, key)
    except NotFound:
        return not_found_page(request, LEVEL_NOT_FOUND)
    except Problem as exc:
        _ = translator(request)
        if exc.extra.get("campaign"):
            text = _("Campaign '%(name)s' targets this level: close it or change its target first.")
            text = text % {"name": exc.extra["campaign"]}
        else:
            text = _("The last level cannot be deleted.")
        stored = {lv.key: lv for lv in service.stored_levels(session)}
        return render(
            request,
            "standards/scorecard_levels.html",
            common_context(session, request_locale(request))
            | {
                "stored": stored,
                "allowed": service.allowed_actions(session, actor),
                "flashes": [{"kind": "danger", "text": text}],
            },
            status_code=exc.status,
        )
    return RedirectResponse("/scorecards/levels?saved=1", status_code=303)
