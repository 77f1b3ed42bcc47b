"""Comparing a baseline with another one or with the requirements now."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.core.errors import InvalidInput
from tmse.core.input_types import parse_int32
from tmse.requirements.baselines import diff as diffing
from tmse.requirements.baselines.models import Baseline, BaselineItem
from tmse.requirements.baselines.queries import baseline_snapshot, capture, get_baseline
from tmse.requirements.baselines.snapshot import SnapshotItem
from tmse.requirements.models import Requirement

NOW = "now"


def current_items(session: Session, baseline: Baseline) -> list[SnapshotItem]:
    """The baseline's requirements as they are now, plus those its selection matches now."""
    ids = set(
        session.scalars(
            select(BaselineItem.requirement_id).where(BaselineItem.baseline_id == baseline.id)
        )
    )
    selection = baseline.selection or {}
    if "requirement_ids" not in selection and (
        selection.get("project_id") is not None or selection.get("release_id") is not None
    ):
        stmt = select(Requirement.id)
        if selection.get("project_id") is not None:
            stmt = stmt.where(Requirement.project_id == selection["project_id"])
        if selection.get("release_id") is not None:
            stmt = stmt.where(Requirement.release_id == selection["release_id"])
        if selection.get("statuses"):
            stmt = stmt.where(Requirement.status.in_(selection["statuses"]))
        ids |= set(session.scalars(stmt))
    return capture(session, ids)


def parse_against(against: str) -> int | str:
    if against == NOW:
        return NOW
    if (baseline_id := parse_int32(against)) is not None:
        return baseline_id
    raise InvalidInput(
        "Bad comparison", [{"field": "against", "message": "a baseline id or 'now'"}]
    )


def diff_baseline(session: Session, baseline_id: int, against: str) -> diffing.Diff:
    """From baseline `baseline_id` (before) to another baseline or to now (after)."""
    target = parse_against(against)
    baseline = get_baseline(session, baseline_id)
    before = baseline_snapshot(session, baseline.id)
    if target == NOW:
        after = current_items(session, baseline)
    else:
        assert isinstance(target, int)
        if session.get(Baseline, target) is None:
            raise InvalidInput(
                "Bad comparison", [{"field": "against", "message": f"no baseline {target}"}]
            )
        after = baseline_snapshot(session, target)
    return diffing.diff(before, after)
