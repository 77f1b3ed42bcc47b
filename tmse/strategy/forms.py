"""The strategy forms' fields: posted values into service bodies, service and validation errors
back onto the form's fields."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from tmse.core.errors import Conflict, InvalidInput, Problem, StaleVersion
from tmse.core.input_types import parse_int32
from tmse.strategy.models import StrategyStatus
from tmse.web.forms import STALE_MESSAGE, SubmittedForm, Translate
from tmse.web.labels import N_

BLANK_KEY_RESULTS = 2
KR_FIELDS = ("id", "name", "unit", "start_value", "target_value", "current_value")
SPLIT = re.compile(r"[\s,，]+")

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


def form_key(location: list[str], kr_rows: list[int]) -> str:
    """('key_results', 1, 'target_value') -> 'kr-<form row>-target_value'; else the top field."""
    if location and location[0] == "key_results" and len(location) > 1:
        index = parse_int32(location[1]) or 0
        row = kr_rows[index] if index < len(kr_rows) else index
        name = location[2] if len(location) > 2 else "name"
        return f"kr-{row}-{'name' if name == 'id' else name}"
    return location[0] if location else "form"


def parse_field(field: str) -> list[str]:
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
        shown.setdefault(form_key(location, kr_rows), message)
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
            location = parse_field(str(error.get("field", "form")))
            last = location[-1] if location else "form"
            message = FIELD_MESSAGES.get(last)
            shown.setdefault(
                form_key(location, kr_rows), _(message) if message else str(error["message"])
            )
        return shown, _("Please correct the marked fields.")
    return {}, exc.detail


def text(form: SubmittedForm, name: str) -> str:
    return str(form.get(name, "")).strip()


def optional(value: str) -> str | None:
    return value or None


def ids(form: SubmittedForm, name: str) -> list[int]:
    return [n for n in map(parse_int32, form.getlist(name)) if n is not None]


def number(value: Any) -> str:
    if value is None:
        return ""
    text = f"{value:f}" if not isinstance(value, float) else repr(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- goals ------------------------------------------------------------------------------------


def goal_values(form: SubmittedForm) -> dict[str, Any]:
    names = ("name", "description", "owner", "period_start", "period_end", "metric", "unit")
    values: dict[str, Any] = {n: text(form, n) for n in names}
    values |= {n: text(form, n) for n in ("baseline_value", "target_value", "current_value")}
    values["status"] = text(form, "status") or StrategyStatus.ACTIVE
    values["version"] = text(form, "version")
    return values


def goal_body(values: dict[str, Any]) -> dict[str, Any]:
    body = {k: v for k, v in values.items() if k != "version"}
    for name in ("owner", "current_value", "period_start", "period_end", "target_value"):
        body[name] = optional(body[name])
    body["baseline_value"] = body["baseline_value"] or "0"
    return body


# --- objectives -------------------------------------------------------------------------------


def kr_rows_from_form(form: SubmittedForm) -> list[dict[str, str]]:
    columns = {name: form.getlist(f"kr_{name}") for name in KR_FIELDS}
    count = max((len(v) for v in columns.values()), default=0)
    return [
        {
            name: str(columns[name][i]).strip() if i < len(columns[name]) else ""
            for name in KR_FIELDS
        }
        for i in range(count)
    ]


def objective_values(form: SubmittedForm) -> dict[str, Any]:
    names = ("name", "description", "owner", "period_start", "period_end")
    values: dict[str, Any] = {n: text(form, n) for n in names}
    values["status"] = text(form, "status") or StrategyStatus.ACTIVE
    values["version"] = text(form, "version")
    values["goal_ids"] = ids(form, "goal_ids")
    values["key_results"] = kr_rows_from_form(form)
    return values


def objective_body(values: dict[str, Any]) -> tuple[dict[str, Any], list[int]]:
    """The API body, and for each key result in it the form row it came from."""
    body = {k: values[k] for k in ("name", "description", "status", "goal_ids")}
    for name in ("owner", "period_start", "period_end"):
        body[name] = optional(values[name])
    key_results, rows = [], []
    for row, kr in enumerate(values["key_results"]):
        if not any(kr[n] for n in ("name", "target_value", "current_value")):
            continue  # a blank row
        key_results.append(
            {
                "id": parse_int32(kr["id"]),
                "name": kr["name"],
                "unit": kr["unit"],
                "start_value": kr["start_value"] or "0",
                "target_value": optional(kr["target_value"]),
                "current_value": optional(kr["current_value"]),
            }
        )
        rows.append(row)
    body["key_results"] = key_results
    return body, rows


def with_blank_rows(values: dict[str, Any]) -> dict[str, Any]:
    blank = dict.fromkeys(KR_FIELDS, "")
    filled = [kr for kr in values["key_results"] if any(kr.values())]
    return values | {"key_results": filled + [dict(blank) for _ in range(BLANK_KEY_RESULTS)]}


# --- initiatives ------------------------------------------------------------------------------


def initiative_values(form: SubmittedForm) -> dict[str, Any]:
    names = (
        "name",
        "description",
        "owner",
        "planned_person_days",
        "planned_cost",
        "currency",
        "start_on",
        "end_on",
        "version",
    )
    values: dict[str, Any] = {n: text(form, n) for n in names}
    values["status"] = text(form, "status") or StrategyStatus.ACTIVE
    values["objective_ids"] = ids(form, "objective_ids")
    return values


def initiative_body(values: dict[str, Any]) -> dict[str, Any]:
    body = {k: v for k, v in values.items() if k not in ("version", "id")}
    for name in ("owner", "start_on", "end_on"):
        body[name] = optional(body[name])
    body["planned_person_days"] = body["planned_person_days"] or "0"
    body["planned_cost"] = body["planned_cost"] or "0"
    body["currency"] = (body["currency"] or "CNY").upper()
    return body


def requirement_numbers(form: SubmittedForm) -> list[int] | None:
    """Requirement ids typed as '12, 15 REQ-18'; None when one is not a number (or none given)."""
    parts = [p.upper().removeprefix("REQ-") for p in SPLIT.split(text(form, "requirements")) if p]
    numbers = [parse_int32(p) for p in parts]
    if not parts or None in numbers:
        return None
    return [n for n in numbers if n is not None]
