"""Every check of a transition's payload, run before the first write, so a refused transition
(403, 409, 422) changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.db import utcnow
from tmse.core.errors import Conflict, Forbidden, InvalidInput
from tmse.core.identity.models import User, UserRole
from tmse.core.permissions import Role
from tmse.requirements import workflow
from tmse.requirements.models import Requirement
from tmse.requirements.review import service as review
from tmse.requirements.review.models import Capacity
from tmse.requirements.workflow import Action

MAX_TEXT = 5000


def invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(f"Invalid {field}: {message}", [{"field": field, "message": message}])


def _text(payload: Mapping[str, Any], field: str) -> str:
    value = payload.get(field)
    text = str(value).strip() if value is not None else ""
    if len(text) > MAX_TEXT:
        raise invalid(field, f"at most {MAX_TEXT} characters")
    return text


def forbidden(action: Action, roles: frozenset[str], detail: str | None = None) -> Forbidden:
    allowed = workflow.owners(action)
    return Forbidden(
        detail
        or f"The action '{action}' belongs to the roles {', '.join(allowed)}; "
        f"your roles are {', '.join(sorted(roles)) or 'none'}.",
        action=str(action),
        allowed_roles=allowed,
    )


def _roles_of(session: Session, user_ids: list[int]) -> dict[int, set[str]]:
    rows = session.execute(
        select(User.id, UserRole.role)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.id.in_(user_ids), User.is_active.is_(True))
    )
    roles: dict[int, set[str]] = {}
    for uid, role in rows:
        roles.setdefault(uid, set()).add(role)
    return roles


def _check_reviewers(session: Session, payload: Mapping[str, Any]) -> list[int]:
    raw = payload.get("reviewers") or []
    if not isinstance(raw, list | tuple) or not raw:
        raise invalid(
            "reviewers", "name at least one product manager and one architect or tech lead"
        )
    try:
        ids = list(dict.fromkeys(int(v) for v in raw))
    except (TypeError, ValueError):
        raise invalid("reviewers", "give user ids (whole numbers)") from None
    found = _roles_of(session, ids)
    unknown = [i for i in ids if i not in found]
    if unknown:
        raise invalid("reviewers", f"no active user with id {', '.join(map(str, unknown))}")
    product = [i for i in ids if found[i] & workflow.CAPACITY_ROLES[Capacity.PRODUCT]]
    technical = [i for i in ids if found[i] & workflow.CAPACITY_ROLES[Capacity.TECHNICAL]]
    # One person fills one capacity: the two capacities need two different people.
    if not product or not technical or not any(p != t for p in product for t in technical):
        raise invalid(
            "reviewers",
            "include at least one product manager and one architect or tech lead "
            "(two different people)",
        )
    not_reviewers = [i for i in ids if i not in product and i not in technical]
    if not_reviewers:
        raise invalid(
            "reviewers",
            f"user {', '.join(map(str, not_reviewers))} is neither a product manager nor an "
            "architect or tech lead",
        )
    return ids


def _check_until(payload: Mapping[str, Any]) -> dt.date:
    value = payload.get("until")
    if value in (None, ""):
        raise invalid("until", "give the date until which it is snoozed")
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value))
        except ValueError:
            raise invalid("until", "give a date as YYYY-MM-DD") from None
    if value <= utcnow().date():
        raise invalid("until", "the date must be in the future")
    return value


def _check_original(session: Session, requirement: Requirement, payload: Mapping[str, Any]) -> int:
    value = payload.get("original_id")
    if value in (None, ""):
        raise invalid("original_id", "name the requirement this one duplicates")
    try:
        original_id = int(value)
    except (TypeError, ValueError):
        raise invalid("original_id", "give a requirement id (a whole number)") from None
    if original_id == requirement.id:
        raise invalid("original_id", "a requirement cannot duplicate itself")
    if session.get(Requirement, original_id) is None:
        raise invalid("original_id", f"requirement {original_id} does not exist")
    return original_id


def _approval_capacity(
    session: Session, actor: Actor, requirement: Requirement, payload: Mapping[str, Any]
) -> str:
    """The capacity the actor approves in, after every rule of joint review is checked."""
    roles = frozenset(actor.roles)
    live = review.live_approvals(session, requirement.id)
    mine = next((a for a in live if a.user_id == actor.user_id), None)
    if mine is not None:
        raise Conflict(
            f"You already approved {requirement.key} as the {mine.capacity} reviewer; one "
            "person fills only one capacity.",
            capacity=mine.capacity,
        )
    filled = {a.capacity: a for a in live}
    wanted = payload.get("capacity") or None
    if wanted is not None and wanted not in {c.value for c in Capacity}:
        raise invalid("capacity", "choose product or technical")
    if wanted is not None:
        owners = workflow.CAPACITY_ROLES[wanted]
        if not roles & owners:
            raise forbidden(
                Action.APPROVE,
                roles,
                f"Approving as the {wanted} reviewer needs the role "
                f"{' or '.join(sorted(owners))}; your roles are {', '.join(sorted(roles))}.",
            )
        capacity = str(wanted)
    else:
        open_ones = [c for c in workflow.capacities_for(roles) if c not in filled]
        if len(open_ones) > 1:
            raise invalid("capacity", "you may approve as product or technical: choose one")
        if not open_ones:
            raise Conflict(f"Every capacity you may fill on {requirement.key} is approved already.")
        capacity = open_ones[0]
    if capacity in filled:
        raise Conflict(
            f"The {capacity} capacity of {requirement.key} is approved already.", capacity=capacity
        )
    return capacity


def validate(
    session: Session,
    actor: Actor,
    requirement: Requirement,
    action: Action,
    payload: Mapping[str, Any],
) -> dict[str, Any]:
    """Every check of the payload, before any write; returns the values the change needs."""
    checked: dict[str, Any] = {"reason": _text(payload, "reason")}
    if action == Action.REJECT and not checked["reason"]:
        raise invalid("reason", "a rejection needs a reason")
    if action == Action.SNOOZE:
        checked["until"] = _check_until(payload)
    if action == Action.MARK_DUPLICATE:
        checked["original_id"] = _check_original(session, requirement, payload)
    if action == Action.REQUEST_REVIEW:
        checked["reviewers"] = _check_reviewers(session, payload)
    if action in (Action.APPROVE, Action.REQUEST_CHANGES):
        checked["comment"] = _text(payload, "comment")
    if action == Action.APPROVE:
        checked["capacity"] = _approval_capacity(session, actor, requirement, payload)
    if action == Action.REQUEST_CHANGES:
        if not checked["comment"]:
            raise invalid("comment", "say what should change")
        capacities = workflow.capacities_for(frozenset(actor.roles))
        wanted = payload.get("capacity")
        checked["capacity"] = wanted if wanted in capacities else capacities[0]
    if action == Action.WITHDRAW_REVIEW:
        roles = frozenset(actor.roles)
        requesters = {r.requested_by_id for r in review.review_requests(session, requirement.id)}
        if not roles & {Role.PRODUCT_MANAGER, Role.ADMIN} and actor.user_id not in requesters:
            raise forbidden(
                action,
                roles,
                "Only the product manager, an administrator or whoever requested the review may "
                "withdraw it.",
            )
    return checked
