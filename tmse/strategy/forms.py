"""The strategy forms: goal, objective with its key results, initiative, key-result progress, and
the requirements an initiative includes. Each calls the same service as the API; errors show
the form again with the fields marked, nothing stored."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.errors import Conflict, InvalidInput, NotFound, Problem, StaleVersion
from tmse.core.identity.models import User
from tmse.core.input_types import parse_int32
from tmse.core.permissions import READ, STRATEGY_WRITE
from tmse.strategy import initiatives, queries, service
from tmse.strategy.labels import labels
from tmse.strategy.models import BusinessGoal, StrategyStatus, TechObjective
from tmse.strategy.schemas import (
    GoalCreate,
    GoalUpdate,
    InitiativeCreate,
    InitiativeUpdate,
    KeyResultUpdate,
    ObjectiveCreate,
    ObjectiveUpdate,
)
from tmse.web.forms import (
    STALE_MESSAGE,
    SubmittedForm,
    Translate,
    error_page,
    forbidden_page,
    not_found_page,
    translator,
)
from tmse.web.labels import N_
from tmse.web.templating import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Actor, Depends(require(READ))]
BLANK_KEY_RESULTS = 2
KR_FIELDS = ("id", "name", "unit", "start_value", "target_value", "current_value")
_SPLIT = re.compile(r"[\s,，]+")

# Messages by the field a service error names (its last part, without an index).
FIELD_MESSAGES = {
    "period_end": N_("The end must not be before the start."),
    "end_on": N_("The end must not be before the start."),
    "target_value": N_("The target must differ from the starting value."),
    "owner": N_("There is no user with this username."),
    "goal_ids": N_("One of the chosen goals does not exist."),
    "objective_ids": N_("One of the chosen objectives does not exist."),
    "requirement_ids": N_("One of these requirements does not exist."),
    "id": N_("This key result belongs to another objective."),
}
TYPE_MESSAGES = {
    "missing": N_("This field is required."),
    "decimal_parsing": N_("Enter a number."),
    "decimal_type": N_("Enter a number."),
    "greater_than_equal": N_("Must not be negative."),
    "date_parsing": N_("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": N_("Enter a date as YYYY-MM-DD."),
    "date_type": N_("Enter a date as YYYY-MM-DD."),
    "decimal_max_digits": N_("The number is too large."),
    "decimal_max_places": N_("Too many decimal places."),
    "decimal_whole_digits": N_("The number is too large."),
    "string_pattern_mismatch": N_("Use a three-letter currency code, e.g. CNY."),
    "enum": N_("Choose one of the offered values."),
}
NAME_TAKEN = N_("This name is already used.")


def _form_key(location: list[str], kr_rows: list[int]) -> str:
    """('key_results', 1, 'target_value') -> 'kr-<form row>-target_value'; else the top field."""
    if location and location[0] == "key_results" and len(location) > 1:
        index = parse_int32(location[1]) or 0
        row = kr_rows[index] if index < len(kr_rows) else index
        name = location[2] if len(location) > 2 else "name"
        return f"kr-{row}-{'name' if name == 'id' else name}"
    return location[0] if location else "form"


def _parse_field(field: str) -> list[str]:
    return [p for p in re.split(r"[.\[\]]+", field) if p]


def validation_messages(exc: ValidationError, _: Translate, kr_rows: list[int]) -> dict[str, str]:
    shown: dict[str, str] = {}
    for error in exc.errors():
        location = [str(p) for p in error.get("loc", ())]
        kind = error.get("type", "")
        if kind == "string_too_short" and (error.get("ctx") or {}).get("min_length", 1) > 1:
            message = _("Too short: at least %(count)s characters.") % {
                "count": error["ctx"]["min_length"]
            }
        elif kind == "string_too_long":
            message = _("Too long: at most %(count)s characters.") % {
                "count": (error.get("ctx") or {}).get("max_length")
            }
        elif kind == "string_too_short":
            required = TYPE_MESSAGES["missing"]
            message = _(required)
        else:
            message = _(TYPE_MESSAGES.get(kind, N_("The value is not valid.")))
        shown.setdefault(_form_key(location, kr_rows), message)
    return shown


def problem_messages(exc: Problem, _: Translate, kr_rows: list[int]) -> tuple[dict[str, str], str]:
    """({form field: message}, message above the form) for a service error."""
    if isinstance(exc, StaleVersion):
        return {}, _(STALE_MESSAGE) % {"version": exc.extra.get("current_version", "?")}
    if isinstance(exc, Conflict) and exc.extra.get("field") == "name":
        return {"name": _(NAME_TAKEN)}, _("Please correct the marked fields.")
    if isinstance(exc, InvalidInput):
        shown: dict[str, str] = {}
        for error in exc.extra.get("errors", []):
            location = _parse_field(str(error.get("field", "form")))
            last = location[-1] if location else "form"
            message = FIELD_MESSAGES.get(last)
            shown.setdefault(
                _form_key(location, kr_rows), _(message) if message else str(error["message"])
            )
        return shown, _("Please correct the marked fields.")
    return {}, exc.detail


def _text(form: SubmittedForm, name: str) -> str:
    return str(form.get(name, "")).strip()


def _optional(value: str) -> str | None:
    return value or None


def _ids(form: SubmittedForm, name: str) -> list[int]:
    return [n for n in map(parse_int32, form.getlist(name)) if n is not None]


def _users(session: Session) -> list[Any]:
    stmt = select(User.username, User.display_name).where(User.is_active.is_(True))
    return list(session.execute(stmt.order_by(User.username).limit(300)).all())


def _choices(session: Session, model: type[Any]) -> list[Any]:
    return list(session.execute(select(model.id, model.name).order_by(model.name)).all())


def _render_form(
    request: Request,
    session: Session,
    kind: str,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "active": "strategy",
        "kind": kind,
        "values": values,
        "errors": errors or {},
        "message": message,
        "statuses": list(StrategyStatus),
        "users": _users(session),
        "labels": labels(),
    }
    if kind == "objective":
        context["goal_choices"] = _choices(session, BusinessGoal)
    if kind == "initiative":
        context["objective_choices"] = _choices(session, TechObjective)
    return render(request, f"strategy/{kind}_form.html", context, status_code=status_code)


def _owner_name(session: Session, owner_id: int | None) -> str:
    if owner_id is None:
        return ""
    return session.scalar(select(User.username).where(User.id == owner_id)) or ""


def _number(value: Any) -> str:
    if value is None:
        return ""
    text = f"{value:f}" if not isinstance(value, float) else repr(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- goals ------------------------------------------------------------------------------------


def _goal_values(form: SubmittedForm) -> dict[str, Any]:
    names = ("name", "description", "owner", "period_start", "period_end", "metric", "unit")
    values: dict[str, Any] = {n: _text(form, n) for n in names}
    values |= {n: _text(form, n) for n in ("baseline_value", "target_value", "current_value")}
    values["status"] = _text(form, "status") or StrategyStatus.ACTIVE
    values["version"] = _text(form, "version")
    return values


def _goal_body(values: dict[str, Any]) -> dict[str, Any]:
    body = {k: v for k, v in values.items() if k != "version"}
    for name in ("owner", "current_value", "period_start", "period_end", "target_value"):
        body[name] = _optional(body[name])
    body["baseline_value"] = body["baseline_value"] or "0"
    return body


@router.get("/strategy/goals/new")
def new_goal(request: Request, session: DbSession, actor: Reader) -> Response:
    if not actor.can(STRATEGY_WRITE):
        return forbidden_page(request, STRATEGY_WRITE)
    year = dt.date.today().year
    values = {"period_start": f"{year}-01-01", "period_end": f"{year}-12-31",
              "owner": actor.username, "status": StrategyStatus.ACTIVE,
              "baseline_value": "0"}  # fmt: skip
    return _render_form(request, session, "goal", values)


@router.get("/strategy/goals/{goal_id}/edit")
def edit_goal(request: Request, session: DbSession, actor: Reader, goal_id: int) -> Response:
    if not actor.can(STRATEGY_WRITE):
        return forbidden_page(request, STRATEGY_WRITE)
    try:
        goal = service.get_goal(session, goal_id)
    except NotFound:
        return not_found_page(request, N_("This goal does not exist."))
    values = {name: getattr(goal, name) for name in service.GOAL_FIELDS if name != "owner_id"}
    for name in ("baseline_value", "target_value", "current_value"):
        values[name] = _number(values[name])
    values |= {"id": goal.id, "owner": _owner_name(session, goal.owner_id), "version": goal.version}
    return _render_form(request, session, "goal", values)


@router.post("/strategy/goals")
def create_goal(
    request: Request, session: DbSession, actor: Reader, form: SubmittedForm
) -> Response:
    return _save_goal(request, session, actor, form, None)


@router.post("/strategy/goals/{goal_id}")
def update_goal(
    request: Request, session: DbSession, actor: Reader, goal_id: int, form: SubmittedForm
) -> Response:
    return _save_goal(request, session, actor, form, goal_id)


def _save_goal(
    request: Request, session: Session, actor: Actor, form: SubmittedForm, goal_id: int | None
) -> Response:
    if not actor.can(STRATEGY_WRITE):
        return forbidden_page(request, STRATEGY_WRITE)
    _ = translator(request)
    values = _goal_values(form) | ({"id": goal_id} if goal_id else {})
    body = _goal_body(values)
    try:
        with session.begin_nested():
            if goal_id is None:
                goal = service.create_goal(session, actor, GoalCreate.model_validate(body))
            else:
                data = GoalUpdate.model_validate(body | {"version": values["version"] or 0})
                goal = service.update_goal(session, actor, goal_id, data)
    except ValidationError as exc:
        errors = validation_messages(exc, _, [])
        return _render_form(request, session, "goal", values, errors,
                            _("Please correct the marked fields."), 422)  # fmt: skip
    except Problem as exc:
        errors, message = problem_messages(exc, _, [])
        return _render_form(request, session, "goal", values, errors, message, exc.status)
    return RedirectResponse(f"/strategy/goals/{goal.id}?saved=1", status_code=303)


@router.post("/strategy/goals/{goal_id}/delete")
def delete_goal(
    request: Request, session: DbSession, actor: Reader, goal_id: int, form: SubmittedForm
) -> Response:
    return _delete(request, session, actor, form, service.delete_goal, goal_id)


def _delete(
    request: Request, session: Session, actor: Actor, form: SubmittedForm, remove: Any, row: int
) -> Response:
    if not actor.can(STRATEGY_WRITE):
        return forbidden_page(request, STRATEGY_WRITE)
    version = _text(form, "version")
    try:
        remove(session, actor, row, parse_int32(version))
    except NotFound:
        return not_found_page(request, N_("It was deleted already."))
    except Problem as exc:
        _ = translator(request)
        return _render_message(request, problem_messages(exc, _, [])[1], exc.status)
    return RedirectResponse("/strategy?saved=1", status_code=303)


def _render_message(request: Request, message: str, status: int) -> Response:
    _ = translator(request)
    return error_page(request, status, _("Not saved"), message)


# --- objectives -------------------------------------------------------------------------------


def _kr_rows_from_form(form: SubmittedForm) -> list[dict[str, str]]:
    columns = {name: form.getlist(f"kr_{name}") for name in KR_FIELDS}
    count = max((len(v) for v in columns.values()), default=0)
    return [
        {
            name: str(columns[name][i]).strip() if i < len(columns[name]) else ""
            for name in KR_FIELDS
        }
        for i in range(count)
    ]


def _objective_values(form: SubmittedForm) -> dict[str, Any]:
    names = ("name", "description", "owner", "period_start", "period_end")
    values: dict[str, Any] = {n: _text(form, n) for n in names}
    values["status"] = _text(form, "status") or StrategyStatus.ACTIVE
    values["version"] = _text(form, "version")
    values["goal_ids"] = _ids(form, "goal_ids")
    values["key_results"] = _kr_rows_from_form(form)
    return values


def _objective_body(values: dict[str, Any]) -> tuple[dict[str, Any], list[int]]:
    """The API body, and for each key result in it the form row it came from."""
    body = {k: values[k] for k in ("name", "description", "status", "goal_ids")}
    for name in ("owner", "period_start", "period_end"):
        body[name] = _optional(values[name])
    key_results, rows = [], []
    for row, kr in enumerate(values["key_results"]):
        if not any(kr[n] for n in ("name", "target_value", "current_value")):
            continue  # a blank row
        key_results.append({
            "id": parse_int32(kr["id"]),
            "name": kr["name"], "unit": kr["unit"], "start_value": kr["start_value"] or "0",
            "target_value": _optional(kr["target_value"]),
            "current_value": _optional(kr["current_value"]),
        })  # fmt: skip
        rows.append(row)
    body["key_results"] = key_results
    return body, rows


def _with_blank_rows(values: dict[str, Any]) -> dict[str, Any]:
    blank = dict.fromkeys(KR_FIELDS, "")
    filled = [kr for kr in values["key_results"] if any(kr.values())]
    return values | {"key_results": filled + [dict(blank) for _ in range(BLANK_KEY_RESULTS)]}


@router.get("/strategy/objectives/new")
def new_objective(request: Request, session: DbSession, actor: Reader, goal: str = "") -> Response:
    if not actor.can(STRATEGY_WRITE):
        return forbidden_page(request, STRATEGY_WRITE)
    today = dt.date.today()
    goal_id = parse_int32(goal)
    values = {
        "period_start": today.isoformat(),
        "period_end": f"{today.year}-12-31",
        "owner": actor.username,
        "status": StrategyStatus.ACTIVE,
        "goal_ids": [goal_id] if goal_id is not None else [],
        "key_results": [],
    }
    return _render_form(request, session, "objective", _with_blank_rows(values))


@router.get("/strategy/objectives/{objective_id}/edit")
def edit_objective(
    request: Request, session: DbSession, actor: Reader, objective_id: int
) -> Response:
    if not actor.can(STRATEGY_WRITE):
        return forbidden_page(request, STRATEGY_WRITE)
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
        {"id": str(k.id), "name": k.name, "unit": k.unit, "start_value": _number(k.start_value),
         "target_value": _number(k.target_value), "current_value": _number(k.current_value)}
        for k in objective.key_results
    ]  # fmt: skip
    return _render_form(request, session, "objective", _with_blank_rows(values))


@router.post("/strategy/objectives")
def create_objective(
    request: Request, session: DbSession, actor: Reader, form: SubmittedForm
) -> Response:
    return _save_objective(request, session, actor, form, None)


@router.post("/strategy/objectives/{objective_id}")
def update_objective(
    request: Request, session: DbSession, actor: Reader, objective_id: int, form: SubmittedForm
) -> Response:
    return _save_objective(request, session, actor, form, objective_id)


def _save_objective(
    request: Request, session: Session, actor: Actor, form: SubmittedForm, objective_id: int | None
) -> Response:
    if not actor.can(STRATEGY_WRITE):
        return forbidden_page(request, STRATEGY_WRITE)
    _ = translator(request)
    values = _objective_values(form) | ({"id": objective_id} if objective_id else {})
    body, kr_rows = _objective_body(values)
    try:
        with session.begin_nested():
            if objective_id is None:
                data = ObjectiveCreate.model_validate(body)
                objective = service.create_objective(session, actor, data)
            else:
                update = ObjectiveUpdate.model_validate(body | {"version": values["version"] or 0})
                objective = service.update_objective(session, actor, objective_id, update)
    except ValidationError as exc:
        errors = validation_messages(exc, _, kr_rows)
        return _render_form(request, session, "objective", values, errors,
                            _("Please correct the marked fields."), 422)  # fmt: skip
    except Problem as exc:
        errors, message = problem_messages(exc, _, kr_rows)
        return _render_form(request, session, "objective", values, errors, message, exc.status)
    goal_ids = body["goal_ids"]
    target = f"/strategy/goals/{goal_ids[0]}" if goal_ids else "/strategy"
    return RedirectResponse(f"{target}?saved=1#objective-{objective.id}", status_code=303)


@router.post("/strategy/objectives/{objective_id}/delete")
def delete_objective(
    request: Request, session: DbSession, actor: Reader, objective_id: int, form: SubmittedForm
) -> Response:
    return _delete(request, session, actor, form, service.delete_objective, objective_id)


@router.post("/strategy/key-results/{key_result_id}/progress")
def record_progress(
    request: Request, session: DbSession, actor: Reader, key_result_id: int, form: SubmittedForm
) -> Response:
    """The current value of a key result, from the goal page."""
    if not actor.can(STRATEGY_WRITE):
        return forbidden_page(request, STRATEGY_WRITE)
    _ = translator(request)
    back = _text(form, "back")
    back = back if back.startswith("/strategy") else "/strategy"
    try:
        with session.begin_nested():
            data = KeyResultUpdate.model_validate(
                {"version": _text(form, "version") or 0,
                 "current_value": _optional(_text(form, "current_value"))}
            )  # fmt: skip
            service.update_key_result(session, actor, key_result_id, data)
    except ValidationError as exc:
        return _render_message(request, next(iter(validation_messages(exc, _, []).values())), 422)
    except NotFound:
        return not_found_page(request, N_("This key result does not exist."))
    except Problem as exc:
        return _render_message(request, problem_messages(exc, _, [])[1], exc.status)
    return RedirectResponse(f"{back}?saved=1", status_code=303)


# --- initiatives ------------------------------------------------------------------------------


def _initiative_values(form: SubmittedForm) -> dict[str, Any]:
    names = ("name", "description", "owner", "planned_person_days", "planned_cost", "currency",
             "start_on", "end_on", "version")  # fmt: skip
    values: dict[str, Any] = {n: _text(form, n) for n in names}
    values["status"] = _text(form, "status") or StrategyStatus.ACTIVE
    values["objective_ids"] = _ids(form, "objective_ids")
    return values


def _initiative_body(values: dict[str, Any]) -> dict[str, Any]:
    body = {k: v for k, v in values.items() if k not in ("version", "id")}
    for name in ("owner", "start_on", "end_on"):
        body[name] = _optional(body[name])
    body["planned_person_days"] = body["planned_person_days"] or "0"
    body["planned_cost"] = body["planned_cost"] or "0"
    body["currency"] = (body["currency"] or "CNY").upper()
    return body


@router.get("/strategy/initiatives/new")
def new_initiative(
    request: Request, session: DbSession, actor: Reader, objective: str = ""
) -> Response:
    if not actor.can(STRATEGY_WRITE):
        return forbidden_page(request, STRATEGY_WRITE)
    objective_id = parse_int32(objective)
    values = {
        "owner": actor.username,
        "status": StrategyStatus.ACTIVE,
        "currency": "CNY",
        "planned_person_days": "0",
        "planned_cost": "0",
        "objective_ids": [objective_id] if objective_id is not None else [],
    }
    return _render_form(request, session, "initiative", values)


@router.get("/strategy/initiatives/{initiative_id}/edit")
def edit_initiative(
    request: Request, session: DbSession, actor: Reader, initiative_id: int
) -> Response:
    if not actor.can(STRATEGY_WRITE):
        return forbidden_page(request, STRATEGY_WRITE)
    try:
        out = queries.initiatives_out(
            session, [initiatives.get_initiative(session, initiative_id)]
        )[0]
    except NotFound:
        return not_found_page(request, N_("This initiative does not exist."))
    values = out.model_dump(include={"id", "name", "description", "currency", "start_on",
                                     "end_on", "status", "objective_ids", "version"})  # fmt: skip
    values["owner"] = out.owner.username if out.owner else ""
    values["planned_person_days"] = _number(out.planned_person_days)
    values["planned_cost"] = _number(out.planned_cost)
    return _render_form(request, session, "initiative", values)


@router.post("/strategy/initiatives")
def create_initiative(
    request: Request, session: DbSession, actor: Reader, form: SubmittedForm
) -> Response:
    return _save_initiative(request, session, actor, form, None)


@router.post("/strategy/initiatives/{initiative_id}")
def update_initiative(
    request: Request, session: DbSession, actor: Reader, initiative_id: int, form: SubmittedForm
) -> Response:
    return _save_initiative(request, session, actor, form, initiative_id)


def _save_initiative(
    request: Request, session: Session, actor: Actor, form: SubmittedForm, row: int | None
) -> Response:
    if not actor.can(STRATEGY_WRITE):
        return forbidden_page(request, STRATEGY_WRITE)
    _ = translator(request)
    values = _initiative_values(form) | ({"id": row} if row else {})
    body = _initiative_body(values)
    try:
        with session.begin_nested():
            if row is None:
                data = InitiativeCreate.model_validate(body)
                initiative = initiatives.create_initiative(session, actor, data)
            else:
                update = InitiativeUpdate.model_validate(body | {"version": values["version"] or 0})
                initiative = initiatives.update_initiative(session, actor, row, update)
    except ValidationError as exc:
        errors = validation_messages(exc, _, [])
        return _render_form(request, session, "initiative", values, errors,
                            _("Please correct the marked fields."), 422)  # fmt: skip
    except Problem as exc:
        errors, message = problem_messages(exc, _, [])
        return _render_form(request, session, "initiative", values, errors, message, exc.status)
    return RedirectResponse(f"/strategy/initiatives/{initiative.id}?saved=1", status_code=303)


@router.post("/strategy/initiatives/{initiative_id}/delete")
def delete_initiative(
    request: Request, session: DbSession, actor: Reader, initiative_id: int, form: SubmittedForm
) -> Response:
    return _delete(request, session, actor, form, initiatives.delete_initiative, initiative_id)


@router.post("/strategy/initiatives/{initiative_id}/requirements")
def include_requirements(
    request: Request, session: DbSession, actor: Reader, initiative_id: int, form: SubmittedForm
) -> Response:
    """Requirement ids typed as '12, 15 REQ-18' become `includes` links."""
    if not actor.can(STRATEGY_WRITE):
        return forbidden_page(request, STRATEGY_WRITE)
    _ = translator(request)
    parts = [p.upper().removeprefix("REQ-") for p in _SPLIT.split(_text(form, "requirements")) if p]
    numbers = [parse_int32(p) for p in parts]
    if not parts or None in numbers:
        return _render_message(
            request, _("Enter requirement numbers separated by commas, e.g. 12, 15."), 422
        )
    try:
        with session.begin_nested():
            initiatives.include_requirements(
                session, actor, initiative_id, [n for n in numbers if n is not None]
            )
    except NotFound:
        return not_found_page(request, N_("This initiative does not exist."))
    except Problem as exc:
        errors, _message = problem_messages(exc, _, [])
        return _render_message(request, next(iter(errors.values()), exc.detail), exc.status)
    return RedirectResponse(f"/strategy/initiatives/{initiative_id}?saved=1", status_code=303)


@router.post("/strategy/initiatives/{initiative_id}/requirements/{requirement_id}/remove")
def exclude_requirement(
    request: Request, session: DbSession, actor: Reader, initiative_id: int, requirement_id: int
) -> Response:
    if not actor.can(STRATEGY_WRITE):
        return forbidden_page(request, STRATEGY_WRITE)
    try:
        initiatives.exclude_requirements(session, actor, initiative_id, [requirement_id])
    except NotFound:
        return not_found_page(request, N_("This initiative does not exist."))
    return RedirectResponse(f"/strategy/initiatives/{initiative_id}?saved=1", status_code=303)
