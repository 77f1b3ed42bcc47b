"""Moving a requirement through triage, joint review and delivery: the checks of
transition_checks.py first, then the write and its audit entry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.errors import Conflict, NotFound, check_version
from tmse.core.links import service as links_service
from tmse.core.links.models import TraceLink
from tmse.requirements import workflow
from tmse.requirements.models import DUPLICATES, Requirement, RequirementStatus
from tmse.requirements.review import service as review
from tmse.requirements.status_events import set_status
from tmse.requirements.transition_checks import forbidden, invalid, validate
from tmse.requirements.workflow import Action, Verdict

# Who may act, from which status, and where it leads is the table in workflow.py; joint
# review's writes are review.service's.


def get_requirement(session: Session, requirement_id: int) -> Requirement:
    found = session.get(Requirement, requirement_id)
    if found is None:
        raise NotFound(f"Requirement {requirement_id} does not exist")
    return found


def _action(action: str) -> Action:
    try:
        return Action(action)
    except ValueError:
        choices = ", ".join(a.value for a in Action)
        raise invalid("action", f"unknown action '{action}'; choose one of: {choices}") from None


def _snapshot(requirement: Requirement) -> dict[str, Any]:
    return {
        "status": requirement.status,
        "status_reason": requirement.status_reason,
        "snoozed_until": requirement.snoozed_until,
        "duplicate_of_id": requirement.duplicate_of_id,
    }


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
        raise forbidden(chosen, roles)
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
    checked = validate(session, actor, requirement, chosen, payload)
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
        return review.request_review(session, actor, requirement, checked["reviewers"], reason)
    if action == Action.APPROVE:
        return review.approve(session, actor, requirement, checked["capacity"], checked["comment"])
    if action == Action.REQUEST_CHANGES:
        return review.request_changes(session, actor, requirement, checked)
    if action == Action.WITHDRAW_REVIEW:
        return review.end_review(session, actor, requirement, reason, "review-withdrawn")
    set_status(session, requirement, target)
    requirement.status_reason = reason
    return {}


def _mark_duplicate(
    session: Session, actor: Actor, requirement: Requirement, original_id: int, reason: str
) -> dict[str, Any]:
    set_status(session, requirement, RequirementStatus.DUPLICATE)
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
