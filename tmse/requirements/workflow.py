"""The requirement workflow as data: for each action, the statuses it starts from, the status
it leads to, and the roles that own it. Pure: no database, no HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tmse.core.permissions import Role
from tmse.requirements.enums import RequirementStatus as S

# `decide` answers one question for the service: may a user with these roles perform this
# action on a requirement in this status, and if so, where does it go? Who may act is checked
# before where the requirement stands, so a user who may never perform an action learns that
# first (403) rather than that the status is wrong (409).


class Action(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    SNOOZE = "snooze"
    UNSNOOZE = "unsnooze"
    MARK_DUPLICATE = "mark-duplicate"
    REOPEN = "reopen"
    REQUEST_REVIEW = "request-review"
    APPROVE = "approve"
    REQUEST_CHANGES = "request-changes"
    WITHDRAW_REVIEW = "withdraw-review"
    START = "start"
    COMPLETE = "complete"


@dataclass(frozen=True)
class Rule:
    sources: frozenset[str]
    # Where the action leads. Approve stays in review until both capacities have approved.
    target: str
    roles: frozenset[str]


TRIAGE = frozenset({Role.PRODUCT_MANAGER, Role.ADMIN})
REQUESTERS = frozenset({Role.PRODUCT_MANAGER, Role.TECH_LEAD, Role.ADMIN})
# Reviewers: an administrator never counts as a reviewer, so admin is absent here on purpose.
REVIEWERS = frozenset({Role.PRODUCT_MANAGER, Role.ARCHITECT, Role.TECH_LEAD})
DELIVERY = frozenset({Role.TECH_LEAD, Role.ENGINEER, Role.ADMIN})

# Which roles may fill each review capacity.
CAPACITY_ROLES: dict[str, frozenset[str]] = {
    "product": frozenset({Role.PRODUCT_MANAGER}),
    "technical": frozenset({Role.ARCHITECT, Role.TECH_LEAD}),
}

TABLE: dict[Action, Rule] = {
    Action.ACCEPT: Rule(frozenset({S.PENDING, S.SNOOZED}), S.ACCEPTED, TRIAGE),
    Action.REJECT: Rule(frozenset({S.PENDING, S.SNOOZED, S.ACCEPTED}), S.REJECTED, TRIAGE),
    Action.SNOOZE: Rule(frozenset({S.PENDING, S.ACCEPTED}), S.SNOOZED, TRIAGE),
    Action.UNSNOOZE: Rule(frozenset({S.SNOOZED}), S.PENDING, TRIAGE),
    Action.MARK_DUPLICATE: Rule(frozenset({S.PENDING, S.SNOOZED, S.ACCEPTED}), S.DUPLICATE, TRIAGE),
    Action.REOPEN: Rule(frozenset({S.REJECTED, S.DUPLICATE}), S.PENDING, TRIAGE),
    Action.REQUEST_REVIEW: Rule(frozenset({S.ACCEPTED}), S.IN_REVIEW, REQUESTERS),
    Action.APPROVE: Rule(frozenset({S.IN_REVIEW}), S.APPROVED, REVIEWERS),
    Action.REQUEST_CHANGES: Rule(frozenset({S.IN_REVIEW}), S.ACCEPTED, REVIEWERS),
    Action.WITHDRAW_REVIEW: Rule(frozenset({S.IN_REVIEW}), S.ACCEPTED, REQUESTERS),
    Action.START: Rule(frozenset({S.APPROVED}), S.IN_PROGRESS, DELIVERY),
    Action.COMPLETE: Rule(frozenset({S.IN_PROGRESS}), S.DONE, DELIVERY),
}


class Verdict(StrEnum):
    ALLOWED = "allowed"
    FORBIDDEN = "forbidden"  # the roles do not own the action: 403
    IMPOSSIBLE = "impossible"  # the action does not start from this status: 409


def rule(action: str) -> Rule:
    """The rule of an action; KeyError for an unknown one."""
    return TABLE[Action(action)]


def may_perform(roles: frozenset[str] | set[str], action: str) -> bool:
    """Whether any of the roles owns the action, whatever the requirement's status."""
    return bool(set(roles) & rule(action).roles)


def decide(roles: frozenset[str] | set[str], action: str, status: str) -> Verdict:
    if not may_perform(roles, action):
        return Verdict.FORBIDDEN
    if status not in rule(action).sources:
        return Verdict.IMPOSSIBLE
    return Verdict.ALLOWED


def available(roles: frozenset[str] | set[str], status: str) -> list[Action]:
    """The actions these roles may perform on a requirement in this status, in table order."""
    return [a for a in TABLE if decide(roles, a, status) == Verdict.ALLOWED]


def capacities_for(roles: frozenset[str] | set[str]) -> list[str]:
    """The review capacities someone with these roles may fill (an admin alone fills none)."""
    return [c for c, owners in CAPACITY_ROLES.items() if set(roles) & owners]


def owners(action: str) -> list[str]:
    """The roles owning an action, sorted, for messages."""
    return sorted(str(r) for r in rule(action).roles)
