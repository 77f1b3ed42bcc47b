"""HTML pages of delivery: the projects list, the new-project form, a project's page (timeline,
iterations and velocity, gates) and the gate decision form."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.errors import Conflict, InvalidInput, NotFound, Problem
from tmse.core.pagination import ListParams, list_params
from tmse.core.permissions import DELIVERY_WRITE, GATES_DECIDE, READ
from tmse.core.routing import Router
from tmse.delivery import forms, gates, queries
from tmse.delivery.labels import labels
from tmse.delivery.pages import render_project
from tmse.delivery.schemas import DecisionIn
from tmse.planning import service as planning
from tmse.planning.models import ProjectStatus
from tmse.planning.schemas import ProjectCreate, ProjectUpdate
from tmse.web.forms import (
    SubmittedForm,
    not_found_page,
    optional_int,
    problem_errors,
    translator,
    validation_errors,
)
from tmse.web.labels import N_
from tmse.web.page_context import filter_url, saved_flash
from tmse.web.templating import NavItem, register_nav, render

router = Router(include_in_schema=False)
router.include_router(forms.router)
Reader = Annotated[Actor, Depends(require(READ))]
Writer = Annotated[Actor, Depends(require(DELIVERY_WRITE))]
Decider = Annotated[Actor, Depends(require(GATES_DECIDE))]
Paging = Annotated[ListParams, Depends(list_params)]

register_nav(NavItem("projects", N_("Projects"), "/projects", READ, order=7, group="strategy"))

NOT_FOUND = N_("This project does not exist.")
PROJECT_FORM_FIELDS = (
    "key",
    "name",
    "description",
    "owner_id",
    "team_id",
    "status",
    "start_on",
    "end_on",
    "must_effort_limit_pct",
)


@router.get("/projects")
def projects_page(
    request: Request,
    session: DbSession,
    actor: Reader,
    paging: Paging,
    status: str = "",
    q: str = "",
) -> Response:
    status = status if status in [str(s) for s in ProjectStatus] else ""
    q = q.strip()[:100]
    rows, total = planning.list_projects(
        session, ListParams(limit=paging.limit, offset=paging.offset), status or None, q or None
    )
    return render(
        request,
        "delivery/projects.html",
        {
            "active": "projects",
            "page": {
                "items": queries.summaries(session, rows),
                "total": total,
                "limit": paging.limit,
                "offset": paging.offset,
            },
            "filters": {"status": status, "q": q},
            "filtered": bool(status or q),
            "statuses": list(ProjectStatus),
            "base_url": filter_url("/projects", status=status, q=q),
            "actions": planning.allowed_actions(actor),
            "labels": labels(),
        },
    )


def _render_new(
    request: Request,
    session: DbSession,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
    project: Any = None,
) -> Response:
    users, teams = queries.people(session)
    return render(
        request,
        "delivery/project_form.html",
        {
            "active": "projects",
            "project": project,
            "values": values,
            "errors": errors or {},
            "message": message,
            "users": users,
            "teams": teams,
            "statuses": list(ProjectStatus),
            "labels": labels(),
        },
        status_code=status_code,
    )


@router.get("/projects/new")
def new_project_page(request: Request, session: DbSession, actor: Writer) -> Response:
    values = {"status": "active", "must_effort_limit_pct": "60", "owner_id": actor.user_id}
    return _render_new(request, session, values)


def _submitted_project(form: SubmittedForm) -> tuple[dict[str, str], dict[str, Any]]:
    """(what was typed, the body for the schema: blanks left out, ids as numbers)."""
    values = {f: str(form.get(f, "")).strip() for f in PROJECT_FORM_FIELDS}
    body: dict[str, Any] = {k: v for k, v in values.items() if v != ""}
    body["owner_id"] = optional_int(values["owner_id"])
    body["team_id"] = optional_int(values["team_id"])
    return values, body


def _field_errors(exc: InvalidInput) -> dict[str, str]:
    return {
        str(e.get("field", "form")): str(e.get("message", "")) for e in exc.extra.get("errors", [])
    }


@router.post("/projects")
def create_project(
    request: Request, session: DbSession, actor: Writer, form: SubmittedForm
) -> Response:
    _ = translator(request)
    values, body = _submitted_project(form)
    try:
        data = ProjectCreate.model_validate(body)
    except ValidationError as exc:
        errors = validation_errors(exc, _)
        return _render_new(
            request, session, values, errors, _("Please correct the marked fields."), 422
        )
    try:
        with session.begin_nested():
            project = planning.create_project(session, actor, data)
    except InvalidInput as exc:
        return _render_new(
            request,
            session,
            values,
            _field_errors(exc),
            _("Please correct the marked fields."),
            422,
        )
    except Problem as exc:
        return _render_new(request, session, values, {}, exc.detail, exc.status)
    return RedirectResponse(f"/projects/{project.id}?saved=1", status_code=303)


@router.get("/projects/{project_id}/edit")
def edit_project_page(request: Request, session: DbSession, _: Writer, project_id: int) -> Response:
    try:
        project = planning.get_project(session, project_id)
    except NotFound:
        return not_found_page(request, NOT_FOUND)
    values = {f: getattr(project, f) for f in PROJECT_FORM_FIELDS} | {"version": project.version}
    values = {k: "" if v is None else str(v) for k, v in values.items()}
    return _render_new(request, session, values, project=project)


@router.post("/projects/{project_id}/edit")
def edit_project(
    request: Request, session: DbSession, actor: Writer, project_id: int, form: SubmittedForm
) -> Response:
    _ = translator(request)
    try:
        project = planning.get_project(session, project_id)
    except NotFound:
        return not_found_page(request, NOT_FOUND)
    values, body = _submitted_project(form)
    values["version"] = str(form.get("version", ""))
    # A cleared date or person is sent as null, so it is cleared, not left as it was.
    body |= {f: body.get(f) for f in ("start_on", "end_on")} | {
        "description": values["description"]
    }
    body["version"] = optional_int(values["version"])
    message = _("Please correct the marked fields.")
    try:
        data = ProjectUpdate.model_validate(body)
    except ValidationError as exc:
        errors = validation_errors(exc, _)
        return _render_new(request, session, values, errors, message, 422, project)
    try:
        with session.begin_nested():
            planning.update_project(session, actor, project_id, data)
    except InvalidInput as exc:
        return _render_new(request, session, values, _field_errors(exc), message, 422, project)
    except Problem as exc:
        shown = problem_errors(exc, _)[1]
        return _render_new(request, session, values, {}, shown, exc.status, project)
    return RedirectResponse(f"/projects/{project_id}?saved=1", status_code=303)


@router.get("/projects/{project_id}")
def project_page(
    request: Request, session: DbSession, actor: Reader, project_id: int, saved: str = ""
) -> Response:
    try:
        project = planning.get_project(session, project_id)
    except NotFound:
        return not_found_page(request, NOT_FOUND)
    return render_project(request, session, actor, project, flashes=saved_flash(request, saved))


@router.post("/projects/{project_id}/gates/{gate_id}/decision")
def decide_gate(
    request: Request,
    session: DbSession,
    actor: Decider,
    project_id: int,
    gate_id: int,
    form: SubmittedForm,
) -> Response:
    _ = translator(request)
    values = {"decision": str(form.get("decision", "")), "note": str(form.get("note", "")).strip()}
    try:
        project = planning.get_project(session, project_id)
    except NotFound:
        return not_found_page(request, NOT_FOUND)
    try:
        with session.begin_nested():
            data = DecisionIn.model_validate(
                {**values, "version": optional_int(form.get("version"))}
            )
            gates.decide(session, actor, gate_id, data)
    except ValidationError as exc:
        errors = validation_errors(exc, _)
        message = _("Please correct the marked fields.")
        return render_project(
            request, session, actor, project, message, errors, values, status_code=422
        )
    except Conflict as exc:
        failing = exc.extra.get("failing")
        message = (
            _("Go is refused while these criteria fail: %(keys)s.") % {"keys": ", ".join(failing)}
            if failing
            else problem_errors(exc, _)[1]
        )
        return render_project(
            request, session, actor, project, message, {}, values, status_code=409
        )
    except Problem as exc:
        message = problem_errors(exc, _)[1]
        return render_project(
            request, session, actor, project, message, {}, values, status_code=exc.status
        )
    return RedirectResponse(f"/projects/{project_id}?saved=1#gate-{gate_id}", status_code=303)
