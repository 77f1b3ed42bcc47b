"""HTML pages of requirements: the backlog, the intake and edit form, a requirement's page, the
CSV import and the custom field definitions. Every write calls the same service as the API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.body_limit import accepts_import_body
from tmse.core.deps import DbSession, require
from tmse.core.errors import Conflict, InvalidInput, NotFound, Problem
from tmse.core.input_types import parse_int32
from tmse.core.links.models import TraceLink
from tmse.core.links.registry import registered_types
from tmse.core.parse_first import import_actor, write_session
from tmse.core.permissions import READ, REQUIREMENTS_CONFIGURE, REQUIREMENTS_WRITE
from tmse.planning.models import Milestone, Project, Release
from tmse.requirements import backlog, csv_import, custom_fields, moscow, service
from tmse.requirements.history import history
from tmse.requirements.import_messages import translated_csv_errors
from tmse.requirements.jira_mapping import MAPPINGS
from tmse.requirements.models import (
    Channel,
    CustomFieldKind,
    MoSCoW,
    Requirement,
    RequirementStatus,
    RequirementType,
)
from tmse.web.forms import SubmittedForm, forbidden_page, not_found_page, translator
from tmse.web.labels import N_
from tmse.web.page_context import filter_url, saved_flash
from tmse.web.templating import NavItem, register_nav, render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Actor, Depends(require(READ))]

register_nav(NavItem("backlog", N_("Backlog"), "/requirements", READ, order=2, group="strategy"))

PAGE_SIZES = (25, 50, 100)
FORM_FIELDS = (
    "title", "description", "acceptance_criteria", "type", "requester", "moscow", "effort_days",
    "rice_reach", "rice_impact", "rice_confidence", "rice_effort", "wsjf_value",
    "wsjf_time_criticality", "wsjf_risk_reduction", "wsjf_job_size", "project_id", "release_id",
    "milestone_id",
)  # fmt: skip
# Pages of the other ends of trace links, by linkable type.
ENTITY_PAGES = {
    "requirement": "/requirements/{id}",
    "initiative": "/strategy/initiatives/{id}",
    "goal": "/strategy/goals/{id}",
}


def _choice(value: str | None, allowed: list[str]) -> str:
    return value if value in allowed else ""


def _int(value: str | None) -> int | None:
    return parse_int32(value)


def _choices(session: Session) -> dict[str, Any]:
    projects = list(
        session.execute(select(Project.id, Project.key, Project.name).order_by(Project.key))
    )
    releases = list(
        session.execute(
            select(Release.id, Release.project_id, Release.name).order_by(
                Release.project_id, Release.name
            )
        )
    )
    milestones = list(
        session.execute(
            select(Milestone.id, Milestone.project_id, Milestone.name).order_by(Milestone.due_on)
        )
    )
    return {
        "projects": projects,
        "releases": releases,
        "milestones": milestones,
        "project_names": {p.id: p.key for p in projects},
        "release_names": {r.id: r.name for r in releases},
        "types": [str(t) for t in RequirementType],
        "moscows": [str(m) for m in MoSCoW],
        "statuses": [str(s) for s in RequirementStatus],
        "channels": [str(c) for c in Channel],
    }


@router.get("/requirements")
def backlog_page(request: Request, session: DbSession, actor: Reader) -> Response:
    params = dict(request.query_params)
    choices = _choices(session)
    model = _choice(params.get("model"), list(backlog.MODELS))
    limit = parse_int32(params.get("limit")) or 50
    limit = limit if limit in PAGE_SIZES else 50
    offset = parse_int32(params.get("offset")) or 0
    definitions = custom_fields.definitions(session)
    known = {d.key: d for d in definitions}
    custom = tuple((k, v) for k, v in backlog.custom_filters(params) if k in known)
    filters = backlog.BacklogFilters(
        status=(params["status"],) if _choice(params.get("status"), choices["statuses"]) else (),
        type=_choice(params.get("type"), choices["types"]) or None,
        moscow=_choice(params.get("moscow"), choices["moscows"]) or None,
        project_id=_int(params.get("project")),
        release_id=_int(params.get("release")),
        channel=_choice(params.get("channel"), choices["channels"]) or None,
        q=(params.get("q") or "").strip() or None,
        custom=custom,
    )
    sort = params.get("sort") or ""
    sort_key = sort.lstrip("-")
    if sort_key not in backlog.SORTABLE and not (
        sort_key.startswith("cf.") and sort_key[3:] in known
    ):
        sort = ""
    page = backlog.backlog_page(
        session, filters, limit=limit, offset=offset, model=model or None, sort=sort or None
    )
    if filters.release_id or filters.project_id:
        share = moscow.must_effort_share(session, filters.project_id, filters.release_id)
        over = [{"name": _scope_name(choices, filters), "share": share}] if share.over_limit else []
    else:
        over = [{"name": r.name, "share": r.share} for r in moscow.releases_over_limit(session)]
    kept = {
        "status": filters.status[0] if filters.status else "",
        "type": filters.type or "",
        "moscow": filters.moscow or "",
        "project": filters.project_id or "",
        "release": filters.release_id or "",
        "channel": filters.channel or "",
        "q": filters.q or "",
    } | {f"cf.{k}": v for k, v in custom}
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
            "over_limit": over,
            "base_url": filter_url("/requirements", model=model, sort=sort, **kept),
            "model_url": filter_url("/requirements", **kept),
            "sort_url": filter_url("/requirements", **kept),
            "can_write": actor.can(REQUIREMENTS_WRITE),
            "can_configure": actor.can(REQUIREMENTS_CONFIGURE),
            **choices,
        },
    )


def _scope_name(choices: dict[str, Any], filters: backlog.BacklogFilters) -> str:
    if filters.release_id:
        return str(choices["release_names"].get(filters.release_id, filters.release_id))
    return str(choices["project_names"].get(filters.project_id, filters.project_id))


# --- intake and edit form ----------------------------------------------------------------------


def _form_values(form: SubmittedForm, definitions: list[Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in FORM_FIELDS:
        raw = str(form.get(name, "")).strip()
        if name in ("title", "description", "acceptance_criteria", "requester", "type"):
            values[name] = str(form.get(name, "")) if name != "type" else raw
        else:
            values[name] = raw or None
    custom: dict[str, Any] = {}
    for definition in definitions:
        if definition.kind == CustomFieldKind.MULTI_SELECT:
            custom[definition.key] = [str(v) for v in form.getlist(f"cf.{definition.key}")]
        else:
            custom[definition.key] = str(form.get(f"cf.{definition.key}", "")).strip() or None
    values["custom"] = custom
    return values


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
            **_choices(session),
        },
        status_code=status_code,
    )


# The service's fixed field messages, translated on the pages; others show as they are.
FIELD_MESSAGES = {
    "required": N_("This field is required."),
    "expected text": N_("Enter text."),
    "expected a number": N_("Enter a number."),
    "effort cannot be negative": N_("Effort cannot be negative."),
    "effort must be more than 0 person-months": N_("Effort must be more than 0 person-months."),
    "one of: 3, 2, 1, 0.5, 0.25": N_("Choose 3, 2, 1, 0.5 or 0.25."),
    "one of: 100, 80, 50 (%)": N_("Choose 100, 80 or 50 %."),
    "one of: 1, 2, 3, 5, 8, 13, 20": N_("Choose 1, 2, 3, 5, 8, 13 or 20."),
    "expected a whole number ≥ 0": N_("Enter a whole number, 0 or more."),
    "expected a date YYYY-MM-DD": N_("Enter a date as YYYY-MM-DD."),
    "unknown field": N_("This field does not exist."),
}


def translated(message: str, _: Any) -> str:
    known = FIELD_MESSAGES.get(message)
    return str(_(known)) if known else message


def _field_errors(exc: InvalidInput, _: Any) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.extra.get("errors", []):
        field = str(error.get("field", "form")).removeprefix("changes.")
        if field.startswith("custom."):
            field = "cf." + field.removeprefix("custom.")
        errors.setdefault(field, translated(str(error.get("message", "")), _))
    return errors


@router.get("/requirements/new")
def new_requirement_page(request: Request, session: DbSession, actor: Reader) -> Response:
    if not actor.can(REQUIREMENTS_WRITE):
        return forbidden_page(request, REQUIREMENTS_WRITE)
    values = {"type": "feature", "requester": actor.username, "custom": {}}
    return _render_form(request, session, values)


@router.post("/requirements/new")
def create_requirement(
    request: Request, session: DbSession, actor: Reader, form: SubmittedForm
) -> Response:
    if not actor.can(REQUIREMENTS_WRITE):
        return forbidden_page(request, REQUIREMENTS_WRITE)
    definitions = custom_fields.definitions(session)
    values = _form_values(form, definitions)
    _ = translator(request)
    try:
        with session.begin_nested():
            requirement = service.create_requirement(session, actor, values, Channel.WEB)
    except InvalidInput as exc:
        message = _("Please correct the marked fields.")
        return _render_form(request, session, values, None, _field_errors(exc, _), message, 422)
    return RedirectResponse(f"/requirements/{requirement.id}?saved=1", status_code=303)


@router.get("/requirements/{requirement_id:id}/edit")
def edit_requirement_page(
    request: Request, session: DbSession, actor: Reader, requirement_id: int
) -> Response:
    if not actor.can(REQUIREMENTS_WRITE):
        return forbidden_page(request, REQUIREMENTS_WRITE)
    try:
        requirement = service.get_requirement(session, requirement_id)
    except NotFound:
        return not_found_page(request, N_("This requirement does not exist."))
    values = {name: getattr(requirement, name) for name in FORM_FIELDS}
    values["custom"] = dict(requirement.custom or {})
    return _render_form(request, session, values, requirement)


@router.post("/requirements/{requirement_id:id}/edit")
def edit_requirement(
    request: Request, session: DbSession, actor: Reader, requirement_id: int, form: SubmittedForm
) -> Response:
    if not actor.can(REQUIREMENTS_WRITE):
        return forbidden_page(request, REQUIREMENTS_WRITE)
    try:
        requirement = service.get_requirement(session, requirement_id)
    except NotFound:
        return not_found_page(request, N_("This requirement does not exist."))
    values = _form_values(form, custom_fields.definitions(session))
    _ = translator(request)
    version = _int(str(form.get("version", ""))) or 0
    try:
        with session.begin_nested():
            service.update_requirement(session, actor, requirement_id, values, version)
    except InvalidInput as exc:
        message = _("Please correct the marked fields.")
        return _render_form(
            request, session, values, requirement, _field_errors(exc, _), message, 422
        )
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


def _links(session: Session, requirement: Requirement) -> dict[str, list[dict[str, Any]]]:
    rows = session.scalars(
        select(TraceLink)
        .where(
            ((TraceLink.source_type == "requirement") & (TraceLink.source_id == requirement.id))
            | ((TraceLink.target_type == "requirement") & (TraceLink.target_id == requirement.id))
        )
        .order_by(TraceLink.id)
    )
    types = registered_types()
    out: dict[str, list[dict[str, Any]]] = {"in": [], "out": []}
    for link in rows:
        incoming = link.target_type == "requirement" and link.target_id == requirement.id
        kind, other_id = (
            (link.source_type, link.source_id) if incoming else (link.target_type, link.target_id)
        )
        linkable = types.get(kind)
        entity = linkable.load(session, other_id) if linkable else None
        label = linkable.label(entity) if linkable and entity is not None else f"{kind}:{other_id}"
        url = ENTITY_PAGES.get(kind, "").format(id=other_id) or None
        if kind == "service" and entity is not None:
            url = f"/catalog/services/{label}"
        out["in" if incoming else "out"].append(
            {"link": link, "kind": kind, "id": other_id, "label": label, "url": url}
        )
    return out


def _review_panel(session: Session, actor: Actor, requirement: Requirement) -> dict[str, Any]:
    try:
        from tmse.requirements.review.service import panel_context
    except ImportError:  # joint review not installed
        return {}
    return panel_context(session, actor, requirement)


def _change_requests(session: Session, requirement_id: int) -> list[Any]:
    try:
        from tmse.requirements.changes.service import change_requests_for
    except ImportError:  # change control not installed
        return []
    return change_requests_for(session, requirement_id)


@router.get("/requirements/{requirement_id:id}")
def requirement_page(
    request: Request, session: DbSession, actor: Reader, requirement_id: int, saved: str = ""
) -> Response:
    try:
        requirement = service.get_requirement(session, requirement_id)
    except NotFound:
        return not_found_page(request, N_("This requirement does not exist."))
    choices = _choices(session)
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
            "links": _links(session, requirement),
            "history": history(session, requirement.id, limit=50),
            "change_requests": _change_requests(session, requirement.id),
            "flashes": saved_flash(request, saved),
            "can_write": actor.can(REQUIREMENTS_WRITE),
            **_review_panel(session, actor, requirement),
        },
    )


# --- CSV import --------------------------------------------------------------------------------


@router.get("/requirements/import")
def import_page(request: Request, actor: Reader) -> Response:
    if not actor.can(REQUIREMENTS_WRITE):
        return forbidden_page(request, REQUIREMENTS_WRITE)
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
    actor: Annotated[Actor, Depends(import_actor(READ))],
    form: SubmittedForm,
) -> Response:
    if not actor.can(REQUIREMENTS_WRITE):
        return forbidden_page(request, REQUIREMENTS_WRITE)
    values = {"mapping": str(form.get("mapping", "generic")), "csv": str(form.get("csv", ""))}
    _ = translator(request)
    try:
        # Parsed before the write transaction opens: on SQLite it locks out every other writer.
        parsed = csv_import.parse_csv(values["csv"], values["mapping"])
        with write_session(request) as session:
            outcome = csv_import.import_rows(session, actor, parsed)
    except InvalidInput as exc:
        errors = [
            e | {"message": translated(str(e.get("message", "")), _)}
            for e in translated_csv_errors(exc.extra.get("errors", []), _)
        ]
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
            "can_configure": actor.can(REQUIREMENTS_CONFIGURE),
        },
        status_code=status_code,
    )


@router.get("/requirements/custom-fields")
def custom_fields_page(request: Request, session: DbSession, actor: Reader) -> Response:
    return _render_fields(request, session, actor)


@router.post("/requirements/custom-fields")
def create_custom_field(
    request: Request, session: DbSession, actor: Reader, form: SubmittedForm
) -> Response:
    if not actor.can(REQUIREMENTS_CONFIGURE):
        return forbidden_page(request, REQUIREMENTS_CONFIGURE)
    options = [o.strip() for o in str(form.get("options", "")).splitlines() if o.strip()]
    values = {
        "key": str(form.get("key", "")).strip(),
        "label_en": str(form.get("label_en", "")).strip(),
        "label_zh": str(form.get("label_zh", "")).strip(),
        "kind": str(form.get("kind", "")),
        "options": options,
        "types": [str(t) for t in form.getlist("types")],
        "required": form.get("required") == "on",
        "position": _int(str(form.get("position", ""))) or 0,
    }
    _ = translator(request)
    try:
        with session.begin_nested():
            custom_fields.create_definition(session, actor, values)
    except InvalidInput as exc:
        errors = {str(e["field"]).split("[")[0]: str(e["message"]) for e in exc.extra["errors"]}
        shown = values | {"options": "\n".join(options)}
        return _render_fields(
            request, session, actor, shown, errors, _("Please correct the marked fields."), 422
        )
    except Problem as exc:
        shown = values | {"options": "\n".join(options)}
        errors = {"key": _("A custom field with this key already exists.")}
        return _render_fields(request, session, actor, shown, errors, exc.detail, 409)
    return RedirectResponse("/requirements/custom-fields", status_code=303)


@router.post("/requirements/custom-fields/{field_id:id}/delete")
def delete_custom_field(
    request: Request, session: DbSession, actor: Reader, field_id: int
) -> Response:
    if not actor.can(REQUIREMENTS_CONFIGURE):
        return forbidden_page(request, REQUIREMENTS_CONFIGURE)
    try:
        custom_fields.delete_definition(session, actor, field_id)
    except NotFound:
        return not_found_page(request, N_("This custom field does not exist."))
    return RedirectResponse("/requirements/custom-fields", status_code=303)
