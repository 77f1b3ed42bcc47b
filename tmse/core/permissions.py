"""Roles, the permissions each grants, and the one `require(permission)` check every route uses."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    COMMITTEE = "committee"
    ARCHITECT = "architect"
    PRODUCT_MANAGER = "product_manager"
    TECH_LEAD = "tech_lead"
    ENGINEER = "engineer"
    SRE = "sre"
    VIEWER = "viewer"


# Permissions are "<area>:<verb>". Every signed-in role may read; writes are granted per role.
# A viewer writes nothing but its own state: notification read marks and preferences
# (PROFILE_WRITE); it holds no token-, link- or answer-writing permission.
READ = "read"
ORG_WRITE = "org:write"
AUDIT_READ = "audit:read"
TOKENS_WRITE = "tokens:write"
LINKS_WRITE = "links:write"
LINKS_CLEAR = "links:clear"
PROFILE_WRITE = "profile:write"
CATALOG_WRITE = "catalog:write"
DECISIONS_WRITE = "decisions:write"
# Running a conformance check writes nothing, but it is a POST of the caller's own material:
# offered to everyone who contributes, not to read-only viewers.
STANDARDS_CHECK = "standards:check"
# The standards registry, scorecard levels, campaigns and layering rules.
STANDARDS_WRITE = "standards:write"
# Facts about a service that pipelines report: security scan results, coverage, TLS, ...
FACTS_WRITE = "facts:write"
REVIEWS_REQUEST = "reviews:request"
# Deciding an architecture review is the architects' (and the committee's) call.
REVIEWS_DECIDE = "reviews:decide"
# Module 1. Who may perform each requirement transition is decided per transition
# (requirements/workflow.py); these guard the routes.
STRATEGY_WRITE = "strategy:write"
REQUIREMENTS_WRITE = "requirements:write"
# Custom field definitions: administrators only.
REQUIREMENTS_CONFIGURE = "requirements:configure"
KANO_WRITE = "kano:write"
# Answering a Kano survey through the API as oneself; the share link needs no permission.
KANO_RESPOND = "kano:respond"
BASELINES_WRITE = "baselines:write"
CHANGES_REQUEST = "changes:request"
CHANGES_DECIDE = "changes:decide"
DELIVERY_WRITE = "delivery:write"
GATES_DECIDE = "gates:decide"
# Module 3: CI/CD and incident tools delivering deployments, incidents and pipeline events.
DEVOPS_INGEST = "devops:ingest"

_CONTRIBUTOR = {
    READ,
    TOKENS_WRITE,
    LINKS_WRITE,
    PROFILE_WRITE,
    STANDARDS_CHECK,
    FACTS_WRITE,
    DEVOPS_INGEST,
    REVIEWS_REQUEST,
    REQUIREMENTS_WRITE,
    CHANGES_REQUEST,
    KANO_RESPOND,
}
_REVIEWER = _CONTRIBUTOR | {LINKS_CLEAR}

ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.ADMIN: frozenset({"*"}),
    Role.COMMITTEE: frozenset(
        _REVIEWER
        | {AUDIT_READ, CATALOG_WRITE, DECISIONS_WRITE, STANDARDS_WRITE, REVIEWS_DECIDE}
        | {STRATEGY_WRITE, KANO_WRITE, BASELINES_WRITE, CHANGES_DECIDE, DELIVERY_WRITE}
        | {GATES_DECIDE}
    ),
    Role.ARCHITECT: frozenset(
        _REVIEWER | {CATALOG_WRITE, DECISIONS_WRITE, STANDARDS_WRITE, REVIEWS_DECIDE, GATES_DECIDE}
    ),
    Role.PRODUCT_MANAGER: frozenset(
        _REVIEWER
        | {STRATEGY_WRITE, KANO_WRITE, BASELINES_WRITE, CHANGES_DECIDE, DELIVERY_WRITE}
        | {GATES_DECIDE}
    ),
    Role.TECH_LEAD: frozenset(
        _REVIEWER | {CATALOG_WRITE, DECISIONS_WRITE, DELIVERY_WRITE, GATES_DECIDE}
    ),
    Role.ENGINEER: frozenset(_CONTRIBUTOR | {CATALOG_WRITE}),
    Role.SRE: frozenset(_CONTRIBUTOR | {CATALOG_WRITE}),
    Role.VIEWER: frozenset({READ, PROFILE_WRITE}),
}


def permissions_for(roles: list[str] | set[str] | frozenset[str]) -> frozenset[str]:
    granted: set[str] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS.get(Role(role), frozenset())
    return frozenset(granted)


def allows(granted: frozenset[str], permission: str) -> bool:
    return "*" in granted or permission in granted
