"""The change request forms: posted fields into service arguments, a requirement into form
values, and the service's refusals into messages shown beside the fields."""

from __future__ import annotations

from typing import Any

from tmse.core.errors import InvalidInput, Problem, StaleVersion
from tmse.core.messages import N_, render
from tmse.requirements.changes import service
from tmse.requirements.changes.labels import STATUS_LABELS
from tmse.requirements.changes.models import ChangeRequest, Decision
from tmse.requirements.changes.schemas import ChangeRequestCreate, ChangeRequestEdit, DecisionIn
from tmse.requirements.models import Requirement
from tmse.web.forms import STALE_MESSAGE, SubmittedForm, Translate, optional_int

# The fields the form proposes; others (RICE, WSJF, custom) are proposed through the API.
TEXT_FIELDS = ("title", "description", "acceptance_criteria")
FORM_FIELDS = (*TEXT_FIELDS, "type", "moscow", "effort_days", "release_id")
FROZEN_MESSAGE = N_(
    'Freeze window "%(name)s" freezes this requirement from %(start)s to %(end)s (%(reason)s); '
    "only emergency change requests may be approved."
)
# Refusals by their slug; the API's English detail names the request, the page needs no more.
REFUSALS = {
    "not-on-change-board": N_(
        "The change board is a committee member and the requirement's product manager; "
        "you are neither."
    ),
    "one-seat-each": N_(
        "You already decided this change request; one person cannot fill both seats of the "
        "change board."
    ),
    "board-seat-decided": N_("Your seat on the change board has been decided by someone else."),
    "requester-only": N_("Only the requester of this change request (or an admin) may do this."),
}
STATUS_NOW = N_("This change request is %(status)s now; reload the page to see what you may do.")
OUTDATED_MESSAGE = N_(
    "The requirement changed after this change request was written. Edit the change request so "
    "it is based on the current requirement; then the board decides again."
)


def text(form: SubmittedForm, name: str) -> str:
    return str(form.get(name, "")).strip()


def shown(value: Any) -> str:
    """A value as the form shows it: numbers without trailing zeros, None as empty."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(service.json_value(value))


def current_values(requirement: Requirement) -> dict[str, str]:
    """The form's fields as the requirement holds them now."""
    return {name: shown(service.json_value(getattr(requirement, name))) for name in FORM_FIELDS}


def proposed_changes(requirement: Requirement, form_values: dict[str, str]) -> dict[str, Any]:
    """The fields the form changes: those whose value differs from the requirement's now."""
    current = current_values(requirement)
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


def form_values(form: SubmittedForm, requirement: Requirement) -> dict[str, Any]:
    """The submitted values; a field the form did not send keeps the requirement's value."""
    values: dict[str, Any] = current_values(requirement)
    values |= {name: text(form, name) for name in FORM_FIELDS if name in form}
    values["reason"] = str(form.get("reason", "")).strip()
    values["emergency"] = bool(form.get("emergency"))
    values["submit"] = bool(form.get("submit"))
    values["version"] = text(form, "version")
    return values


def edit_values(requirement: Requirement, change_request: ChangeRequest) -> dict[str, Any]:
    """The edit form's values: the requirement now, overlaid with what the request proposes."""
    proposed = {
        name: shown(value) for name, value in change_request.changes.items() if name in FORM_FIELDS
    }
    values: dict[str, Any] = current_values(requirement) | proposed
    values |= {
        "reason": change_request.reason,
        "emergency": change_request.emergency,
        "version": change_request.version,
    }
    return values


def create_data(
    requirement: Requirement, values: dict[str, Any], changes: dict[str, Any]
) -> ChangeRequestCreate:
    """The new request the form describes; a blank reason fails validation."""
    return ChangeRequestCreate(
        requirement_id=requirement.id,
        changes=changes,
        reason=values["reason"],
        emergency=values["emergency"],
        submit=values["submit"],
    )


def edit_data(values: dict[str, Any], changes: dict[str, Any]) -> ChangeRequestEdit:
    return ChangeRequestEdit(
        version=optional_int(values["version"]) or 0,
        changes=changes,
        reason=values["reason"],
        emergency=values["emergency"],
    )


def decision_data(form: SubmittedForm) -> DecisionIn:
    decision = text(form, "decision")
    return DecisionIn(
        decision=Decision.REJECT if decision == Decision.REJECT else Decision.APPROVE,
        comment=str(form.get("comment", "")).strip(),
        version=optional_int(form.get("version")),
    )


def field_errors(exc: InvalidInput, _: Translate) -> dict[str, str]:
    """The service's field errors under the form's fields; any other field under "changes"."""
    shown_errors: dict[str, str] = {}
    for error in exc.extra.get("errors", []):
        field = str(error.get("field", "form")).removeprefix("changes.").split(".")[0]
        where = field if field in (*FORM_FIELDS, "reason") else "changes"
        shown_errors.setdefault(where, _(str(error.get("message", ""))))
    return shown_errors


def problem_message(exc: Problem, _: Translate, locale: str) -> str:
    """A refused action in the reader's language: a freeze, an outdated request, a stale form,
    a seat or a status that no longer allows it."""
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
    if exc.slug in REFUSALS:
        return _(REFUSALS[exc.slug])
    status = exc.extra.get("status_now")
    if status in STATUS_LABELS:
        return _(STATUS_NOW) % {"status": render(STATUS_LABELS[status], locale)}
    return exc.detail
