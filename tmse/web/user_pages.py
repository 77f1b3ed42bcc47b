"""The People pages: the searchable list, a person's profile, and the create/edit form."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from tmse.core.actor import Actor
from tmse.core.audit import AuditEntry, entries_query
from tmse.core.deps import DbSession, require
from tmse.core.errors import NotFound, Problem
from tmse.core.identity import service
from tmse.core.identity.models import Membership, User
from tmse.core.identity.schemas import UserCreate, UserUpdate
from tmse.core.pagination import ListParams, list_params
from tmse.core.permissions import ORG_WRITE, READ, Role
from tmse.core.routing import Router
from tmse.web.forms import (
    SubmittedForm,
    int_list,
    not_found_page,
    optional_int,
    problem_errors,
    translator,
    validation_errors,
)
from tmse.web.labels import N_
from tmse.web.org_tree import organisation_tree
from tmse.web.page_context import filter_url, saved_flash
from tmse.web.templating import render

router = Router(include_in_schema=False)
Reader = Annotated[Actor, Depends(require(READ))]
OrgWriter = Annotated[Actor, Depends(require(ORG_WRITE))]
Paging = Annotated[ListParams, Depends(list_params)]
SORTS = ("username", "display_name", "created_at")
ACTIVE_FILTERS = {"active": True, "inactive": False}
RECENT_ACTIVITY = 10


@router.get("/users")
def users_page(
    request: Request,
    session: DbSession,
    actor: Reader,
    paging: Paging,
    q: str = "",
    role: str = "",
    team_id: str = "",
    active: str = "",
) -> Response:
    sort = paging.sort if paging.sort and paging.sort.removeprefix("-") in SORTS else None
    params = ListParams(limit=paging.limit, offset=paging.offset, sort=sort)
    team = optional_int(team_id)
    users, total = service.list_users(
        session,
        params,
        q=q.strip() or None,
        role=role or None,
        team_id=team,
        is_active=ACTIVE_FILTERS.get(active),
    )
    rows = service.user_out(session, users)
    tree = organisation_tree(session)
    filters = {"q": q.strip(), "role": role, "team_id": team or "", "active": active}
    return render(
        request,
        "web/users.html",
        {
            "active": "users",
            "page": {"items": rows, "total": total, "limit": params.limit, "offset": params.offset},
            "filters": filters,
            "filtered": any(filters.values()),
            "sort": sort or "",
            "roles": list(Role),
            "teams": tree,
            "team_names": {r.unit.id: r.unit.name for r in tree},
            "base_url": filter_url("/users", **filters, sort=sort),
            "sort_url": filter_url("/users", **filters),
            "allowed": service.allowed_actions(actor, User),
        },
    )


def _user_form(
    request: Request,
    session: DbSession,
    values: dict[str, Any],
    user_id: int | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "web/user_form.html",
        {
            "active": "users",
            "user_id": user_id,
            "values": values,
            "errors": errors or {},
            "message": message,
            "roles": list(Role),
            "teams": organisation_tree(session),
        },
        status_code=status_code,
    )


def _submitted_user(form: SubmittedForm) -> dict[str, Any]:
    return {
        "username": str(form.get("username", "")).strip(),
        "display_name": str(form.get("display_name", "")).strip(),
        "email": str(form.get("email", "")).strip() or None,
        "password": str(form.get("password", "")) or None,
        "roles": [str(r) for r in form.getlist("roles")],
        "team_ids": int_list(form.getlist("team_ids")),
        "is_active": form.get("is_active") in ("1", "on", "true"),
        "version": optional_int(form.get("version")),
    }


@router.get("/users/new")
def new_user_page(request: Request, session: DbSession, actor: OrgWriter) -> Response:
    values = {"roles": [Role.VIEWER], "team_ids": [], "is_active": True}
    return _user_form(request, session, values)


@router.post("/users")
def create_user(
    request: Request, session: DbSession, actor: OrgWriter, form: SubmittedForm
) -> Response:
    _ = translator(request)
    values = _submitted_user(form)
    fields = ("username", "display_name", "email", "password", "roles", "team_ids")
    try:
        data = UserCreate.model_validate({k: values[k] for k in fields})
    except ValidationError as exc:
        errors = validation_errors(exc, _)
        message = _("Please correct the marked fields.")
        return _user_form(request, session, values, None, errors, message, 422)
    try:
        with session.begin_nested():
            user = service.create_user(session, actor, data)
    except Problem as exc:
        errors, message = problem_errors(exc, _)
        return _user_form(request, session, values, None, errors, message, exc.status)
    return RedirectResponse(f"/users/{user.id}?saved=1", status_code=303)


@router.get("/users/{user_id}/edit")
def edit_user_page(
    request: Request, session: DbSession, actor: OrgWriter, user_id: int
) -> Response:
    try:
        user = service.user_out(session, [service.get_user(session, user_id)])[0]
    except NotFound:
        return not_found_page(request, N_("This person does not exist."))
    values = user.model_dump() | {"password": None}
    return _user_form(request, session, values, user_id)


@router.post("/users/{user_id}/edit")
def update_user(
    request: Request, session: DbSession, actor: OrgWriter, user_id: int, form: SubmittedForm
) -> Response:
    _ = translator(request)
    values = _submitted_user(form)
    try:
        username = service.get_user(session, user_id).username
    except NotFound:
        return not_found_page(request, N_("This person does not exist."))
    values["username"] = username
    fields = ("version", "display_name", "email", "roles", "team_ids", "is_active")
    changes = {k: values[k] for k in fields}
    if values["password"]:
        changes["password"] = values["password"]
    try:
        data = UserUpdate.model_validate(changes)
    except ValidationError as exc:
        errors = validation_errors(exc, _)
        message = _("Please correct the marked fields.")
        return _user_form(request, session, values, user_id, errors, message, 422)
    try:
        with session.begin_nested():
            service.update_user(session, actor, user_id, data)
    except Problem as exc:
        errors, message = problem_errors(exc, _)
        return _user_form(request, session, values, user_id, errors, message, exc.status)
    return RedirectResponse(f"/users/{user_id}?saved=1", status_code=303)


@router.get("/users/{user_id}")
def user_page(
    request: Request, session: DbSession, actor: Reader, user_id: int, saved: str = ""
) -> Response:
    try:
        user = service.get_user(session, user_id)
    except NotFound:
        return not_found_page(request, N_("This person does not exist."))
    leads = set(
        session.scalars(
            select(Membership.team_id).where(
                Membership.user_id == user_id, Membership.is_lead.is_(True)
            )
        )
    )
    team_ids = set(service.user_team_ids(session, user_id))
    memberships = [r for r in organisation_tree(session) if r.unit.id in team_ids]
    allowed = service.allowed_actions(actor, user)
    activity: list[AuditEntry] | None = None
    if "see-activity" in allowed:
        recent = entries_query(actor=user.username).order_by(AuditEntry.id.desc())
        activity = list(session.scalars(recent.limit(RECENT_ACTIVITY)))
    return render(
        request,
        "web/user.html",
        {
            "active": "users",
            "user": user,
            "memberships": memberships,
            "leads": leads,
            "activity": activity,
            "allowed": allowed,
            "is_me": actor.user_id == user.id,
            "flashes": saved_flash(request, saved),
        },
    )
