"""The form that takes a baseline: posted fields into the service's request, and the service's
refusals into messages under the fields."""

from __future__ import annotations

import re
from typing import Any

from tmse.core.errors import InvalidInput, Problem
from tmse.core.input_types import parse_int32
from tmse.core.messages import N_, render
from tmse.requirements.baselines.labels import STATUS_LABELS
from tmse.requirements.models import RequirementStatus
from tmse.web.forms import SubmittedForm, Translate, optional_int, problem_errors

# What the form says under a field the service refused.
FIELD_MESSAGES = {
    "name": N_("Choose another name: a baseline with this name exists."),
    "approver": N_("Choose an active user who may approve baselines."),
    "project_id": N_("Choose a project or a release, or list requirement ids."),
    "release_id": N_("This release does not exist or belongs to another project."),
    "requirement_ids": N_("Some of these requirements do not exist."),
    "statuses": N_("No requirement matches this selection."),
}
# Refusals of sign and discard, by slug; the API's English detail names the baseline.
REFUSALS = {
    "approver-only": N_("Only the approver named on this baseline can sign it."),
    "creator-or-approver-only": N_(
        "Only the creator or the approver of this baseline can discard it."
    ),
}
STATUS_NOW = N_("This baseline is %(status)s now; only a draft can be signed or discarded.")
_IDS = re.compile(r"[\s,;]+")


def blank_values(approver: str, project_id: int | None) -> dict[str, Any]:
    """A new form: the signed-in person approves, approved requirements are selected."""
    return {
        "name": "",
        "description": "",
        "approver": approver,
        "mode": "selection",
        "project_id": project_id,
        "release_id": None,
        "statuses": [str(RequirementStatus.APPROVED)],
        "requirement_ids": "",
    }


def form_values(form: SubmittedForm) -> dict[str, Any]:
    return {
        "name": str(form.get("name", "")).strip(),
        "description": str(form.get("description", "")).strip(),
        "approver": str(form.get("approver", "")).strip(),
        "mode": "ids" if form.get("mode") == "ids" else "selection",
        "project_id": optional_int(form.get("project_id")),
        "release_id": optional_int(form.get("release_id")),
        "statuses": [str(v) for v in form.getlist("statuses")],
        "requirement_ids": str(form.get("requirement_ids", "")).strip(),
    }


def parse_ids(text: str) -> list[int] | None:
    """Ids such as "12, 15 REQ-16"; None when one is not a number."""
    ids = []
    for part in (p for p in _IDS.split(text.strip()) if p):
        number = parse_int32(part.upper().removeprefix("REQ-"))
        if number is None:
            return None
        ids.append(number)
    return ids


def create_body(values: dict[str, Any], ids: list[int] | None) -> dict[str, Any]:
    """The API's request body for these form values (`ids` when the form lists requirements)."""
    body: dict[str, Any] = {
        "name": values["name"],
        "description": values["description"],
        "approver": values["approver"],
        "project_id": values["project_id"],
        "release_id": values["release_id"],
    }
    if values["mode"] == "ids":
        body["requirement_ids"] = ids
    else:
        body["statuses"] = values["statuses"]
    return body


def field_errors(exc: InvalidInput, mode: str, _: Translate) -> dict[str, str]:
    """The service's errors under the form's fields, in the reader's language."""
    errors: dict[str, str] = {}
    for error in exc.extra.get("errors", []):
        field = str(error.get("field", "form")).split("[")[0]
        if mode == "selection" and field == "requirement_ids":
            field = "project_id"
        message = FIELD_MESSAGES.get(field)
        errors.setdefault(field, _(message) if message else str(error.get("message", "")))
    return errors


def problem_message(exc: Problem, _: Translate, locale: str) -> str:
    """A refused sign or discard in the reader's language."""
    if exc.slug in REFUSALS:
        return _(REFUSALS[exc.slug])
    status = exc.extra.get("status_now")
    if status in STATUS_LABELS:
        return _(STATUS_NOW) % {"status": render(STATUS_LABELS[status], locale)}
    return problem_errors(exc, _)[1]
