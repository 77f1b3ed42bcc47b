"""The workflow table, exhaustively: every action × every role × every status, as written down in
docs/requirements-review.md (the expectations, in tests/helpers/requirement_workflow.py, are that
document's table, typed by hand)."""

from __future__ import annotations

import itertools

import pytest

from tests.helpers.requirement_workflow import ADMIN, ARCH, ENG, EXPECTED, PM, TL
from tmse.core.permissions import Role
from tmse.requirements import workflow
from tmse.requirements.models import RequirementStatus
from tmse.requirements.workflow import Action, Verdict

ROLES = [r.value for r in Role]
STATUSES = [s.value for s in RequirementStatus]


def test_the_table_has_every_action_and_nothing_else():
    assert set(EXPECTED) == {a.value for a in Action}
    assert len(ROLES) == 8 and len(STATUSES) == 9


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_every_role_in_every_status(action):
    sources, target, owners = EXPECTED[action]
    assert workflow.rule(action).target == target
    for role, status in itertools.product(ROLES, STATUSES):
        verdict = workflow.decide({role}, action, status)
        if role not in owners:
            expected = Verdict.FORBIDDEN
        elif status not in sources:
            expected = Verdict.IMPOSSIBLE
        else:
            expected = Verdict.ALLOWED
        assert verdict == expected, (action, role, status)


def test_admin_never_counts_as_a_reviewer():
    assert workflow.decide({ADMIN}, "approve", "in-review") == Verdict.FORBIDDEN
    assert workflow.decide({ADMIN}, "request-changes", "in-review") == Verdict.FORBIDDEN
    assert workflow.capacities_for({ADMIN}) == []
    # ... but an administrator who is also a product manager reviews as the product manager.
    assert workflow.decide({ADMIN, PM}, "approve", "in-review") == Verdict.ALLOWED
    assert workflow.capacities_for({ADMIN, PM}) == ["product"]


def test_capacities_follow_the_roles():
    assert workflow.capacities_for({PM}) == ["product"]
    assert workflow.capacities_for({ARCH}) == ["technical"]
    assert workflow.capacities_for({TL, ENG}) == ["technical"]
    assert workflow.capacities_for({PM, ARCH}) == ["product", "technical"]
    for role in ("committee", "engineer", "sre", "viewer"):
        assert workflow.capacities_for({role}) == []


def test_several_roles_combine_and_no_roles_allow_nothing():
    assert workflow.available({ENG, PM}, "pending") == [
        Action.ACCEPT,
        Action.REJECT,
        Action.SNOOZE,
        Action.MARK_DUPLICATE,
    ]
    assert workflow.available({ENG}, "approved") == [Action.START]
    assert workflow.available({TL}, "in-review") == [
        Action.APPROVE,
        Action.REQUEST_CHANGES,
        Action.WITHDRAW_REVIEW,
    ]
    for status in STATUSES:
        assert workflow.available(set(), status) == []
        assert workflow.available({"viewer", "committee", "sre"}, status) == []
    assert workflow.available({ADMIN}, "done") == []


def test_who_owns_an_action_reads_well_in_messages():
    assert workflow.owners("approve") == ["architect", "product_manager", "tech_lead"]
    assert workflow.may_perform({ENG}, "complete") and not workflow.may_perform({ENG}, "accept")
    with pytest.raises(ValueError):
        workflow.rule("promote")
