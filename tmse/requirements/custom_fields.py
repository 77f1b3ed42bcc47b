"""Custom fields of requirements: definitions per requirement type, values checked on every
input, and JSON path expressions the backlog filters and sorts by."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.errors import Conflict, InvalidInput, NotFound, check_version
from tmse.core.identity.models import User
from tmse.requirements.models import (
    CustomFieldDefinition,
    CustomFieldKind,
    Requirement,
    RequirementType,
)

# Administrators define the fields; the JSON paths are SQLite json_extract and PostgreSQL ->>.

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
SELECTS = (CustomFieldKind.SINGLE_SELECT, CustomFieldKind.MULTI_SELECT)


def definitions(session: Session) -> list[CustomFieldDefinition]:
    return list(
        session.scalars(
            select(CustomFieldDefinition).order_by(
                CustomFieldDefinition.position, CustomFieldDefinition.id
            )
        )
    )


def definitions_by_key(session: Session) -> dict[str, CustomFieldDefinition]:
    return {d.key: d for d in definitions(session)}


def _snapshot(field: CustomFieldDefinition) -> dict[str, Any]:
    return {
        "key": field.key,
        "label_en": field.label_en,
        "label_zh": field.label_zh,
        "kind": field.kind,
        "options": list(field.options or []),
        "types": list(field.types or []),
        "required": field.required,
        "position": field.position,
    }


def _check_definition(values: dict[str, Any]) -> list[dict[str, str]]:
    errors = []
    if not KEY_PATTERN.match(values.get("key") or ""):
        errors.append(
            {"field": "key", "message": "lower-case letters, digits and _; starts with a letter"}
        )
    if not str(values.get("label_en") or "").strip():
        errors.append({"field": "label_en", "message": "required"})
    kinds = [str(k) for k in CustomFieldKind]
    if values.get("kind") not in kinds:
        errors.append({"field": "kind", "message": f"one of: {', '.join(kinds)}"})
    options = values.get("options") or []
    if values.get("kind") in SELECTS:
        if not options:
            errors.append({"field": "options", "message": "a select needs at least one option"})
        elif len(set(options)) != len(options):
            errors.append({"field": "options", "message": "options must be distinct"})
    elif options:
        errors.append({"field": "options", "message": "only a select has options"})
    known = {str(t) for t in RequirementType}
    for index, name in enumerate(values.get("types") or []):
        if name not in known:
            errors.append({"field": f"types[{index}]", "message": f"one of: {', '.join(known)}"})
    return errors


def create_definition(
    session: Session, actor: Actor, values: dict[str, Any]
) -> CustomFieldDefinition:
    errors = _check_definition(values)
    if errors:
        raise InvalidInput("The custom field is not valid", errors)
    taken = session.scalar(
        select(CustomFieldDefinition.id).where(CustomFieldDefinition.key == values["key"])
    )
    if taken is not None:
        raise Conflict(f"A custom field '{values['key']}' already exists", field="key")
    field = CustomFieldDefinition(
        key=values["key"],
        label_en=values["label_en"].strip(),
        label_zh=(values.get("label_zh") or "").strip(),
        kind=values["kind"],
        options=list(values.get("options") or []),
        types=list(values.get("types") or []),
        required=bool(values.get("required")),
        position=int(values.get("position") or 0),
    )
    session.add(field)
    session.flush()
    audit.record(
        session, actor, "create", "requirement_custom_field", field.id, None, _snapshot(field)
    )
    return field


def get_definition(session: Session, field_id: int) -> CustomFieldDefinition:
    field = session.get(CustomFieldDefinition, field_id)
    if field is None:
        raise NotFound(f"Custom field {field_id} does not exist")
    return field


def update_definition(
    session: Session, actor: Actor, field_id: int, values: dict[str, Any], version: int
) -> CustomFieldDefinition:
    """Change labels, options, types, required and position; the key and kind stay."""
    field = get_definition(session, field_id)
    check_version("Custom field", field.version, version)
    merged = _snapshot(field) | {k: v for k, v in values.items() if v is not None}
    if merged["key"] != field.key or merged["kind"] != field.kind:
        raise InvalidInput(
            "The key and kind of a custom field cannot change",
            [{"field": "key" if merged["key"] != field.key else "kind", "message": "fixed"}],
        )
    errors = _check_definition(merged)
    if errors:
        raise InvalidInput("The custom field is not valid", errors)
    before = _snapshot(field)
    field.label_en, field.label_zh = merged["label_en"].strip(), merged["label_zh"].strip()
    field.options, field.types = list(merged["options"]), list(merged["types"])
    field.required, field.position = bool(merged["required"]), int(merged["position"])
    session.flush()
    audit.record(
        session, actor, "update", "requirement_custom_field", field.id, before, _snapshot(field)
    )
    return field


def delete_definition(session: Session, actor: Actor, field_id: int) -> None:
    """Remove a definition; values already stored stay in the requirements' history."""
    field = get_definition(session, field_id)
    audit.record(
        session, actor, "delete", "requirement_custom_field", field.id, _snapshot(field), None
    )
    session.delete(field)


# --- values ----------------------------------------------------------------------------------


def _one_value(
    session: Session, field: CustomFieldDefinition, value: Any
) -> tuple[Any, str | None]:
    """(normalised value, error message or None)."""
    kind = field.kind
    if kind == CustomFieldKind.TEXT:
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            return None, "expected text"
        text = str(value).strip()
        return (text, None) if len(text) <= 2000 else (None, "at most 2000 characters")
    if kind == CustomFieldKind.NUMBER:
        if isinstance(value, bool):
            return None, "expected a number"
        try:
            number = float(str(value).strip())
        except ValueError:
            return None, "expected a number"
        if number != number or number in (float("inf"), float("-inf")):
            return None, "expected a finite number"
        return (int(number) if number.is_integer() else number), None
    if kind == CustomFieldKind.DATE:
        try:
            return dt.date.fromisoformat(str(value).strip()).isoformat(), None
        except ValueError:
            return None, "expected a date YYYY-MM-DD"
    if kind == CustomFieldKind.SINGLE_SELECT:
        text = str(value).strip()
        if text not in (field.options or []):
            return None, f"one of: {', '.join(field.options or [])}"
        return text, None
    if kind == CustomFieldKind.MULTI_SELECT:
        items = value if isinstance(value, list) else [v for v in str(value).split(",")]
        chosen = [str(v).strip() for v in items if str(v).strip()]
        unknown = [v for v in chosen if v not in (field.options or [])]
        if unknown:
            return (
                None,
                f"unknown option(s) {', '.join(unknown)}; one of: {', '.join(field.options or [])}",
            )
        return [o for o in field.options if o in chosen], None
    if kind == CustomFieldKind.USER:
        username = str(value).strip()
        found = session.scalar(select(User.id).where(User.username == username))
        return (username, None) if found is not None else (None, f"no user '{username}'")
    return None, "unknown field kind"


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, (str, list)) and not value)


def validate_values(
    session: Session,
    requirement_type: str,
    values: Any,
    field_path: str = "custom",
    *,
    known: dict[str, CustomFieldDefinition] | None = None,
    check_required: bool = True,
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """(normalised values, errors) of a requirement's custom values; empty values are dropped."""
    if not isinstance(values, dict):
        return {}, [{"field": field_path, "message": "expected an object of field: value"}]
    known = known if known is not None else definitions_by_key(session)
    clean: dict[str, Any] = {}
    errors: list[dict[str, str]] = []
    for key, value in values.items():
        field = known.get(key)
        where = f"{field_path}.{key}"
        if field is None:
            errors.append({"field": where, "message": "no custom field with this key"})
            continue
        if not field.applies_to(requirement_type):
            errors.append({"field": where, "message": f"does not apply to type {requirement_type}"})
            continue
        if _empty(value):
            continue
        normalised, message = _one_value(session, field, value)
        if message:
            errors.append({"field": where, "message": message})
        else:
            clean[key] = normalised
    if check_required:
        for key, field in known.items():
            where = f"{field_path}.{key}"
            missing = field.required and field.applies_to(requirement_type) and key not in clean
            if missing and not any(e["field"] == where for e in errors):
                errors.append({"field": where, "message": "required"})
    return clean, errors


# --- SQL expressions for the backlog ------------------------------------------------------------


def value_expression(field: CustomFieldDefinition) -> ColumnElement[Any]:
    """The stored value as SQL, typed for sorting: numbers as numbers, everything else as text."""
    element = Requirement.custom[field.key]
    typed: ColumnElement[Any] = (
        element.as_float() if field.kind == CustomFieldKind.NUMBER else element.as_string()
    )
    return typed


def filter_expression(field: CustomFieldDefinition, value: str) -> ColumnElement[bool]:
    """`cf.<key>=value`: equality; a multi select matches when the value is one of its choices."""
    if field.kind == CustomFieldKind.MULTI_SELECT:
        # The JSON text of the list holds the option in quotes on both databases.
        quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        matches: ColumnElement[bool] = (
            Requirement.custom[field.key].as_string().contains(quoted, autoescape=True)
        )
        return matches
    if field.kind == CustomFieldKind.NUMBER:
        try:
            return value_expression(field) == float(value)
        except ValueError:
            raise InvalidInput(
                "Bad filter value", [{"field": f"cf.{field.key}", "message": "expected a number"}]
            ) from None
    return value_expression(field) == value
