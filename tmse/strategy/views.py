"""HTML pages of strategy: goals and alignment, a goal's page, and the goal, objective and
key-result forms (initiatives have their own folder). Same services and reads as the API."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.db import utctoday
from tmse.core.deps import DbSession, require
from tmse.core.errors import NotFound, Problem
from tmse.core.input_types import parse_int32
from tmse.core.pagination import ListParams
from tmse.core.permissions import READ, STRATEGY_WRITE
from tmse.core.routing import Router
from tmse.strategy import (
    forms,
    pages,
    queries,
    service,
    widgets,  # noqa: F401 - registers the template globals
)
from tmse.strategy.alignment import charts
from tmse.strategy.alignment import queries as alignment_queries
from tmse.strategy.alignment.queries import goal_node_out, orphan_page
from tmse.strategy.initiatives import views as initiative_views
from tmse.strategy.labels import labels
from tmse.strategy.models import StrategyStatus
from tmse.strategy.schemas import (
    GoalCreate,
    GoalUpdate,
    KeyResultUpdate,
    ObjectiveCreate,
    ObjectiveUpdate,
)
from tmse.web.forms import SubmittedForm, not_found_page, translator
from tmse.web.labels import N_
from tmse.web.page_context import saved_flash
from tmse.web.templating import NavItem, register_nav, render, request_locale

router = Router(include_in_schema=False)
router.include_router(initiative_views.router)
Reader = Annotated[Actor, Depends(require(READ))]
Writer = Annotated[Actor, Depends(require(STRATEGY_WRITE))]
ORPHANS_PER_PAGE = 10

register_nav(NavItem("strategy", N_("Goals"), "/strategy", READ, order=1, group="strategy"))


def _offset(value: str) -> int:
    return parse_int32(value) or 0


# --- goal forms --------------------------------------------------------------------------------


@router.get("/strategy/goals/new")
def new_goal(request: Request, session: DbSession, actor: Writer) -> Response:
    year = utctoday().year
    values = {
        "period_start": f"{year}-01-01",
        "period_end": f"{year}-12-31",
        "owner": actor.username,
        "status": StrategyStatus.ACTIVE,
        "baseline_value": "0",
    }
    return pages.render_form(request, session, "goal", values)


@router.get("/strategy/goals/{goal_id}/edit")
def edit_goal(request: Request, session: DbSession, actor: Writer, goal_id: int) -> Response:
    try:
        goal = service.get_goal(session, goal_id)
    except NotFound:
        return not_found_page(request, N_("This goal does not exist."))
    values = {name: getattr(goal, name) for name in service.GOAL_FIELDS if name != "owner_id"}
    for name in ("baseline_value", "target_value", "current_value"):
        values[name] = forms.number(values[name])
    values |= {
        "id": goal.id,
        "owner": queries.owner_username(session, goal.owner_id),
        "version": goal.version,
    }
    return pages.render_form(request, session, "goal", values)


@router.post("/strategy/goals")
def create_goal(
    request: Request, session: DbSession, actor: Writer, form: SubmittedForm
) -> Response:
    return _save_goal(request, session, actor, form, None)


@router.post("/strategy/goals/{goal_id}")
def update_goal(
    request: Request, session: DbSession, actor: Writer, goal_id: int, form: SubmittedForm
) -> Response:
    return _save_goal(request, session, actor, form, goal_id)


def _save_goal(
    request: Request, session: Session, actor: Actor, form: SubmittedForm, goal_id: int | None
) -> Response:
    _ = translator(request)
    values = forms.goal_values(form) | ({"id": goal_id} if goal_id else {})
    body = forms.goal_body(values)
    try:
        with session.begin_nested():
            if goal_id is None:
                goal = service.create_goal(session, actor, GoalCreate.model_validate(body))
            else:
                data = GoalUpdate.model_validate(body | {"version": values["version"] or 0})
                goal = service.update_goal(session, actor, goal_id, data)
    except ValidationError as exc:
        errors = forms.validation_messages(exc, _, [])
        return pages.render_form(
            request, session, "goal", values, errors, _("Please correct the marked fields."), 422
        )
    except Problem as exc:
        errors, message = forms.problem_messages(exc, _, [])
        return pages.render_form(request, session, "goal", values, errors, message, exc.status)
    return RedirectResponse(f"/strategy/goals/{goal.id}?saved=1", status_code=303)


@router.post("/strategy/goals/{goal_id}/delete")
def delete_goal(
    request: Request, session: DbSession, actor: Writer, goal_id: int, form: SubmittedForm
) -> Response:
    return pages.delete_and_return(request, session, actor, form, service.delete_goal, goal_id)


# --- objective forms ---------------------------------------------------------------------------


@router.get("/strategy/objectives/new")
def new_objective(request: Request, session: DbSession, actor: Writer, goal: str = "") -> Response:
    today = utctoday()
    goal_id = parse_int32(goal)
    values = {
        "period_start": today.isoformat(),
        "period_end": f"{today.year}-12-31",
        "owner": actor.username,
        "status": StrategyStatus.ACTIVE,
        "goal_ids": [goal_id] if goal_id is not None else [],
        "key_results": [],
    }
    return pages.render_form(request, session, "objective", forms.with_blank_rows(values))


@router.get("/strategy/objectives/{objective_id}/edit")
def edit_objective(
    request: Request, session: DbSession, actor: Writer, objective_id: int
) -> Response:
    try:
        objective = queries.objectives_out(session, [service.get_objective(session, objective_id)])[
            0
        ]
    except NotFound:
        return not_found_page(request, N_("This objective does not exist."))
    fields = {"id", "name", "description", "period_start", "period_end", "status", "goal_ids"}
    values = objective.model_dump(include=fields | {"version"})
    values["owner"] = objective.owner.username if objective.owner else ""
    values["key_results"] = [
        {
            "id": str(k.id),
            "name": k.name,
            "unit": k.unit,
            "start_value": forms.number(k.start_value),
            "target_value": forms.number(k.target_value),
            "current_value": forms.number(k.current_value),
        }
        for k in objective.key_results
    ]
    return pages.render_form(request, session, "objective", forms.with_blank_rows(values))


@router.post("/strategy/objectives")
def create_objective(
    request: Request, session: DbSession, actor: Writer, form: SubmittedForm
) -> Response:
    return _save_objective(request, session, actor, form, None)


@router.post("/strategy/objectives/{objective_id}")
def update_objective(
    request: Request, session: DbSession, actor: Writer, objective_id: int, form: SubmittedForm
) -> Response:
    return _save_objective(request, session, actor, form, objective_id)


def _save_objective(
    request: Request, session: Session, actor: Actor, form: SubmittedForm, objective_id: int | None
) -> Response:
    _ = translator(request)
    values = forms.objective_values(form) | ({"id": objective_id} if objective_id else {})
    body, kr_rows = forms.objective_body(values)
    try:
        with session.begin_nested():
            if objective_id is None:
                data = ObjectiveCreate.model_validate(body)
                objective = service.create_objective(session, actor, data)
            else:
                update = ObjectiveUpdate.model_validate(body | {"version": values["version"] or 0})
                objective = service.update_objective(session, actor, objective_id, update)
    except ValidationError as exc:
        errors = forms.validation_messages(exc, _, kr_rows)
        return pages.render_form(
            request,
            session,
            "objective",
            values,
            errors,
            _("Please correct the marked fields."),
            422,
        )
    except Problem as exc:
        errors, message = forms.problem_messages(exc, _, kr_rows)
        return pages.render_form(request, session, "objective", values, errors, message, exc.status)
    goal_ids = body["goal_ids"]
    target = f"/strategy/goals/{goal_ids[0]}" if goal_ids else "/strategy"
    return RedirectResponse(f"{target}?saved=1#objective-{objective.id}", status_code=303)


@router.post("/strategy/objectives/{objective_id}/delete")
def delete_objective(
    request: Request, session: DbSession, actor: Writer, objective_id: int, form: SubmittedForm
) -> Response:
    return pages.delete_and_return(
        request, session, actor, form, service.delete_objective, objective_id
    )


@router.post("/strategy/key-results/{key_result_id}/progress")
def record_progress(
    request: Request, session: DbSession, actor: Writer, key_result_id: int, form: SubmittedForm
) -> Response:
    """The current value of a key result, from the goal page."""
    _ = translator(request)
    back = forms.text(form, "back")
    back = back if back.startswith("/strategy") else "/strategy"
    try:
        with session.begin_nested():
            data = KeyResultUpdate.model_validate(
                {
                    "version": forms.text(form, "version") or 0,
                    "current_value": forms.optional(forms.text(form, "current_value")),
                }
            )
            service.update_key_result(session, actor, key_result_id, data)
    except ValidationError as exc:
        return pages.refusal(
            request, next(iter(forms.validation_messages(exc, _, []).values())), 422
        )
    except NotFound:
        return not_found_page(request, N_("This key result does not exist."))
    except Problem as exc:
        return pages.refusal(request, forms.problem_messages(exc, _, [])[1], exc.status)
    return RedirectResponse(f"{back}?saved=1", status_code=303)


# --- pages ------------------------------------------------------------------------------------


@router.get("/strategy")
def alignment_page(
    request: Request,
    session: DbSession,
    actor: Reader,
    saved: str = "",
    initiatives_offset: str = "",
    requirements_offset: str = "",
) -> Response:
    _ = translator(request)
    tree = alignment_queries.alignment(session)
    goals = [goal_node_out(g) for g in tree.goals]
    orphans = {
        kind: orphan_page(session, tree, kind, ListParams(limit=limit, offset=_offset(offset)))
        for kind, limit, offset in (
            ("objectives", 100, ""),  # few; shown whole
            ("initiatives", ORPHANS_PER_PAGE, initiatives_offset),
            ("requirements", ORPHANS_PER_PAGE, requirements_offset),
        )
    }
    totals = {
        "person_days": sum(g.totals.planned_person_days for g in goals),
        "initiatives": len({i.id for g in goals for o in g.objectives for i in o.initiatives}),
        "requirements": sum(g.totals.requirements.total for g in goals),
    }
    return render(
        request,
        "strategy/alignment.html",
        {
            "active": "strategy",
            "goals": goals,
            "owners": queries.goal_owner_names(session, [g.id for g in goals]),
            "orphans": orphans,
            "offsets": {
                "initiatives": _offset(initiatives_offset),
                "requirements": _offset(requirements_offset),
            },
            "totals": totals,
            "investment_chart": charts.investment_by_goal(goals, _) if goals else None,
            "sunburst_chart": charts.alignment_sunburst(goals, _)
            if totals["initiatives"]
            else None,
            "actions": service.allowed_actions(actor),
            "flashes": saved_flash(request, saved),
            "labels": labels(),
        },
    )


@router.get("/strategy/goals/{goal_id}")
def goal_page(
    request: Request, session: DbSession, actor: Reader, goal_id: int, saved: str = ""
) -> Response:
    _ = translator(request)
    try:
        goal = queries.goals_out(session, [service.get_goal(session, goal_id)])[0]
    except NotFound:
        return not_found_page(request, N_("This goal does not exist."))
    tree = alignment_queries.alignment(session)
    node = next(goal_node_out(g) for g in tree.goals if g.row.id == goal_id)
    objective_ids = [o.id for o in node.objectives]
    objectives = queries.objectives_with_ids(session, objective_ids)
    by_id = {o.id: o for o in objectives}
    return render(
        request,
        "strategy/goal.html",
        {
            "active": "strategy",
            "goal": goal,
            "node": node,
            "objectives": {o.id: by_id[o.id] for o in node.objectives},
            "status_chart": charts.requirements_by_status(
                node.totals.requirements.by_status, request_locale(request)
            )
            if node.totals.requirements.total
            else None,
            "actions": service.allowed_actions(actor),
            "flashes": saved_flash(request, saved),
            "labels": labels(),
        },
    )
