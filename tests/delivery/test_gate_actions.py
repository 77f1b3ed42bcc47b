"""What a gate offers whom: only its approvers who may decide gates get "decide", and only until
a Go or Kill closes it; planners may edit an open gate."""

from __future__ import annotations

from tmse.core.actor import Actor
from tmse.delivery.gates import allowed_actions
from tmse.delivery.models import GateStatus, StageGate

APPROVER = Actor(7, "pm", frozenset({"product_manager"}))
VIEWER_APPROVER = Actor(8, "viewer", frozenset({"viewer"}))
OTHER_PLANNER = Actor(9, "lead", frozenset({"tech_lead"}))


def _gate(status: str) -> StageGate:
    return StageGate(phase_id=1, name="Launch", approver_ids=[7, 8], status=status)


def test_an_approver_decides_an_open_gate() -> None:
    for status in (GateStatus.PENDING, GateStatus.HOLD, GateStatus.RECYCLE):
        assert allowed_actions(APPROVER, _gate(status)) == {"decide", "edit"}


def test_a_closed_gate_takes_no_decision_and_no_edit() -> None:
    for status in (GateStatus.GO, GateStatus.KILL):
        assert allowed_actions(APPROVER, _gate(status)) == frozenset()


def test_approvers_without_the_permission_and_planners_who_are_no_approvers() -> None:
    assert allowed_actions(VIEWER_APPROVER, _gate(GateStatus.PENDING)) == frozenset()
    assert allowed_actions(OTHER_PLANNER, _gate(GateStatus.PENDING)) == {"edit"}
