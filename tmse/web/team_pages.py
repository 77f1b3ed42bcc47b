"""The Teams pages: the organisation tree, a unit's detail, and the create/edit form."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.errors import NotFound, Problem
from tmse.core.identity import service
from tmse.core.identity.models import Membership, Team, TeamKind
from tmse.core.identity.schemas import TeamCreate, TeamUpdate
from tmse.core.links import service as links_service
from tmse.core.links.models import TraceLink
from tmse.core.links.registry import registered_types
from tmse.core.pagination import MAX_LIMIT, ListParams, list_params
from tmse.core.permissions import ORG_WRITE, READ
from tmse.core.routing import Router
from tmse.web.forms import (
    SubmittedForm,
    not_found_page,
    optional_int,
    problem_errors,
    translator,
    validation_errors,
)
from tmse.web.labels import N_
from tmse.web.org_tree import TreeRow, descendant_ids, matching_unit_ids, organisation_tree
from tmse.web.page_context import filter_url, saved_flash
from tmse.web.templating import render

router = Router(include_in_schema=False)
Reader = Annotated[Actor, Depends(require(READ))]
OrgWriter = Annotated[Actor, Depends(require(ORG_WRITE))]
Paging = Annotated[ListParams, Depends(list_params)]
LINKS_SHOWN = 100
# Ends of a trace link that have a page of their own in the shell.
ENTITY_PAGES = {"team": "/teams/{id}", "user": "/users/{id}"}


@router.get("/teams")
def teams_page(
    request: Request, session: DbSession, actor: Reader, paging: Paging, q: str = "", kind: str = ""
) -> Response:
    rows = organisation_tree(session)
    filtered = bool(q.strip() or kind)
    if filtered:
        selected = matching_unit_ids(session, q.strip(), kind)
        rows = [r for r in rows if r.unit.id in selected]
    page = {
        "items": rows[paging.offset : paging.offset + paging.limit],
        "total": len(rows),
        "limit": paging.limit,
        "offset": paging.offset,
    }
    return render(
        request,
        "web/teams.html",
        {
            "active": "teams",
            "page": page,
            "filters": {"q": q.strip(), "kind": kind},
            "filtered": filtered,
            "kinds": list(TeamKind),
            "base_url": filter_url("/teams", q=q.strip(), kind=kind),
            "allowed": service.allowed_actions(actor, Team),
        },
    )


def _parent_options(rows: list[TreeRow], team_id: int | None) -> list[TreeRow]:
    """Every unit except the edited one and those below it (a unit cannot sit under itself)."""
    excluded = descendant_ids(rows, team_id) if team_id is not None else set()
    return [r for r in rows if r.unit.id not in excluded]


def _team_form(
    request: Request,
    session: DbSession,
    values: dict[str, Any],
    team_id: int | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> Response:
    rows = organisation_tree(session)
    return render(
        request,
        "web/team_form.html",
        {
            "active": "teams",
            "team_id": team_id,
            "values": values,
            "errors": errors or {},
            "message": message,
            "kinds": list(TeamKind),
            "parents": _parent_options(rows, team_id),
        },
        status_code=status_code,
    )


def _submitted_team(form: SubmittedForm) -> dict[str, Any]:
    return {
        "name": str(form.get("name", "")).strip(),
        "kind": str(form.get("kind", TeamKind.TEAM)),
        "parent_id": optional_int(form.get("parent_id")),
        "description": str(form.get("description", "")).strip(),
        "version": optional_int(form.get("version")),
    }


@router.get("/teams/new")
def new_team_page(
    request: Request, session: DbSession, actor: OrgWriter, parent_id: str = ""
) -> Response:
    values = {"name": "", "kind": TeamKind.TEAM, "parent_id": optional_int(parent_id)}
    return _team_form(request, session, values | {"description": ""})


@router.post("/teams")
def create_team(
    request: Request, session: DbSession, actor: OrgWriter, form: SubmittedForm
) -> Response:
    _ = translator(request)
    values = _submitted_team(form)
    try:
        data = TeamCreate.model_validate({k: v for k, v in values.items() if k != "version"})
    except ValidationError as exc:
        errors = validation_errors(exc, _)
        return _team_form(request, session, values, None, errors, None, 422)
    try:
        with session.begin_nested():
            team = service.create_team(session, actor, data)
    except Problem as exc:
        errors, message = problem_errors(exc, _)
        return _team_form(request, session, values, None, errors, message, exc.status)
    return RedirectResponse(f"/teams/{team.id}?saved=1", status_code=303)


@router.get("/teams/{team_id}/edit")
def edit_team_page(
    request: Request, session: DbSession, actor: OrgWriter, team_id: int
) -> Response:
    try:
        team = service.get_team(session, team_id)
    except NotFound:
        return not_found_page(request, N_("This team does not exist."))
    values = {
        "name": team.name,
        "kind": team.kind,
        "parent_id": team.parent_id,
        "description": team.description,
        "version": team.version,
    }
    return _team_form(request, session, values, team_id)


@router.post("/teams/{team_id}/edit")
def update_team(
    request: Request, session: DbSession, actor: OrgWriter, team_id: int, form: SubmittedForm
) -> Response:
    _ = translator(request)
    values = _submitted_team(form)
    try:
        data = TeamUpdate.model_validate(values)
    except ValidationError as exc:
        errors = validation_errors(exc, _)
        message = _("This form is out of date; reload the page.") if "version" in errors else None
        return _team_form(request, session, values, team_id, errors, message, 422)
    try:
        with session.begin_nested():
            service.update_team(session, actor, team_id, data)
    except NotFound:
        return not_found_page(request, N_("This team does not exist."))
    except Problem as exc:
        errors, message = problem_errors(exc, _)
        return _team_form(request, session, values, team_id, errors, message, exc.status)
    return RedirectResponse(f"/teams/{team_id}?saved=1", status_code=303)


@router.get("/teams/{team_id}")
def team_page(
    request: Request, session: DbSession, actor: Reader, team_id: int, saved: str = ""
) -> Response:
    try:
        team = service.get_team(session, team_id)
    except NotFound:
        return not_found_page(request, N_("This team does not exist."))
    rows = organisation_tree(session)
    row = next(r for r in rows if r.unit.id == team_id)
    users, total_members = service.list_users(
        session, ListParams(limit=MAX_LIMIT, sort="display_name"), team_id=team_id
    )
    leads = set(
        session.scalars(
            select(Membership.user_id).where(
                Membership.team_id == team_id, Membership.is_lead.is_(True)
            )
        )
    )
    users.sort(key=lambda u: (u.id not in leads, (u.display_name or u.username).lower()))
    links, total_links = links_service.list_links(
        session, ListParams(limit=LINKS_SHOWN, sort="-id"), entity=f"team:{team_id}"
    )
    return render(
        request,
        "web/team.html",
        {
            "active": "teams",
            "team": team,
            "row": row,
            "sub_units": [r for r in rows if r.unit.parent_id == team_id],
            "members": service.user_out(session, users),
            "total_members": total_members,
            "leads": leads,
            "links": [_link_view(session, link, "team", team_id) for link in links],
            "total_links": total_links,
            "allowed": service.allowed_actions(actor, team),
            "flashes": saved_flash(request, saved),
        },
    )


def _link_view(
    session: Session, link: TraceLink, entity_type: str, entity_id: int
) -> dict[str, Any]:
    """A trace link seen from one of its ends: direction, the other end and its label."""
    outgoing = (link.source_type, link.source_id) == (entity_type, entity_id)
    other_type = link.target_type if outgoing else link.source_type
    other_id = link.target_id if outgoing else link.source_id
    linkable = registered_types().get(other_type)
    entity = linkable.load(session, other_id) if linkable else None
    page = ENTITY_PAGES.get(other_type)
    return {
        "link": link,
        "outgoing": outgoing,
        "other_ref": f"{other_type}:{other_id}",
        "other_label": linkable.label(entity) if linkable and entity is not None else None,
        "other_url": page.format(id=other_id) if page and entity is not None else None,
    }
