"""Posted form fields of the requirement pages turned into service arguments, and the service's
field errors turned back into messages at the fields."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tmse.core.errors import InvalidInput
from tmse.core.input_types import parse_int32
from tmse.core.messages import render
from tmse.requirements import backlog
from tmse.requirements.csv_import import RowsRefused
from tmse.requirements.import_messages import translated_csv_errors
from tmse.requirements.models import CustomFieldDefinition, CustomFieldKind, Requirement
from tmse.web.forms import SubmittedForm
from tmse.web.labels import N_

Translate = Callable[[str], str]
PAGE_SIZES = (25, 50, 100)
FORM_FIELDS = (
    "title",
    "description",
    "acceptance_criteria",
    "type",
    "requester",
    "moscow",
    "effort_days",
    "rice_reach",
    "rice_impact",
    "rice_confidence",
    "rice_effort",
    "wsjf_value",
    "wsjf_time_criticality",
    "wsjf_risk_reduction",
    "wsjf_job_size",
    "project_id",
    "release_id",
    "milestone_id",
)
# Fields kept as typed (whitespace included), as the service trims and checks them itself.
VERBATIM_FIELDS = ("title", "description", "acceptance_criteria", "requester")

# The service's fixed field messages, translated on the pages; others show as they are.
FIELD_MESSAGES = {
    "required": N_("This field is required."),
    "expected text": N_("Enter text."),
    "expected a number": N_("Enter a number."),
    "effort cannot be negative": N_("Effort cannot be negative."),
    "effort must be more than 0 person-months": N_("Effort must be more than 0 person-months."),
    "one of: 3, 2, 1, 0.5, 0.25": N_("Choose 3, 2, 1, 0.5 or 0.25."),
    "one of: 100, 80, 50 (%)": N_("Choose 100, 80 or 50 %."),
    "one of: 1, 2, 3, 5, 8, 13, 20": N_("Choose 1, 2, 3, 5, 8, 13 or 20."),
    "expected a whole number ≥ 0": N_("Enter a whole number, 0 or more."),
    "expected a date YYYY-MM-DD": N_("Enter a date as YYYY-MM-DD."),
    "unknown field": N_("This field does not exist."),
    "lower-case letters, digits and _; starts with a letter": N_(
        "Use lower-case letters, digits and _, starting with a letter."
    ),
    "a select needs at least one option": N_("A select needs at least one option."),
    "options must be distinct": N_("Each option may appear only once."),
    "only a select has options": N_("Only a select has options."),
}


def requirement_values(
    form: SubmittedForm, definitions: list[CustomFieldDefinition]
) -> dict[str, Any]:
    """The intake or edit form's fields, custom fields under `custom`."""
    values: dict[str, Any] = {}
    for name in FORM_FIELDS:
        raw = str(form.get(name, "")).strip()
        if name in VERBATIM_FIELDS:
            values[name] = str(form.get(name, ""))
        elif name == "type":
            values[name] = raw
        else:
            values[name] = raw or None
    custom: dict[str, Any] = {}
    for definition in definitions:
        if definition.kind == CustomFieldKind.MULTI_SELECT:
            custom[definition.key] = [str(v) for v in form.getlist(f"cf.{definition.key}")]
        else:
            custom[definition.key] = str(form.get(f"cf.{definition.key}", "")).strip() or None
    values["custom"] = custom
    return values


def values_of(requirement: Requirement) -> dict[str, Any]:
    """The edit form filled in from a stored requirement."""
    values = {name: getattr(requirement, name) for name in FORM_FIELDS}
    values["custom"] = dict(requirement.custom or {})
    return values


def version_of(form: SubmittedForm) -> int:
    return parse_int32(str(form.get("version", ""))) or 0


def translated(message: str, _: Translate) -> str:
    known = FIELD_MESSAGES.get(message)
    return str(_(known)) if known else message


def field_errors(exc: InvalidInput, _: Translate) -> dict[str, str]:
    """The service's field errors by form field name (`cf.<key>` for custom fields)."""
    errors: dict[str, str] = {}
    for error in exc.extra.get("errors", []):
        field = str(error.get("field", "form")).removeprefix("changes.")
        if field.startswith("custom."):
            field = "cf." + field.removeprefix("custom.")
        errors.setdefault(field, translated(str(error.get("message", "")), _))
    return errors


def import_errors(exc: InvalidInput, _: Translate, locale: str) -> list[dict[str, Any]]:
    """The refused rows of a CSV import, each message in the reader's language."""
    worded = exc.messages if isinstance(exc, RowsRefused) else {}
    errors = translated_csv_errors(exc.extra.get("errors", []), _)
    return [
        e | {"message": render(worded[i], locale)}
        if i in worded
        else e | {"message": translated(str(e.get("message", "")), _)}
        for i, e in enumerate(errors)
    ]


def custom_field_values(form: SubmittedForm) -> dict[str, Any]:
    """A new custom field definition; options one per line."""
    options = [o.strip() for o in str(form.get("options", "")).splitlines() if o.strip()]
    return {
        "key": str(form.get("key", "")).strip(),
        "label_en": str(form.get("label_en", "")).strip(),
        "label_zh": str(form.get("label_zh", "")).strip(),
        "kind": str(form.get("kind", "")),
        "options": options,
        "types": [str(t) for t in form.getlist("types")],
        "required": form.get("required") == "on",
        "position": parse_int32(str(form.get("position", ""))) or 0,
    }


def _choice(value: str | None, allowed: list[str]) -> str:
    return value if value in allowed else ""


def backlog_filters(
    params: Mapping[str, str], choices: dict[str, Any], known: set[str]
) -> backlog.BacklogFilters:
    """The backlog's query string as filters; unknown values are ignored, not refused."""
    custom = tuple((k, v) for k, v in backlog.custom_filters(dict(params)) if k in known)
    return backlog.BacklogFilters(
        status=(params["status"],) if _choice(params.get("status"), choices["statuses"]) else (),
        type=_choice(params.get("type"), choices["types"]) or None,
        moscow=_choice(params.get("moscow"), choices["moscows"]) or None,
        project_id=parse_int32(params.get("project")),
        release_id=parse_int32(params.get("release")),
        channel=_choice(params.get("channel"), choices["channels"]) or None,
        q=(params.get("q") or "").strip() or None,
        custom=custom,
    )


def backlog_paging(params: Mapping[str, str]) -> tuple[int, int]:
    """(limit, offset): a page size the page offers, 50 otherwise."""
    limit = parse_int32(params.get("limit")) or 50
    return (limit if limit in PAGE_SIZES else 50), parse_int32(params.get("offset")) or 0


def backlog_model(params: Mapping[str, str]) -> str:
    return _choice(params.get("model"), list(backlog.MODELS))


def backlog_sort(params: Mapping[str, str], known: set[str]) -> str:
    """A sort the backlog knows (a field or `cf.<key>`, `-` for descending), else none."""
    sort = params.get("sort") or ""
    key = sort.lstrip("-")
    if key in backlog.SORTABLE or (key.startswith("cf.") and key[3:] in known):
        return sort
    return ""


def kept_filters(filters: backlog.BacklogFilters) -> dict[str, Any]:
    """The filters as the page's links carry them."""
    return {
        "status": filters.status[0] if filters.status else "",
        "type": filters.type or "",
        "moscow": filters.moscow or "",
        "project": filters.project_id or "",
        "release": filters.release_id or "",
        "channel": filters.channel or "",
        "q": filters.q or "",
    } | {f"cf.{k}": v for k, v in filters.custom}
