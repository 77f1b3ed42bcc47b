"""The project page's planning forms (phase, iteration, requirement in an iteration, gate): the
API's services; errors show the page again with `<form>-<field>` marked, nothing stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.errors import InvalidInput, NotFound, Problem
from tmse.core.input_types import parse_int32
from tmse.core.permissions import DELIVERY_WRITE
from tmse.core.routing import Router
from tmse.delivery import gates, iterations, phases
from tmse.delivery.pages import render_project
from tmse.delivery.schemas import GateCreate, IterationCreate, PhaseCreate
from tmse.planning import service as planning
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

router = Router(include_in_schema=False)
Writer = Annotated[Actor, Depends(require(DELIVERY_WRITE))]
NOT_FOUND = N_("This project does not exist.")


def _text(form: SubmittedForm, name: str) -> str:
    return str(form.get(name, "")).strip()


def _plan(
    request: Request,
    session: Session,
    actor: Actor,
    project_id: int,
    prefix: str,
    values: dict[str, Any],
    change: Callable[[], Any],
) -> Response:
    """Run one planning change; on error show the project page with the form's fields marked."""
    _ = translator(request)
    try:
        project = planning.get_project(session, project_id)
    except NotFound:
        return not_found_page(request, NOT_FOUND)
    try:
        with session.begin_nested():
            change()
    except ValidationError as exc:
        errors = {f"{prefix}-{k}": v for k, v in validation_errors(exc, _).items()}
        message = _("Please correct the marked fields.")
        shown = {f"{prefix}-{k}": v for k, v in values.items()} | {"open": prefix}
        return render_project(
            request, session, actor, project, message, errors, shown, status_code=422
        )
    except Problem as exc:
        errors = {}
        if isinstance(exc, InvalidInput):
            for error in exc.extra.get("errors", []):
                field = str(error.get("field", "form")).split(".")[0].split("[")[0]
                errors.setdefault(f"{prefix}-{field}", str(error.get("message", "")))
            message = _("Please correct the marked fields.")
        else:
            message = problem_errors(exc, _)[1]
        shown = {f"{prefix}-{k}": v for k, v in values.items()} | {"open": prefix}
        return render_project(
            request, session, actor, project, message, errors, shown, status_code=exc.status
        )
    return RedirectResponse(f"/projects/{project_id}?saved=1", status_code=303)


@router.post("/projects/{project_id}/phases")
def add_phase(
    request: Request, session: DbSession, actor: Writer, project_id: int, form: SubmittedForm
) -> Response:
    values = {f: _text(form, f) for f in ("name", "kind", "start_on", "end_on")}
    return _plan(
        request,
        session,
        actor,
        project_id,
        "phase",
        values,
        lambda: phases.create_phase(
            session,
            actor,
            project_id,
            PhaseCreate.model_validate({k: v for k, v in values.items() if v}),
        ),
    )


def _phase_of_project(session: Session, project_id: int, phase_id: int | None) -> int:
    phase = phases.get_phase(session, phase_id or 0) if phase_id else None
    if phase is None or phase.project_id != project_id:
        raise InvalidInput(
            "Unknown phase", [{"field": "phase_id", "message": "choose a phase of this project"}]
        )
    return phase.id


@router.post("/projects/{project_id}/iterations")
def add_iteration(
    request: Request, session: DbSession, actor: Writer, project_id: int, form: SubmittedForm
) -> Response:
    values = {f: _text(form, f) for f in ("phase_id", "name", "start_on", "end_on", "goal")}

    def change() -> None:
        phase_id = _phase_of_project(session, project_id, optional_int(values["phase_id"]))
        body = {k: v for k, v in values.items() if v and k != "phase_id"}
        iterations.create_iteration(session, actor, phase_id, IterationCreate.model_validate(body))

    return _plan(request, session, actor, project_id, "iteration", values, change)


@router.post("/projects/{project_id}/items")
def add_item(
    request: Request, session: DbSession, actor: Writer, project_id: int, form: SubmittedForm
) -> Response:
    values = {f: _text(form, f) for f in ("iteration_id", "requirement_id")}

    def change() -> None:
        iteration = iterations.get_iteration(session, optional_int(values["iteration_id"]) or 0)
        _phase_of_project(session, project_id, iteration.phase_id)
        key = values["requirement_id"].upper().removeprefix("REQ-")
        requirement_id = parse_int32(key)
        if requirement_id is None:
            raise InvalidInput(
                "Unknown requirement",
                [{"field": "requirement_id", "message": "enter a number or REQ-number"}],
            )
        iterations.add_item(session, actor, iteration.id, requirement_id)

    return _plan(request, session, actor, project_id, "item", values, change)


@router.post("/projects/{project_id}/gates")
def add_gate(
    request: Request, session: DbSession, actor: Writer, project_id: int, form: SubmittedForm
) -> Response:
    values: dict[str, Any] = {
        "phase_id": _text(form, "phase_id"),
        "name": _text(form, "name"),
        "criteria": [str(v) for v in form.getlist("criteria")],
        "approver_ids": int_list(form.getlist("approver_ids")),
        "required_baseline_id": _text(form, "required_baseline_id"),
    }

    def change() -> None:
        phase_id = _phase_of_project(session, project_id, optional_int(values["phase_id"]))
        data = GateCreate.model_validate(
            {
                "name": values["name"],
                "criteria": [{"key": key} for key in values["criteria"]],
                "approver_ids": values["approver_ids"],
                "required_baseline_id": optional_int(values["required_baseline_id"]),
            }
        )
        gates.create_gate(session, actor, phase_id, data)

    return _plan(request, session, actor, project_id, "gate", values, change)
