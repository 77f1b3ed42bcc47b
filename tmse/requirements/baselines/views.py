"""HTML pages of baselines: the list, the form that takes one, a baseline's page (items, signature,
sign and discard for the people named on it) and the diff page. The forms call the same service
as the API; no page can change a signed baseline."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.errors import InvalidInput, NotFound, Problem
from tmse.core.identity.models import User, UserRole
from tmse.core.input_types import parse_int32
from tmse.core.pagination import ListParams, list_params
from tmse.core.permissions import BASELINES_WRITE, READ, ROLE_PERMISSIONS
from tmse.planning.models import Project, Release
from tmse.requirements.baselines import service
from tmse.requirements.baselines.models import Baseline, BaselineStatus
from tmse.requirements.baselines.schemas import BaselineCreate
from tmse.requirements.models import RequirementStatus
from tmse.web.forms import (
    SubmittedForm,
    forbidden_page,
    not_found_page,
    optional_int,
    problem_errors,
    translator,
    validation_errors,
)
from tmse.web.labels import N_
from tmse.web.page_context import filter_url, saved_flash
from tmse.web.templating import NavItem, register_nav, render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Actor, Depends(require(READ))]
Paging = Annotated[ListParams, Depends(list_params)]

register_nav(NavItem("baselines", N_("Baselines"), "/baselines", READ, order=5, group="strategy"))

STATUS_LABELS = {
    BaselineStatus.DRAFT: N_("Awaiting signature"),
    BaselineStatus.APPROVED: N_("Signed"),
    BaselineStatus.DISCARDED: N_("Discarded"),
}
STATUS_COLOURS = {
    BaselineStatus.DRAFT: "bg-yellow-lt",
    BaselineStatus.APPROVED: "bg-green-lt",
    BaselineStatus.DISCARDED: "bg-secondary-lt",
}
# The requirement columns shown by name on the diff page; others show their column name.
FIELD_LABELS = {
    "title": N_("Title"),
    "description": N_("Description"),
    "acceptance_criteria": N_("Acceptance criteria"),
    "type": N_("Type"),
    "status": N_("Status"),
    "status_reason": N_("Status reason"),
    "moscow": N_("MoSCoW"),
    "effort_days": N_("Effort (person-days)"),
    "project_id": N_("Project"),
    "release_id": N_("Release"),
    "milestone_id": N_("Milestone"),
    "product_manager_id": N_("Product manager"),
    "custom": N_("Custom fields"),
}
# What the form says under a field the service refused.
FIELD_MESSAGES = {
    "name": N_("Choose another name: a baseline with this name exists."),
    "approver": N_("Choose an active user who may approve baselines."),
    "project_id": N_("Choose a project or a release, or list requirement ids."),
    "release_id": N_("This release does not exist or belongs to another project."),
    "requirement_ids": N_("Some of these requirements do not exist."),
    "statuses": N_("No requirement matches this selection."),
}
DIRECTION_ARROWS = {"out": "→", "in": "←"}
_IDS = re.compile(r"[\s,;]+")


def labels() -> dict[str, Any]:
    return {
        "status": STATUS_LABELS,
        "status_colour": STATUS_COLOURS,
        "field": FIELD_LABELS,
        "direction": DIRECTION_ARROWS,
    }


def _approvers(session: Session) -> list[str]:
    """Usernames of active users whose roles let them approve baselines."""
    roles = [
        str(role)
        for role, granted in ROLE_PERMISSIONS.items()
        if "*" in granted or BASELINES_WRITE in granted
    ]
    stmt = (
        select(User.username)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.is_active.is_(True), UserRole.role.in_(roles))
        .distinct()
        .order_by(User.username)
    )
    return list(session.scalars(stmt))


def _projects(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(select(Project.id, Project.name).order_by(Project.name))
    return [{"id": pid, "name": name} for pid, name in rows]


def _releases(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Release.id, Release.name, Project.name)
        .join(Project, Project.id == Release.project_id)
        .order_by(Project.name, Release.name)
    )
    return [{"id": rid, "name": f"{pname} · {name}"} for rid, name, pname in rows]


def _project_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(Project.id, Project.name).where(Project.id.in_(wanted)))
    return {pid: name for pid, name in rows}


def _release_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(Release.id, Release.name).where(Release.id.in_(wanted)))
    return {rid: name for rid, name in rows}


def _rows(session: Session, baselines: list[Baseline]) -> list[dict[str, Any]]:
    users = service.usernames(
        session, [uid for b in baselines for uid in (b.created_by_id, b.approver_id)]
    )
    projects = _project_names(session, {b.project_id for b in baselines})
    releases = _release_names(session, {b.release_id for b in baselines})
    return [
        {
            "baseline": b,
            "approver": users.get(b.approver_id, "—"),
            "created_by": users.get(b.created_by_id, "—") if b.created_by_id else "—",
            "project": projects.get(b.project_id) if b.project_id else None,
            "release": releases.get(b.release_id) if b.release_id else None,
        }
        for b in baselines
    ]


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
    rows, total = service.list_baselines(
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
                "items": _rows(session, rows),
                "total": total,
                "limit": paging.limit,
                "offset": paging.offset,
            },
            "filters": {"status": status, "project": project_id},
            "filtered": bool(status or project_id),
            "statuses": list(BaselineStatus),
            "projects": _projects(session),
            "base_url": filter_url("/baselines", status=status, project=project_id),
            "status_url": filter_url("/baselines", project=project_id),
            "can_create": actor.can(BASELINES_WRITE),
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
            "approvers": _approvers(session),
            "projects": _projects(session),
            "releases": _releases(session),
            "requirement_statuses": [str(s) for s in RequirementStatus],
        },
        status_code=status_code,
    )


@router.get("/baselines/new")
def new_baseline_page(
    request: Request, session: DbSession, actor: Reader, project: str = ""
) -> Response:
    if not actor.can(BASELINES_WRITE):
        return forbidden_page(request, BASELINES_WRITE)
    values = {
        "name": "",
        "description": "",
        "approver": actor.username,
        "mode": "selection",
        "project_id": optional_int(project),
        "release_id": None,
        "statuses": [str(RequirementStatus.APPROVED)],
        "requirement_ids": "",
    }
    return _render_form(request, session, values)


def _parse_ids(text: str) -> list[int] | None:
    parts = [p for p in _IDS.split(text.strip()) if p]
    ids = []
    for part in parts:
        number = parse_int32(part.upper().removeprefix("REQ-"))
        if number is None:
            return None
        ids.append(number)
    return ids


@router.post("/baselines")
def create_baseline_form(
    request: Request, session: DbSession, actor: Reader, form: SubmittedForm
) -> Response:
    if not actor.can(BASELINES_WRITE):
        return forbidden_page(request, BASELINES_WRITE)
    _ = translator(request)
    values: dict[str, Any] = {
        "name": str(form.get("name", "")).strip(),
        "description": str(form.get("description", "")).strip(),
        "approver": str(form.get("approver", "")).strip(),
        "mode": "ids" if form.get("mode") == "ids" else "selection",
        "project_id": optional_int(form.get("project_id")),
        "release_id": optional_int(form.get("release_id")),
        "statuses": [str(v) for v in form.getlist("statuses")],
        "requirement_ids": str(form.get("requirement_ids", "")).strip(),
    }
    body: dict[str, Any] = {
        "name": values["name"],
        "description": values["description"],
        "approver": values["approver"],
        "project_id": values["project_id"],
        "release_id": values["release_id"],
    }
    if values["mode"] == "ids":
        ids = _parse_ids(values["requirement_ids"])
        if ids is None:
            errors = {"requirement_ids": _("List requirement ids such as 12, 15 or REQ-12.")}
            return _render_form(
                request, session, values, errors, _("Please correct the marked fields."), 422
            )
        body["requirement_ids"] = ids
    else:
        body["statuses"] = values["statuses"]
    try:
        data = BaselineCreate.model_validate(body)
        baseline = service.create_baseline(session, actor, data)
    except ValidationError as exc:
        errors = validation_errors(exc, _)
        return _render_form(
            request, session, values, errors, _("Please correct the marked fields."), 422
        )
    except InvalidInput as exc:
        errors = {}
        for error in exc.extra.get("errors", []):
            field = str(error.get("field", "form")).split("[")[0]
            if values["mode"] == "selection" and field == "requirement_ids":
                field = "project_id"
            message = FIELD_MESSAGES.get(field)
            errors.setdefault(field, _(message) if message else str(error.get("message", "")))
        return _render_form(
            request, session, values, errors, _("Please correct the marked fields."), 422
        )
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
        baseline = service.get_baseline(session, baseline_id)
    except NotFound:
        return not_found_page(request, N_("This baseline does not exist."))
    items, total = service.items_page(
        session, baseline_id, ListParams(limit=paging.limit, offset=paging.offset)
    )
    verification = service.verify_baseline(session, baseline_id, request.app.state.secret_key)
    others = session.execute(
        select(Baseline.id, Baseline.name)
        .where(Baseline.id != baseline_id, Baseline.status != BaselineStatus.DISCARDED)
        .order_by(Baseline.id.desc())
        .limit(200)
    ).all()
    is_draft = baseline.status == BaselineStatus.DRAFT
    return render(
        request,
        "requirements/baselines/detail.html",
        {
            "active": "baselines",
            "row": _rows(session, [baseline])[0],
            "baseline": baseline,
            "page": {
                "items": items,
                "total": total,
                "limit": paging.limit,
                "offset": paging.offset,
            },
            "base_url": f"/baselines/{baseline_id}?",
            "verification": verification,
            "others": others,
            "can_sign": is_draft and actor.user_id == baseline.approver_id,
            "can_discard": is_draft
            and actor.user_id in (baseline.created_by_id, baseline.approver_id),
            "flashes": saved_flash(request, saved),
            "labels": labels(),
        },
    )


def _act(request: Request, session: Session, baseline_id: int, action: Any) -> Response:
    try:
        action()
    except NotFound:
        return not_found_page(request, N_("This baseline does not exist."))
    except Problem as exc:
        _ = translator(request)
        _errors, message = problem_errors(exc, _)
        return render(
            request,
            "web/error.html",
            {"status": exc.status, "error_title": _("Not possible"), "error_message": message},
            status_code=exc.status,
        )
    return RedirectResponse(f"/baselines/{baseline_id}?saved=1", status_code=303)


@router.post("/baselines/{baseline_id}/sign")
def sign_baseline_form(
    request: Request, session: DbSession, actor: Reader, baseline_id: int
) -> Response:
    if not actor.can(BASELINES_WRITE):
        return forbidden_page(request, BASELINES_WRITE)
    secret = request.app.state.secret_key
    return _act(
        request,
        session,
        baseline_id,
        lambda: service.sign_baseline(session, actor, baseline_id, secret),
    )


@router.post("/baselines/{baseline_id}/discard")
def discard_baseline_form(
    request: Request, session: DbSession, actor: Reader, baseline_id: int
) -> Response:
    if not actor.can(BASELINES_WRITE):
        return forbidden_page(request, BASELINES_WRITE)
    return _act(
        request, session, baseline_id, lambda: service.discard_baseline(session, actor, baseline_id)
    )


@router.get("/baselines/{baseline_id}/diff")
def diff_page(
    request: Request, session: DbSession, actor: Reader, baseline_id: int, against: str = "now"
) -> Response:
    try:
        baseline = service.get_baseline(session, baseline_id)
    except NotFound:
        return not_found_page(request, N_("This baseline does not exist."))
    try:
        result = service.diff_baseline(session, baseline_id, against)
    except InvalidInput:
        return not_found_page(request, N_("There is no baseline to compare with."))
    other = None if against == service.NOW else session.get(Baseline, int(against))
    others = session.execute(
        select(Baseline.id, Baseline.name)
        .where(Baseline.id != baseline_id, Baseline.status != BaselineStatus.DISCARDED)
        .order_by(Baseline.id.desc())
        .limit(200)
    ).all()
    return render(
        request,
        "requirements/baselines/diff.html",
        {
            "active": "baselines",
            "baseline": baseline,
            "other": other,
            "against": against,
            "others": others,
            "diff": result.as_dict(),
            "labels": labels(),
        },
    )
