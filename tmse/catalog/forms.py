"""The service form: posted fields into service arguments, and refusals into field errors."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from tmse.catalog.models import Lifecycle
from tmse.core.errors import InvalidInput, Problem
from tmse.web.forms import SubmittedForm, optional_int, problem_errors, validation_errors

TEXT_FIELDS = (
    "name",
    "layer",
    "owner",
    "type",
    "lifecycle",
    "description",
    "repository",
    "language",
    "kubernetes_namespace",
    "kubernetes_workload",
    "system",
)


def submitted_service(form: SubmittedForm) -> dict[str, Any]:
    """The posted fields, trimmed; `version` as a number or None."""
    values: dict[str, Any] = {f: str(form.get(f, "")).strip() for f in TEXT_FIELDS}
    tier = str(form.get("tier", "")).strip()
    values["tier"] = tier
    values["version"] = optional_int(form.get("version"))
    return values


def service_data(values: dict[str, Any]) -> dict[str, Any]:
    """Form values as the schemas want them: empty optional fields are None."""
    data = {k: (v or None) for k, v in values.items() if k != "version"}
    data["type"] = values["type"] or "service"
    data["description"] = values["description"]
    data["lifecycle"] = values["lifecycle"] or Lifecycle.PRODUCTION
    for required in ("name", "layer", "owner"):
        data[required] = values[required]
    return data


def form_errors(exc: ValidationError, values: dict[str, Any], _: Any) -> dict[str, str]:
    """Field errors; an empty name says it is required rather than badly formed."""
    errors = validation_errors(exc, _)
    if "name" in errors and not values["name"]:
        errors["name"] = _("This field is required.")
    return errors


def fix_message(_: Any) -> str:
    """The message above a form with marked fields."""
    return str(_("Please correct the marked fields."))


def service_problem(exc: Problem, _: Any) -> tuple[dict[str, str], str]:
    """A refusal by the service as field errors and the message above the form."""
    if exc.status == 409 and exc.extra.get("field") == "name":
        return {"name": _("A service with this name already exists.")}, fix_message(_)
    if isinstance(exc, InvalidInput):
        messages = {
            "owner": _("No team has this name."),
            "system": _("No system has this name."),
        }
        fields = [str(e.get("field", "")) for e in exc.extra.get("errors", [])]
        errors = {f: messages[f] for f in fields if f in messages}
        if errors:
            return errors, fix_message(_)
    return problem_errors(exc, _)
