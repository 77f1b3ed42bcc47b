"""The initiative page and its forms: create, edit, delete an initiative and the requirements it
includes. Each calls the same service as the API; errors show the form again, nothing stored."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.errors import NotFound, Problem
from tmse.core.input_types import parse_int32
from tmse.core.pagination import ListParams
from tmse.core.permissions import READ, STRATEGY_WRITE
from tmse.core.routing import Router
from tmse.requirements import queries as requirement_queries
from tmse.strategy import forms, pages, queries
from tmse.strategy import service as strategy_service
from tmse.strategy.initiatives import service
from tmse.strategy.labels import labels
from tmse.strategy.models import INCLUDES, StrategyStatus
from tmse.strategy.schemas import InitiativeCreate, InitiativeUpdate
from tmse.web.forms import SubmittedForm, not_found_page, translator
from tmse.web.labels import N_
from tmse.web.page_context import saved_flash
from tmse.web.templating import render

router = Router(include_in_schema=False)
Reader = Annotated[Actor, Depends(require(READ))]
Writer = Annotated[Actor, Depends(require(STRATEGY_WRITE))]


@router.get("/strategy/initiatives/new")
def new_initiative(
    request: Request, session: DbSession, actor: Writer, objective: str = ""
) -> Response:
    objective_id = parse_int32(objective)
    values = {
        "owner": actor.username,
        "status": StrategyStatus.ACTIVE,
        "currency": "CNY",
        "planned_person_days": "0",
        "planned_cost": "0",
        "objective_ids": [objective_id] if objective_id is not None else [],
    }
    return pages.render_form(request, session, "initiative", values)


@router.get("/strategy/initiatives/{initiative_id}/edit")
def edit_initiative(
    request: Request, session: DbSession, actor: Writer, initiative_id: int
) -> Response:
    try:
        out = queries.initiatives_out(session, [service.get_initiative(session, initiative_id)])[0]
    except NotFound:
        return not_found_page(request, N_("This initiative does not exist."))
    values = out.model_dump(
        include={
            "id",
            "name",
            "description",
            "currency",
            "start_on",
            "end_on",
            "status",
            "objective_ids",
            "version",
        }
    )
    values["owner"] = out.owner.username if out.owner else ""
    values["planned_person_days"] = forms.number(out.planned_person_days)
    values["planned_cost"] = forms.number(out.planned_cost)
    return pages.render_form(request, session, "initiative", values)


@router.post("/strategy/initiatives")
def create_initiative(
    request: Request, session: DbSession, actor: Writer, form: SubmittedForm
) -> Response:
    return _save_initiative(request, session, actor, form, None)


@router.post("/strategy/initiatives/{initiative_id}")
def update_initiative(
    request: Request, session: DbSession, actor: Writer, initiative_id: int, form: SubmittedForm
) -> Response:
    return _save_initiative(request, session, actor, form, initiative_id)


def _save_initiative(
    request: Request, session: Session, actor: Actor, form: SubmittedForm, row: int | None
) -> Response:
    _ = translator(request)
    values = forms.initiative_values(form) | ({"id": row} if row else {})
    body = forms.initiative_body(values)
    try:
        with session.begin_nested():
            if row is None:
                data = InitiativeCreate.model_validate(body)
                initiative = service.create_initiative(session, actor, data)
            else:
                update = InitiativeUpdate.model_validate(body | {"version": values["version"] or 0})
                initiative = service.update_initiative(session, actor, row, update)
    except ValidationError as exc:
        errors = forms.validation_messages(exc, _, [])
        return pages.render_form(
            request,
            session,
            "initiative",
            values,
            errors,
            _("Please correct the marked fields."),
            422,
        )
    except Problem as exc:
        errors, message = forms.problem_messages(exc, _, [])
        return pages.render_form(
            request, session, "initiative", values, errors, message, exc.status
        )
    return RedirectResponse(f"/strategy/initiatives/{initiative.id}?saved=1", status_code=303)


@router.post("/strategy/initiatives/{initiative_id}/delete")
def delete_initiative(
    request: Request, session: DbSession, actor: Writer, initiative_id: int, form: SubmittedForm
) -> Response:
    return pages.delete_and_return(
        request, session, actor, form, service.delete_initiative, initiative_id
    )


@router.post("/strategy/initiatives/{initiative_id}/requirements")
def include_requirements(
    request: Request, session: DbSession, actor: Writer, initiative_id: int, form: SubmittedForm
) -> Response:
    """Requirement ids typed as '12, 15 REQ-18' become `includes` links."""
    _ = translator(request)
    numbers = forms.requirement_numbers(form)
    if numbers is None:
        return pages.refusal(
            request, _("Enter requirement numbers separated by commas, e.g. 12, 15."), 422
        )
    try:
        with session.begin_nested():
            service.include_requirements(session, actor, initiative_id, numbers)
    except NotFound:
        return not_found_page(request, N_("This initiative does not exist."))
    except Problem as exc:
        errors, _message = forms.problem_messages(exc, _, [])
        return pages.refusal(request, next(iter(errors.values()), exc.detail), exc.status)
    return RedirectResponse(f"/strategy/initiatives/{initiative_id}?saved=1", status_code=303)


@router.post("/strategy/initiatives/{initiative_id}/requirements/{requirement_id}/remove")
def exclude_requirement(
    request: Request, session: DbSession, actor: Writer, initiative_id: int, requirement_id: int
) -> Response:
    try:
        service.exclude_requirements(session, actor, initiative_id, [requirement_id])
    except NotFound:
        return not_found_page(request, N_("This initiative does not exist."))
    return RedirectResponse(f"/strategy/initiatives/{initiative_id}?saved=1", status_code=303)


@router.get("/strategy/initiatives/{initiative_id}")
def initiative_page(
    request: Request,
    session: DbSession,
    actor: Reader,
    initiative_id: int,
    saved: str = "",
    offset: str = "",
) -> Response:
    try:
        initiative = queries.initiatives_out(
            session, [service.get_initiative(session, initiative_id)]
        )[0]
    except NotFound:
        return not_found_page(request, N_("This initiative does not exist."))
    paging = ListParams(limit=50, offset=parse_int32(offset) or 0)
    rows, total = requirement_queries.linked_requirements(
        session, INCLUDES, "initiative", initiative_id, paging.limit, paging.offset
    )
    objectives = queries.objectives_with_ids(session, initiative.objective_ids)
    goal_ids = sorted({g for o in objectives for g in o.goal_ids})
    goals = queries.goals_with_ids(session, goal_ids)
    return render(
        request,
        "strategy/initiative.html",
        {
            "active": "strategy",
            "initiative": initiative,
            "objectives": objectives,
            "goals": goals,
            "page": {"items": rows, "total": total, "limit": paging.limit, "offset": paging.offset},
            "base_url": f"/strategy/initiatives/{initiative_id}?",
            "actions": strategy_service.allowed_actions(actor),
            "flashes": saved_flash(request, saved),
            "errors": {},
            "values": {},
            "labels": labels(),
        },
    )
