"""HTML pages of requirements: the backlog, the intake and edit form, a requirement's page, the
CSV import and the custom field definitions. Every write calls the same service as the API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.body_limit import accepts_import_body
from tmse.core.deps import DbSession, require
from tmse.core.errors import Conflict, InvalidInput, NotFound, Problem
from tmse.core.parse_first import import_actor, write_session
from tmse.core.permissions import READ, REQUIREMENTS_CONFIGURE, REQUIREMENTS_WRITE
from tmse.core.routing import Router
from tmse.integrations.jira import MAPPINGS
from tmse.requirements import (
    backlog,
    backlog_rows,  # noqa: F401 - registers the template global
    badges,  # noqa: F401 - registers the template globals
    csv_import,
    custom_fields,
    forms,
    labels,
    moscow,
    queries,
    service,
)
from tmse.requirements.changes import board as change_board
from tmse.requirements.delivery_links import delivery as requirement_delivery
from tmse.requirements.models import Channel, CustomFieldKind, Requirement, RequirementType
from tmse.requirements.review import queries as review
from tmse.web.forms import SubmittedForm, not_found_page, translator
from tmse.web.labels import N_
from tmse.web.page_context import filter_url, saved_flash
from tmse.web.templating import NavItem, register_nav, render, request_locale

router = Router(include_in_schema=False)
Reader = Annotated[Actor, Depends(require(READ))]
Writer = Annotated[Actor, Depends(require(REQUIREMENTS_WRITE))]
Configurer = Annotated[Actor, Depends(require(REQUIREMENTS_CONFIGURE))]

register_nav(NavItem("backlog", N_("Backlog"), "/requirements", READ, order=2, group="strategy"))

NO_REQUIREMENT = N_("This requirement does not exist.")


@router.get("/requirements")
def backlog_page(request: Request, session: DbSession, actor: Reader) -> Response:
    params = dict(request.query_params)
    choices = queries.form_choices(session)
    definitions = custom_fields.definitions(session)
    known = {d.key for d in definitions}
    filters = forms.backlog_filters(params, choices, known)
    model = forms.backlog_model(params)
    sort = forms.backlog_sort(params, known)
    limit, offset = forms.backlog_paging(params)
    page = backlog.backlog_page(
        session, filters, limit=limit, offset=offset, model=model or None, sort=sort or None
    )
    kept = forms.kept_filters(filters)
    return render(
        request,
        "requirements/backlog.html",
        {
            "active": "backlog",
            "page": {"items": page.items, "total": page.total, "limit": limit, "offset": offset},
            "model": model,
            "sort": sort,
            "filters": kept,
            "filtered": filters.active,
            "definitions": definitions,
            "select_fields": [
                d
                for d in definitions
                if d.kind in (CustomFieldKind.SINGLE_SELECT, CustomFieldKind.MULTI_SELECT)
            ],
            "over_limit": _over_limit(session, choices, filters),
            "base_url": filter_url("/requirements", model=model, sort=sort, **kept),
            "model_url": filter_url("/requirements", **kept),
            "sort_url": filter_url("/requirements", **kept),
            "allowed": service.allowed_actions(actor),
            **choices,
        },
    )


def _over_limit(
    session: Session, choices: dict[str, Any], filters: backlog.BacklogFilters
) -> list[dict[str, Any]]:
    """The releases (or the filtered scope) whose Must-haves take more than their limit."""
    if not (filters.release_id or filters.project_id):
        return [{"name": r.name, "share": r.share} for r in moscow.releases_over_limit(session)]
    share = moscow.must_effort_share(session, filters.project_id, filters.release_id)
    if not share.over_limit:
        return []
    if filters.release_id:
        name = choices["release_names"].get(filters.release_id, filters.release_id)
    else:
        name = choices["project_names"].get(filters.project_id, filters.project_id)
    return [{"name": str(name), "share": share}]


# --- intake and edit form ----------------------------------------------------------------------


def _render_form(
    request: Request,
    session: Session,
    values: dict[str, Any],
    requirement: Requirement | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "requirements/form.html",
        {
            "active": "backlog",
            "requirement": requirement,
            "values": values,
            "errors": errors or {},
            "message": message,
            "definitions": custom_fields.definitions(session),
            **queries.form_choices(session),
        },
        status_code=status_code,
    )


@router.get("/requirements/new")
def new_requirement_page(request: Request, session: DbSession, actor: Writer) -> Response:
    values = {"type": "feature", "requester": actor.username, "custom": {}}
    return _render_form(request, session, values)


@router.post("/requirements/new")
def create_requirement(
    request: Request, session: DbSession, actor: Writer, form: SubmittedForm
) -> Response:
    values = forms.requirement_values(form, custom_fields.definitions(session))
    _ = translator(request)
    try:
        with session.begin_nested():
            requirement = service.create_requirement(session, actor, values, Channel.WEB)
    except InvalidInput as exc:
        message = _("Please correct the marked fields.")
        errors = forms.field_errors(exc, _)
        return _render_form(request, session, values, None, errors, message, 422)
    return RedirectResponse(f"/requirements/{requirement.id}?saved=1", status_code=303)


@router.get("/requirements/{requirement_id:id}/edit")
def edit_requirement_page(
    request: Request, session: DbSession, actor: Writer, requirement_id: int
) -> Response:
    try:
        requirement = service.get_requirement(session, requirement_id)
    except NotFound:
        return not_found_page(request, NO_REQUIREMENT)
    return _render_form(request, session, forms.values_of(requirement), requirement)


@router.post("/requirements/{requirement_id:id}/edit")
def edit_requirement(
    request: Request, session: DbSession, actor: Writer, requirement_id: int, form: SubmittedForm
) -> Response:
    try:
        requirement = service.get_requirement(session, requirement_id)
    except NotFound:
        return not_found_page(request, NO_REQUIREMENT)
    values = forms.requirement_values(form, custom_fields.definitions(session))
    _ = translator(request)
    try:
        with session.begin_nested():
            service.update_requirement(
                session, actor, requirement_id, values, forms.version_of(form)
            )
    except InvalidInput as exc:
        message = _("Please correct the marked fields.")
        errors = forms.field_errors(exc, _)
        return _render_form(request, session, values, requirement, errors, message, 422)
    except Conflict as exc:
        if exc.slug == "change-request-required":
            message = _(
                "This requirement is in an approved baseline: its content changes only through "
                "a change request. Nothing was saved."
            )
        else:
            message = _(
                "Someone else saved a change while you were editing. Nothing was saved: reload "
                "the page to see their change, then apply yours again."
            )
        return _render_form(request, session, values, requirement, {}, message, 409)
    return RedirectResponse(f"/requirements/{requirement_id}?saved=1", status_code=303)


# --- a requirement's page ----------------------------------------------------------------------


@router.get("/requirements/{requirement_id:id}")
def requirement_page(
    request: Request, session: DbSession, actor: Reader, requirement_id: int, saved: str = ""
) -> Response:
    try:
        requirement = service.get_requirement(session, requirement_id)
    except NotFound:
        return not_found_page(request, NO_REQUIREMENT)
    choices = queries.form_choices(session)
    milestone_names = {m.id: m.name for m in choices["milestones"]}
    return render(
        request,
        "requirements/detail.html",
        {
            "active": "backlog",
            "requirement": requirement,
            "definitions": custom_fields.definitions(session),
            "project_name": choices["project_names"].get(requirement.project_id),
            "release_name": choices["release_names"].get(requirement.release_id),
            "milestone_name": milestone_names.get(requirement.milestone_id),
            "links": queries.trace_links(session, requirement),
            "delivery": requirement_delivery(session, requirement.id),
            "history": _history(request, session, requirement.id),
            "change_requests": queries.change_requests(session, requirement.id),
            "flashes": saved_flash(request, saved),
            "allowed": service.allowed_actions(actor, requirement),
            "change_board_actions": change_board.allowed_actions(session, actor, None),
            **review.panel_context(session, actor, requirement),
        },
    )


def _history(request: Request, session: Session, requirement_id: int) -> list[dict[str, Any]]:
    """The requirement's latest audit entries, statuses and actions in the reader's words."""
    locale = request_locale(request)
    return [
        {
            "id": entry.id,
            "at": entry.at,
            "actor_name": entry.actor_name,
            "action": entry.action,
            "changes": labels.readable_changes(entry.changes, locale),
        }
        for entry in queries.history(session, requirement_id, limit=50)
    ]


# --- CSV import --------------------------------------------------------------------------------


@router.get("/requirements/import")
def import_page(request: Request, actor: Writer) -> Response:
    return _render_import(request, {"mapping": "jira", "csv": ""})


def _render_import(
    request: Request,
    values: dict[str, str],
    errors: list[dict[str, Any]] | None = None,
    detail: str | None = None,
    outcome: csv_import.ImportOutcome | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "requirements/import.html",
        {
            "active": "backlog",
            "values": values,
            "row_errors": errors or [],
            "detail": detail,
            "outcome": outcome,
            "mappings": list(MAPPINGS),
        },
        status_code=status_code,
    )


@router.post("/requirements/import")
@accepts_import_body
def import_csv(
    request: Request,
    actor: Annotated[Actor, Depends(import_actor(REQUIREMENTS_WRITE))],
    form: SubmittedForm,
) -> Response:
    values = {"mapping": str(form.get("mapping", "generic")), "csv": str(form.get("csv", ""))}
    _ = translator(request)
    try:
        # Parsed before the write transaction opens: on SQLite it locks out every other writer.
        parsed = csv_import.parse_csv(values["csv"], values["mapping"])
        with write_session(request) as session:
            outcome = csv_import.import_rows(session, actor, parsed)
    except InvalidInput as exc:
        errors = forms.import_errors(exc, _, request_locale(request))
        return _render_import(request, values, errors, exc.detail, None, 422)
    return _render_import(request, {"mapping": values["mapping"], "csv": ""}, outcome=outcome)


# --- custom field definitions ------------------------------------------------------------------


def _render_fields(
    request: Request,
    session: Session,
    actor: Actor,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "requirements/custom_fields.html",
        {
            "active": "backlog",
            "definitions": custom_fields.definitions(session),
            "values": values or {"kind": "text", "types": []},
            "errors": errors or {},
            "message": message,
            "kinds": [str(k) for k in CustomFieldKind],
            "types": [str(t) for t in RequirementType],
            "allowed": service.allowed_actions(actor),
        },
        status_code=status_code,
    )


@router.get("/requirements/custom-fields")
def custom_fields_page(request: Request, session: DbSession, actor: Reader) -> Response:
    return _render_fields(request, session, actor)


@router.post("/requirements/custom-fields")
def create_custom_field(
    request: Request, session: DbSession, actor: Configurer, form: SubmittedForm
) -> Response:
    values = forms.custom_field_values(form)
    shown = values | {"options": "\n".join(values["options"])}
    _ = translator(request)
    try:
        with session.begin_nested():
            custom_fields.create_definition(session, actor, values)
    except InvalidInput as exc:
        errors = {
            str(e["field"]).split("[")[0]: forms.translated(str(e["message"]), _)
            for e in exc.extra["errors"]
        }
        message = _("Please correct the marked fields.")
        return _render_fields(request, session, actor, shown, errors, message, 422)
    except Problem:
        message = _("A custom field with this key already exists.")
        return _render_fields(request, session, actor, shown, {"key": message}, message, 409)
    return RedirectResponse("/requirements/custom-fields", status_code=303)


@router.post("/requirements/custom-fields/{field_id:id}/delete")
def delete_custom_field(
    request: Request, session: DbSession, actor: Configurer, field_id: int
) -> Response:
    try:
        custom_fields.delete_definition(session, actor, field_id)
    except NotFound:
        return not_found_page(request, N_("This custom field does not exist."))
    return RedirectResponse("/requirements/custom-fields", status_code=303)
