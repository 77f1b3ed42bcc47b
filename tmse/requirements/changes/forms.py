"""The change request pages' forms: propose, edit, submit, withdraw, and the board's decision.
Each calls the same service as the API; errors show the page again and store nothing."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.errors import InvalidInput, NotFound, Problem, StaleVersion
from tmse.core.permissions import CHANGES_DECIDE, CHANGES_REQUEST, READ
from tmse.delivery.models import Release
from tmse.requirements.changes import board, service
from tmse.requirements.changes.models import ChangeRequest, Decision
from tmse.requirements.changes.schemas import ChangeRequestCreate, ChangeRequestEdit, DecisionIn
from tmse.requirements.changes.view_labels import labels
from tmse.requirements.changes.view_render import render_change_request
from tmse.requirements.models import MoSCoW, Requirement, RequirementType
from tmse.web.forms import (
    STALE_MESSAGE,
    SubmittedForm,
    Translate,
    forbidden_page,
    not_found_page,
    optional_int,
    translator,
)
from tmse.web.labels import N_
from tmse.web.templating import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Actor, Depends(require(READ))]

# The fields the form proposes; others (RICE, WSJF, custom) are proposed through the API.
TEXT_FIELDS = ("title", "description", "acceptance_criteria")
FORM_FIELDS = (*TEXT_FIELDS, "type", "moscow", "effort_days", "release_id")
FROZEN_MESSAGE = N_(
    'Freeze window "%(name)s" freezes this requirement from %(start)s to %(end)s (%(reason)s); '
    "only emergency change requests may be approved."
)
OUTDATED_MESSAGE = N_(
    "The requirement changed after this change request was written. Edit the change request so "
    "it is based on the current requirement; then the board decides again."
)


def _text(form: SubmittedForm, name: str) -> str:
    return str(form.get(name, "")).strip()


def _shown(value: Any) -> str:
    """A value as the form shows it: numbers without trailing zeros, None as empty."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(service.json_value(value))


def _current(requirement: Requirement) -> dict[str, str]:
    return {name: _shown(service.json_value(getattr(requirement, name))) for name in FORM_FIELDS}


def _proposed(requirement: Requirement, form_values: dict[str, str]) -> dict[str, Any]:
    """The fields the form changes: those whose value differs from the requirement's now."""
    current = _current(requirement)
    changes: dict[str, Any] = {}
    for name in FORM_FIELDS:
        value = form_values.get(name, "")
        if value == current[name] or (name in TEXT_FIELDS and value == current[name].strip()):
            continue
        if name == "release_id":
            changes[name] = optional_int(value)
        elif name in ("moscow", "effort_days"):
            changes[name] = value or None
        else:
            changes[name] = value
    return changes


def render_form(
    request: Request,
    session: Session,
    requirement: Requirement,
    values: dict[str, Any],
    *,
    change_request: ChangeRequest | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    releases = []
    if requirement.project_id is not None:
        releases = list(
            session.scalars(
                select(Release)
                .where(Release.project_id == requirement.project_id)
                .order_by(Release.name)
            )
        )
    return render(
        request,
        "requirements/changes/form.html",
        {
            "active": "changes",
            "requirement": requirement,
            "current": _current(requirement),
            "values": values,
            "cr": change_request,
            "releases": releases,
            "types": [str(t) for t in RequirementType],
            "moscows": [str(m) for m in MoSCoW],
            "errors": errors or {},
            "message": message,
            "labels": labels(),
        },
        status_code=status_code,
    )


def _form_values(form: SubmittedForm, requirement: Requirement) -> dict[str, Any]:
    """The submitted values; a field the form did not send keeps the requirement's value."""
    values: dict[str, Any] = _current(requirement)
    values |= {name: _text(form, name) for name in FORM_FIELDS if name in form}
    values["reason"] = str(form.get("reason", "")).strip()
    values["emergency"] = bool(form.get("emergency"))
    values["submit"] = bool(form.get("submit"))
    values["version"] = _text(form, "version")
    return values


def _errors(exc: InvalidInput, _: Translate) -> dict[str, str]:
    shown: dict[str, str] = {}
    for error in exc.extra.get("errors", []):
        field = str(error.get("field", "form")).removeprefix("changes.").split(".")[0]
        shown.setdefault(field if field in (*FORM_FIELDS, "reason") else "changes", _(
            str(error.get("message", ""))
        ))  # fmt: skip
    return shown


def _requirement_or_none(session: Session, requirement_id: int | None) -> Requirement | None:
    return session.get(Requirement, requirement_id) if requirement_id else None


@router.get("/changes/new")
def new_change_request(
    request: Request, session: DbSession, actor: Reader, requirement: str = ""
) -> Response:
    if not actor.can(CHANGES_REQUEST):
        return forbidden_page(request, CHANGES_REQUEST)
    found = _requirement_or_none(session, optional_int(requirement))
    if found is None:
        return not_found_page(request, N_("This requirement does not exist."))
    values = _current(found) | {"reason": "", "emergency": False, "submit": True}
    return render_form(request, session, found, values)


def _save(
    request: Request,
    session: Session,
    actor: Actor,
    requirement: Requirement,
    values: dict[str, Any],
    change_request: ChangeRequest | None,
) -> Response:
    _ = translator(request)
    changes = _proposed(requirement, values)
    if change_request is not None:
        # Fields proposed through the API that the form does not show are kept.
        kept = {k: v for k, v in change_request.changes.items() if k not in FORM_FIELDS}
        changes = kept | changes
    try:
        if change_request is None:
            data: Any = ChangeRequestCreate(
                requirement_id=requirement.id,
                changes=changes,
                reason=values["reason"],
                emergency=values["emergency"],
                submit=values["submit"],
            )
        else:
            data = ChangeRequestEdit(
                version=optional_int(values["version"]) or 0,
                changes=changes,
                reason=values["reason"],
                emergency=values["emergency"],
            )
    except ValidationError:
        errors = {"reason": _("This field is required.")}
        return render_form(
            request, session, requirement, values, change_request=change_request, errors=errors,
            message=_("Please correct the marked fields."), status_code=422,
        )  # fmt: skip
    try:
        with session.begin_nested():
            if change_request is None:
                saved = service.create_change_request(session, actor, data)
            else:
                saved = service.edit_change_request(session, actor, change_request.id, data)
    except InvalidInput as exc:
        errors = _errors(exc, _)
        message = _("Please correct the marked fields.")
        if "changes" in errors and len(errors) == 1:
            message = _("Change at least one field: the proposal equals the requirement now.")
        return render_form(
            request, session, requirement, values, change_request=change_request, errors=errors,
            message=message, status_code=422,
        )  # fmt: skip
    except StaleVersion as exc:
        message = _(STALE_MESSAGE) % {"version": exc.extra.get("current_version", "?")}
        return render_form(
            request, session, requirement, values, change_request=change_request,
            message=message, status_code=409,
        )  # fmt: skip
    except Problem as exc:
        return render_form(
            request, session, requirement, values, change_request=change_request,
            message=exc.detail, status_code=exc.status,
        )  # fmt: skip
    return RedirectResponse(f"/changes/{saved.id}?saved=1", status_code=303)


@router.post("/changes/new")
def create_change_request(
    request: Request, session: DbSession, actor: Reader, form: SubmittedForm
) -> Response:
    if not actor.can(CHANGES_REQUEST):
        return forbidden_page(request, CHANGES_REQUEST)
    requirement = _requirement_or_none(session, optional_int(form.get("requirement_id")))
    if requirement is None:
        return not_found_page(request, N_("This requirement does not exist."))
    return _save(request, session, actor, requirement, _form_values(form, requirement), None)


def _change_request(session: Session, change_request_id: int) -> ChangeRequest | None:
    try:
        return service.get_change_request(session, change_request_id)
    except NotFound:
        return None


@router.get("/changes/{change_request_id:id}/edit")
def edit_change_request_page(
    request: Request, session: DbSession, actor: Reader, change_request_id: int
) -> Response:
    if not actor.can(CHANGES_REQUEST):
        return forbidden_page(request, CHANGES_REQUEST)
    change_request = _change_request(session, change_request_id)
    if change_request is None:
        return not_found_page(request, N_("This change request does not exist."))
    requirement = session.get(Requirement, change_request.requirement_id)
    assert requirement is not None
    proposed = {
        name: _shown(value) for name, value in change_request.changes.items() if name in FORM_FIELDS
    }
    values: dict[str, Any] = _current(requirement) | proposed
    values |= {
        "reason": change_request.reason,
        "emergency": change_request.emergency,
        "version": change_request.version,
    }
    return render_form(request, session, requirement, values, change_request=change_request)


@router.post("/changes/{change_request_id:id}/edit")
def edit_change_request(
    request: Request, session: DbSession, actor: Reader, change_request_id: int, form: SubmittedForm
) -> Response:
    if not actor.can(CHANGES_REQUEST):
        return forbidden_page(request, CHANGES_REQUEST)
    change_request = _change_request(session, change_request_id)
    if change_request is None:
        return not_found_page(request, N_("This change request does not exist."))
    requirement = session.get(Requirement, change_request.requirement_id)
    assert requirement is not None
    return _save(
        request, session, actor, requirement, _form_values(form, requirement), change_request
    )


def _problem_message(exc: Problem, _: Translate) -> str:
    if exc.slug == "change-frozen":
        window = exc.extra.get("freeze_window", {})
        return _(FROZEN_MESSAGE) % {
            "name": window.get("name", ""),
            "start": window.get("starts_on", ""),
            "end": window.get("ends_on", ""),
            "reason": window.get("reason") or "—",
        }
    if exc.slug == "change-request-outdated":
        return _(OUTDATED_MESSAGE)
    if isinstance(exc, StaleVersion):
        return _(STALE_MESSAGE) % {"version": exc.extra.get("current_version", "?")}
    return exc.detail


def _act(
    request: Request,
    session: Session,
    actor: Actor,
    change_request_id: int,
    permission: str,
    action: Any,
    values: dict[str, Any] | None = None,
) -> Response:
    if not actor.can(permission):
        return forbidden_page(request, permission)
    change_request = _change_request(session, change_request_id)
    if change_request is None:
        return not_found_page(request, N_("This change request does not exist."))
    _ = translator(request)
    try:
        with session.begin_nested():
            action(change_request)
    except InvalidInput as exc:
        errors = {str(e.get("field")): _(str(e.get("message", ""))) for e in exc.extra["errors"]}
        session.refresh(change_request)
        return render_change_request(
            request, session, actor, change_request, errors=errors, values=values,
            message=_("Please correct the marked fields."), status_code=422,
        )  # fmt: skip
    except Problem as exc:
        session.refresh(change_request)
        return render_change_request(
            request, session, actor, change_request, values=values,
            message=_problem_message(exc, _), status_code=exc.status,
        )  # fmt: skip
    return RedirectResponse(f"/changes/{change_request_id}?saved=1", status_code=303)


@router.post("/changes/{change_request_id:id}/submit")
def submit(
    request: Request, session: DbSession, actor: Reader, change_request_id: int, form: SubmittedForm
) -> Response:
    version = optional_int(form.get("version")) or 0
    return _act(
        request, session, actor, change_request_id, CHANGES_REQUEST,
        lambda cr: service.submit_change_request(session, actor, cr.id, version),
    )  # fmt: skip


@router.post("/changes/{change_request_id:id}/withdraw")
def withdraw(
    request: Request, session: DbSession, actor: Reader, change_request_id: int, form: SubmittedForm
) -> Response:
    version = optional_int(form.get("version")) or 0
    return _act(
        request, session, actor, change_request_id, CHANGES_REQUEST,
        lambda cr: service.withdraw_change_request(session, actor, cr.id, version),
    )  # fmt: skip


@router.post("/changes/{change_request_id:id}/decisions")
def decide(
    request: Request, session: DbSession, actor: Reader, change_request_id: int, form: SubmittedForm
) -> Response:
    decision = _text(form, "decision")
    comment = str(form.get("comment", "")).strip()
    values = {"comment": comment}
    data = DecisionIn(
        decision=Decision.REJECT if decision == Decision.REJECT else Decision.APPROVE,
        comment=comment,
        version=optional_int(form.get("version")),
    )
    return _act(
        request, session, actor, change_request_id, CHANGES_DECIDE,
        lambda cr: board.decide(session, actor, cr.id, data), values,
    )  # fmt: skip
