"""Intake and editing of requirements: one validation for every way in (form, API, CSV, change
requests), audited writes, approvals reset on content edits, baselined content guarded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.errors import Conflict, InvalidInput, NotFound, check_version
from tmse.core.identity.models import User
from tmse.core.permissions import REQUIREMENTS_CONFIGURE, REQUIREMENTS_WRITE
from tmse.planning import queries as planning
from tmse.requirements import custom_fields
from tmse.requirements.baselines import queries as baselines
from tmse.requirements.models import (
    CONTENT_FIELDS,
    Channel,
    MoSCoW,
    Requirement,
    RequirementStatus,
    RequirementType,
)
from tmse.requirements.review import service as review
from tmse.requirements.scoring import RICE_CONFIDENCES, RICE_IMPACTS, WSJF_SCALE

# Status is not edited here: triage, review and delivery transitions have rules of their own.

TEXT_LIMITS = {"title": 300, "description": 20000, "acceptance_criteria": 20000, "requester": 200}
WSJF_FIELDS = ("wsjf_value", "wsjf_time_criticality", "wsjf_risk_reduction", "wsjf_job_size")
REFERENCES = ("project_id", "release_id", "milestone_id")
EDITABLE_FIELDS: tuple[str, ...] = (
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
    *WSJF_FIELDS,
    "project_id",
    "release_id",
    "milestone_id",
    "product_manager_id",
    "custom",
)
# Named in a 422 when sent: what is derived or moved by other rules.
NOT_WRITABLE = {
    "rice_score": "computed from reach, impact, confidence and effort; it cannot be set",
    "wsjf_score": "computed from value, time criticality, risk reduction and job size; "
    "it cannot be set",
    "status": "changes through a transition, not an edit",
}
DEFAULTS: dict[str, Any] = {
    "title": "",
    "description": "",
    "acceptance_criteria": "",
    "type": RequirementType.FEATURE.value,
    "requester": "",
    "custom": {},
}


def get_requirement(session: Session, requirement_id: int) -> Requirement:
    requirement = session.get(Requirement, requirement_id)
    if requirement is None:
        raise NotFound(f"Requirement REQ-{requirement_id} does not exist")
    return requirement


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def snapshot(requirement: Requirement) -> dict[str, Any]:
    """The audited view of a requirement: every editable field plus its state and scores."""
    values = {name: _plain(getattr(requirement, name)) for name in EDITABLE_FIELDS}
    values |= {
        "status": requirement.status,
        "channel": requirement.channel,
        "external_key": requirement.external_key,
        "rice_score": requirement.rice_score,
        "wsjf_score": requirement.wsjf_score,
    }
    return values


# --- validation --------------------------------------------------------------------------------


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _whole(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None and number == number.to_integral_value() else None


def _check_field(name: str, value: Any) -> tuple[Any, str | None]:
    """(normalised value, error or None) of one plain field; references are checked later."""
    if name in TEXT_LIMITS:
        if not isinstance(value, str):
            return None, "expected text"
        text = value.strip()
        if name == "title" and not text:
            return None, "required"
        if len(text) > TEXT_LIMITS[name]:
            return None, f"at most {TEXT_LIMITS[name]} characters"
        return text, None
    if value is None:
        return None, "required" if name == "type" else None
    if name == "type":
        choices = [str(t) for t in RequirementType]
        return (value, None) if value in choices else (None, f"one of: {', '.join(choices)}")
    if name == "moscow":
        choices = [str(m) for m in MoSCoW]
        return (value, None) if value in choices else (None, f"one of: {', '.join(choices)}")
    if name in ("effort_days", "rice_effort"):
        number = _number(value)
        if number is None:
            return None, "expected a number"
        if name == "effort_days" and number < 0:
            return None, "effort cannot be negative"
        if name == "rice_effort" and number <= 0:
            return None, "effort must be more than 0 person-months"
        if number > Decimal("10000000"):
            return None, "too large"
        return number.quantize(Decimal("0.01")), None
    if name == "rice_impact":
        number = _number(value)
        if number is None or number not in RICE_IMPACTS:
            return None, "one of: 3, 2, 1, 0.5, 0.25"
        return number.quantize(Decimal("0.01")), None
    if name == "rice_confidence":
        whole = _whole(value)
        if whole not in RICE_CONFIDENCES:
            return None, "one of: 100, 80, 50 (%)"
        return whole, None
    if name == "rice_reach":
        whole = _whole(value)
        if whole is None or whole < 0:
            return None, "expected a whole number ≥ 0"
        return whole, None
    if name in WSJF_FIELDS:
        whole = _whole(value)
        if whole not in WSJF_SCALE:
            return None, "one of: 1, 2, 3, 5, 8, 13, 20"
        return whole, None
    if name in REFERENCES or name == "product_manager_id":
        whole = _whole(value)
        return (whole, None) if whole is not None and whole > 0 else (None, "expected an id")
    return value, None


def _planned(session: Session, name: str, id_: int) -> planning.PlannedIn | bool | None:
    """What a planning reference points at, read through planning's queries; None: nothing."""
    if name == "release_id":
        return planning.release(session, id_)
    if name == "milestone_id":
        return planning.milestone(session, id_)
    return planning.project_exists(session, id_) or None


def _check_references(
    session: Session, result: dict[str, Any], given: set[str], prefix: str
) -> list[dict[str, str]]:
    errors = []
    rows: dict[str, Any] = {}
    for name in REFERENCES:
        if result.get(name) is not None:
            rows[name] = _planned(session, name, result[name])
            if rows[name] is None and name in given:
                label = name.removesuffix("_id")
                errors.append({"field": prefix + name, "message": f"no {label} {result[name]}"})
    project_id = result.get("project_id")
    for name in ("release_id", "milestone_id"):
        row = rows.get(name)
        elsewhere = row is not None and project_id is not None and row.project_id != project_id
        if row is not None and elsewhere and (name in given or "project_id" in given):
            errors.append(
                {
                    "field": prefix + name,
                    "message": f"belongs to project {row.project_id}, not {project_id}",
                }
            )
    manager = result.get("product_manager_id")
    if "product_manager_id" in given and manager is not None and not session.get(User, manager):
        errors.append({"field": prefix + "product_manager_id", "message": f"no user {manager}"})
    return errors


def validate_changes(
    session: Session,
    requirement: Requirement | None,
    changes: dict[str, Any],
    *,
    prefix: str = "changes.",
) -> dict[str, Any]:
    """Check proposed field changes as every write does and return them normalised; one 422
    names every field at fault (`changes.effort_days`, `changes.custom.tier`, ...)."""
    # `custom` merges into the stored values (null removes a key) and comes back whole. With no
    # requirement, the changes describe a new one.
    if not isinstance(changes, dict):
        raise InvalidInput(
            "Changes must be an object",
            [{"field": prefix.rstrip(".") or "body", "message": "expected an object"}],
        )
    errors: list[dict[str, str]] = []
    clean: dict[str, Any] = {}
    for name, value in changes.items():
        if name in NOT_WRITABLE:
            errors.append({"field": prefix + name, "message": NOT_WRITABLE[name]})
        elif name not in EDITABLE_FIELDS:
            errors.append({"field": prefix + name, "message": "unknown field"})
        elif name != "custom":
            normalised, message = _check_field(name, value)
            if message:
                errors.append({"field": prefix + name, "message": message})
            else:
                clean[name] = normalised
    current = (
        {name: getattr(requirement, name) for name in EDITABLE_FIELDS}
        if requirement is not None
        else dict(DEFAULTS)
    )
    result = current | clean
    if requirement is None and "title" not in changes:
        errors.append({"field": prefix + "title", "message": "required"})
    errors += _check_references(session, result, set(clean), prefix)
    if "custom" in changes or "type" in clean or requirement is None:
        given = changes.get("custom")
        if given is not None and not isinstance(given, dict):
            errors.append({"field": prefix + "custom", "message": "expected an object"})
        else:
            merged = dict(current.get("custom") or {}) | dict(given or {})
            values, custom_errors = custom_fields.validate_values(
                session,
                str(result.get("type") or RequirementType.FEATURE),
                merged,
                prefix + "custom",
            )
            errors += custom_errors
            if "custom" in changes or values != (current.get("custom") or {}):
                clean["custom"] = values
    if errors:
        raise InvalidInput(
            "The requirement is not valid: " + ", ".join(e["field"] for e in errors), errors
        )
    return clean


# --- writes ------------------------------------------------------------------------------------


def create_requirement(
    session: Session,
    actor: Actor,
    values: dict[str, Any],
    channel: str = Channel.API,
    *,
    external_key: str | None = None,
) -> Requirement:
    """A new requirement, pending triage, recording how it came in and who asked."""
    clean = validate_changes(session, None, values, prefix="")
    if external_key is not None:
        taken = session.scalar(
            select(Requirement.id).where(Requirement.external_key == external_key)
        )
        if taken is not None:
            raise Conflict(f"REQ-{taken} already has the key {external_key}", field="external_key")
    requirement = new_requirement(actor, clean, channel, external_key)
    session.add(requirement)
    session.flush()
    audit.record(
        session, actor, "create", "requirement", requirement.id, None, snapshot(requirement)
    )
    return requirement


def new_requirement(
    actor: Actor, clean: dict[str, Any], channel: str, external_key: str | None = None
) -> Requirement:
    """The unsaved row for validated values (shared with the bulk import)."""
    values = DEFAULTS | clean
    values["requester"] = values.get("requester") or actor.username
    requirement = Requirement(
        **values,
        channel=channel,
        external_key=external_key,
        requester_id=actor.user_id if values["requester"] == actor.username else None,
        created_by_id=actor.user_id,
        status=RequirementStatus.PENDING,
    )
    return requirement


def _differs(old: Any, new: Any) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        if old is None or new is None:
            return old is not new
        return Decimal(str(old)) != Decimal(str(new))
    return bool(old != new)


def changed_fields(requirement: Requirement, clean: dict[str, Any]) -> list[str]:
    return [name for name, value in clean.items() if _differs(getattr(requirement, name), value)]


def apply_changes(
    session: Session,
    actor: Actor,
    requirement: Requirement,
    changes: dict[str, Any],
    *,
    change_request_id: int | None = None,
) -> Requirement:
    """Write changes already checked by `validate_changes`, audit them, and reset approvals when
    content changed. Scores follow their components on flush; Suspect links follow content."""
    changed = changed_fields(requirement, changes)
    if not changed:
        return requirement
    before = snapshot(requirement)
    for name in changed:
        setattr(requirement, name, changes[name])
    session.flush()
    entry = audit.diff(before, snapshot(requirement))
    if change_request_id is not None:
        entry["change_request_id"] = change_request_id
    audit.record(session, actor, "update", "requirement", requirement.id, changes=entry)
    content = [name for name in changed if name in CONTENT_FIELDS]
    if content:
        review.reset_approvals(
            session, actor, requirement, f"content changed: {', '.join(content)}"
        )
    return requirement


def in_approved_baseline(session: Session, requirement_id: int) -> bool:
    return bool(baselines.in_approved_baseline(session, requirement_id))


def update_requirement(
    session: Session, actor: Actor, requirement_id: int, changes: dict[str, Any], version: int
) -> Requirement:
    """PATCH: edit fields; a content change of a baselined requirement needs a change request."""
    requirement = get_requirement(session, requirement_id)
    check_version(requirement.key, requirement.version, version)
    clean = validate_changes(session, requirement, changes, prefix="")
    content = [name for name in changed_fields(requirement, clean) if name in CONTENT_FIELDS]
    if content and in_approved_baseline(session, requirement.id):
        raise Conflict(
            f"change-request-required: this requirement is in approved baseline; "
            f"{', '.join(content)} can only change through a change request. "
            "Propose a change request.",
            slug="change-request-required",
            fields=content,
        )
    return apply_changes(session, actor, requirement, clean)


# What a page may offer on the backlog and on a requirement (besides its workflow transitions).
CREATE, IMPORT, CONFIGURE_FIELDS, EDIT = "create", "import", "configure-fields", "edit"


def allowed_actions(actor: Actor, requirement: Requirement | None = None) -> frozenset[str]:
    """What the actor may do on the backlog (no requirement) or to this requirement's content;
    its workflow transitions are answered by review.service.allowed_actions."""
    if requirement is not None:
        return frozenset({EDIT}) if actor.can(REQUIREMENTS_WRITE) else frozenset()
    allowed: set[str] = set()
    if actor.can(REQUIREMENTS_WRITE):
        allowed |= {CREATE, IMPORT}
    if actor.can(REQUIREMENTS_CONFIGURE):
        allowed.add(CONFIGURE_FIELDS)
    return frozenset(allowed)
