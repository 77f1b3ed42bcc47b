"""Moving a requirement through triage, joint review and delivery. Who may act, from which
status, and where it leads is the table in workflow.py; this module checks the payload, writes
the change, notifies, and audits. Every check runs before the first write, so a refused
transition (403, 409, 422) changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.db import utcnow
from tmse.core.errors import Conflict, Forbidden, InvalidInput, NotFound, check_version
from tmse.core.events import publish
from tmse.core.identity.models import User, UserRole
from tmse.core.links import service as links_service
from tmse.core.links.models import TraceLink
from tmse.core.permissions import Role
from tmse.requirements import workflow
from tmse.requirements.models import DUPLICATES, Requirement, RequirementStatus
from tmse.requirements.review import service as review
from tmse.requirements.review.models import (
    Capacity,
    Decision,
    RequirementApproval,
    RequirementReviewRequest,
)
from tmse.requirements.workflow import Action, Verdict

MAX_TEXT = 5000


def get_requirement(session: Session, requirement_id: int) -> Requirement:
    found = session.get(Requirement, requirement_id)
    if found is None:
        raise NotFound(f"Requirement {requirement_id} does not exist")
    return found


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(f"Invalid {field}: {message}", [{"field": field, "message": message}])


def _text(payload: Mapping[str, Any], field: str) -> str:
    value = payload.get(field)
    text = str(value).strip() if value is not None else ""
    if len(text) > MAX_TEXT:
        raise _invalid(field, f"at most {MAX_TEXT} characters")
    return text


def _action(action: str) -> Action:
    try:
        return Action(action)
    except ValueError:
        choices = ", ".join(a.value for a in Action)
        raise _invalid("action", f"unknown action '{action}'; choose one of: {choices}") from None


def _forbidden(action: Action, roles: frozenset[str], detail: str | None = None) -> Forbidden:
    allowed = workflow.owners(action)
    return Forbidden(
        detail
        or f"The action '{action}' belongs to the roles {', '.join(allowed)}; "
        f"your roles are {', '.join(sorted(roles)) or 'none'}.",
        action=str(action),
        allowed_roles=allowed,
    )


def _snapshot(requirement: Requirement) -> dict[str, Any]:
    return {
        "status": requirement.status,
        "status_reason": requirement.status_reason,
        "snoozed_until": requirement.snoozed_until,
        "duplicate_of_id": requirement.duplicate_of_id,
    }


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
        raise _invalid(
            "reviewers", "name at least one product manager and one architect or tech lead"
        )
    try:
        ids = list(dict.fromkeys(int(v) for v in raw))
    except (TypeError, ValueError):
        raise _invalid("reviewers", "give user ids (whole numbers)") from None
    found = _roles_of(session, ids)
    unknown = [i for i in ids if i not in found]
    if unknown:
        raise _invalid("reviewers", f"no active user with id {', '.join(map(str, unknown))}")
    product = [i for i in ids if found[i] & workflow.CAPACITY_ROLES[Capacity.PRODUCT]]
    technical = [i for i in ids if found[i] & workflow.CAPACITY_ROLES[Capacity.TECHNICAL]]
    # One person fills one capacity: the two capacities need two different people.
    if not product or not technical or not any(p != t for p in product for t in technical):
        raise _invalid(
            "reviewers",
            "include at least one product manager and one architect or tech lead "
            "(two different people)",
        )
    not_reviewers = [i for i in ids if i not in product and i not in technical]
    if not_reviewers:
        raise _invalid(
            "reviewers",
            f"user {', '.join(map(str, not_reviewers))} is neither a product manager nor an "
            "architect or tech lead",
        )
    return ids


def _check_until(payload: Mapping[str, Any]) -> dt.date:
    value = payload.get("until")
    if value in (None, ""):
        raise _invalid("until", "give the date until which it is snoozed")
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value))
        except ValueError:
            raise _invalid("until", "give a date as YYYY-MM-DD") from None
    if value <= utcnow().date():
        raise _invalid("until", "the date must be in the future")
    return value


def _check_original(session: Session, requirement: Requirement, payload: Mapping[str, Any]) -> int:
    value = payload.get("original_id")
    if value in (None, ""):
        raise _invalid("original_id", "name the requirement this one duplicates")
    try:
        original_id = int(value)
    except (TypeError, ValueError):
        raise _invalid("original_id", "give a requirement id (a whole number)") from None
    if original_id == requirement.id:
        raise _invalid("original_id", "a requirement cannot duplicate itself")
    if session.get(Requirement, original_id) is None:
        raise _invalid("original_id", f"requirement {original_id} does not exist")
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
        raise _invalid("capacity", "choose product or technical")
    if wanted is not None:
        owners = workflow.CAPACITY_ROLES[wanted]
        if not roles & owners:
            raise _forbidden(
                Action.APPROVE,
                roles,
                f"Approving as the {wanted} reviewer needs the role "
                f"{' or '.join(sorted(owners))}; your roles are {', '.join(sorted(roles))}.",
            )
        capacity = str(wanted)
    else:
        open_ones = [c for c in workflow.capacities_for(roles) if c not in filled]
        if len(open_ones) > 1:
            raise _invalid("capacity", "you may approve as product or technical: choose one")
        if not open_ones:
            raise Conflict(f"Every capacity you may fill on {requirement.key} is approved already.")
        capacity = open_ones[0]
    if capacity in filled:
        raise Conflict(
            f"The {capacity} capacity of {requirement.key} is approved already.", capacity=capacity
        )
    return capacity


def _validate(
    session: Session,
    actor: Actor,
    requirement: Requirement,
    action: Action,
    payload: Mapping[str, Any],
) -> dict[str, Any]:
    """Every check of the payload, before any write; returns the values the change needs."""
    checked: dict[str, Any] = {"reason": _text(payload, "reason")}
    if action == Action.REJECT and not checked["reason"]:
        raise _invalid("reason", "a rejection needs a reason")
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
            raise _invalid("comment", "say what should change")
        capacities = workflow.capacities_for(frozenset(actor.roles))
        wanted = payload.get("capacity")
        checked["capacity"] = wanted if wanted in capacities else capacities[0]
    if action == Action.WITHDRAW_REVIEW:
        roles = frozenset(actor.roles)
        requesters = {r.requested_by_id for r in review.review_requests(session, requirement.id)}
        if not roles & {Role.PRODUCT_MANAGER, Role.ADMIN} and actor.user_id not in requesters:
            raise _forbidden(
                action,
                roles,
                "Only the product manager, an administrator or whoever requested the review may "
                "withdraw it.",
            )
    return checked


def transition(
    session: Session,
    actor: Actor,
    requirement_id: int,
    action: str,
    payload: Mapping[str, Any],
    version: int,
) -> Requirement:
    """Perform one workflow action on a requirement; see workflow.TABLE for who and from where."""
    requirement = get_requirement(session, requirement_id)
    chosen = _action(action)
    roles = frozenset(actor.roles)
    if workflow.decide(roles, chosen, requirement.status) == Verdict.FORBIDDEN:
        raise _forbidden(chosen, roles)
    check_version("Requirement", requirement.version, version)
    if workflow.decide(roles, chosen, requirement.status) == Verdict.IMPOSSIBLE:
        sources = sorted(str(s) for s in workflow.rule(chosen).sources)
        raise Conflict(
            f"{requirement.key} is {requirement.status}; '{chosen}' is possible only from "
            f"{', '.join(sources)}.",
            action=str(chosen),
            status_now=requirement.status,
            allowed_from=sources,
        )
    checked = _validate(session, actor, requirement, chosen, payload)
    before = _snapshot(requirement)
    extra = _apply(session, actor, requirement, chosen, checked)
    session.flush()
    changes = audit.diff(before, _snapshot(requirement)) | {"action": str(chosen)} | extra
    audit.record(session, actor, str(chosen), "requirement", requirement.id, changes=changes)
    return requirement


def _apply(
    session: Session,
    actor: Actor,
    requirement: Requirement,
    action: Action,
    checked: dict[str, Any],
) -> dict[str, Any]:
    """Write the transition; returns what the audit entry adds to the status change."""
    reason: str = checked["reason"]
    target = workflow.rule(action).target
    if action in (Action.ACCEPT, Action.UNSNOOZE, Action.REJECT):
        requirement.snoozed_until = None
    if action == Action.SNOOZE:
        requirement.snoozed_until = checked["until"]
    if action == Action.MARK_DUPLICATE:
        return _mark_duplicate(session, actor, requirement, checked["original_id"], reason)
    if action == Action.REOPEN:
        _unlink_duplicate(session, actor, requirement)
    if action == Action.REQUEST_REVIEW:
        return _request_review(session, actor, requirement, checked["reviewers"], reason)
    if action == Action.APPROVE:
        return _approve(session, actor, requirement, checked["capacity"], checked["comment"])
    if action == Action.REQUEST_CHANGES:
        return _request_changes(session, actor, requirement, checked)
    if action == Action.WITHDRAW_REVIEW:
        return _end_review(session, actor, requirement, reason, "review-withdrawn")
    requirement.status = target
    requirement.status_reason = reason
    return {}


def _mark_duplicate(
    session: Session, actor: Actor, requirement: Requirement, original_id: int, reason: str
) -> dict[str, Any]:
    requirement.status = RequirementStatus.DUPLICATE
    requirement.status_reason = reason
    requirement.duplicate_of_id = original_id
    session.flush()
    link_id = session.scalar(
        select(TraceLink.id).where(
            TraceLink.source_type == "requirement",
            TraceLink.source_id == requirement.id,
            TraceLink.target_type == "requirement",
            TraceLink.target_id == original_id,
            TraceLink.link_type == DUPLICATES,
        )
    )
    if link_id is None:
        link_id = links_service.create_link(
            session,
            actor,
            f"requirement:{requirement.id}",
            f"requirement:{original_id}",
            DUPLICATES,
        ).id
    return {"link_id": link_id}


def _unlink_duplicate(session: Session, actor: Actor, requirement: Requirement) -> None:
    """Reopening a duplicate: it no longer duplicates anything, so the link goes too."""
    if requirement.duplicate_of_id is None:
        return
    link_ids = session.scalars(
        select(TraceLink.id).where(
            TraceLink.source_type == "requirement",
            TraceLink.source_id == requirement.id,
            TraceLink.target_type == "requirement",
            TraceLink.target_id == requirement.duplicate_of_id,
            TraceLink.link_type == DUPLICATES,
        )
    ).all()
    for link_id in link_ids:
        links_service.delete_link(session, actor, link_id)
    requirement.duplicate_of_id = None


def _request_review(
    session: Session, actor: Actor, requirement: Requirement, reviewers: list[int], note: str
) -> dict[str, Any]:
    requirement.status = RequirementStatus.IN_REVIEW
    requirement.status_reason = note
    open_ids = {r.reviewer_id for r in review.review_requests(session, requirement.id, True)}
    for reviewer_id in reviewers:
        if reviewer_id not in open_ids:
            session.add(
                RequirementReviewRequest(
                    requirement_id=requirement.id,
                    reviewer_id=reviewer_id,
                    requested_by_id=actor.user_id,
                    requested_at=utcnow(),
                    done=False,
                )
            )
    session.flush()
    publish(
        session,
        "requirement.review_requested",
        requirement_id=requirement.id,
        key=requirement.key,
        title=requirement.title,
        involved=sorted(reviewers),
        actor_id=actor.user_id,
        note=note,
    )
    return {"reviewers": reviewers}


def _close_requests(session: Session, requirement_id: int, user_id: int | None = None) -> None:
    stmt = update(RequirementReviewRequest).where(
        RequirementReviewRequest.requirement_id == requirement_id,
        RequirementReviewRequest.done.is_(False),
    )
    if user_id is not None:
        stmt = stmt.where(RequirementReviewRequest.reviewer_id == user_id)
    session.execute(stmt.values(done=True))


def _approve(
    session: Session, actor: Actor, requirement: Requirement, capacity: str, comment: str
) -> dict[str, Any]:
    assert actor.user_id is not None  # reviewers are users: the table admits no system role alone
    session.add(
        RequirementApproval(
            requirement_id=requirement.id,
            user_id=actor.user_id,
            capacity=capacity,
            decision=Decision.APPROVED,
            comment=comment,
            at=utcnow(),
        )
    )
    session.flush()
    _close_requests(session, requirement.id, actor.user_id)
    filled = {a.capacity for a in review.live_approvals(session, requirement.id)}
    # The requirement row changes with every approval, so its version moves and a reviewer's
    # stale page cannot approve what it no longer shows.
    requirement.updated_at = utcnow()
    if filled >= {c.value for c in Capacity}:
        requirement.status = RequirementStatus.APPROVED
        _close_requests(session, requirement.id)
        publish(
            session,
            "requirement.approved",
            requirement_id=requirement.id,
            key=requirement.key,
            title=requirement.title,
            involved=sorted(_interested(session, requirement)),
            actor_id=actor.user_id,
        )
    return {"capacity": capacity, "comment": comment}


def _interested(session: Session, requirement: Requirement) -> set[int]:
    """Its product manager and whoever asked for its review."""
    people = {r.requested_by_id for r in review.review_requests(session, requirement.id)}
    people.add(requirement.product_manager_id)
    return {p for p in people if p is not None}


def _request_changes(
    session: Session, actor: Actor, requirement: Requirement, checked: dict[str, Any]
) -> dict[str, Any]:
    assert actor.user_id is not None
    session.add(
        RequirementApproval(
            requirement_id=requirement.id,
            user_id=actor.user_id,
            capacity=checked["capacity"],
            decision=Decision.CHANGES_REQUESTED,
            comment=checked["comment"],
            at=utcnow(),
        )
    )
    extra = _end_review(session, actor, requirement, checked["comment"], "changes-requested")
    return extra | {"capacity": checked["capacity"], "comment": checked["comment"]}


def _end_review(
    session: Session, actor: Actor, requirement: Requirement, note: str, kind: str
) -> dict[str, Any]:
    """Back to accepted: approvals void, open requests closed, everyone involved told."""
    involved = review.reviewer_ids(session, requirement.id) | _interested(session, requirement)
    voided = review.void_approvals(session, requirement.id, f"{kind}: {note}".strip(": "))
    _close_requests(session, requirement.id)
    requirement.status = RequirementStatus.ACCEPTED
    requirement.status_reason = note
    events = {
        "changes-requested": "requirement.changes_requested",
        "review-withdrawn": "requirement.review_withdrawn",
    }
    publish(
        session,
        events[kind],
        requirement_id=requirement.id,
        key=requirement.key,
        title=requirement.title,
        involved=sorted(involved),
        actor_id=actor.user_id,
        note=note,
    )
    return {"approvals_voided": len(voided)}
