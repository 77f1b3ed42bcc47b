"""The facts behind a release's change metrics: its change requests and its baselined effort."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tmse.core.errors import NotFound
from tmse.planning import queries as planning
from tmse.planning.queries import PlannedIn
from tmse.requirements.baselines.models import Baseline, BaselineItem, BaselineStatus
from tmse.requirements.changes.metrics import ChangeFacts, ChangeMetrics, change_metrics
from tmse.requirements.changes.models import ChangeRequest


def baselined_effort(session: Session, release: PlannedIn) -> float | None:
    """Effort (person-days) of the release's requirements as signed; None when no approved
    baseline holds any."""
    # Per requirement: its item in the latest approved baseline of the release or its project
    # that holds it, counted when that item places it in this release.
    stmt = (
        select(BaselineItem.requirement_id, BaselineItem.fields)
        .join(Baseline, Baseline.id == BaselineItem.baseline_id)
        .where(
            Baseline.status == BaselineStatus.APPROVED,
            or_(Baseline.release_id == release.id, Baseline.project_id == release.project_id),
        )
        .order_by(Baseline.signed_at, Baseline.id)
    )
    latest: dict[int, dict[str, Any]] = {}
    for requirement_id, fields in session.execute(stmt):
        latest[requirement_id] = fields or {}
    held = [f for f in latest.values() if f.get("release_id") == release.id]
    if not held:
        return None
    total = sum((Decimal(str(f.get("effort_days") or 0)) for f in held), Decimal(0))
    return float(total)


def release_change_metrics(session: Session, release_id: int) -> tuple[PlannedIn, ChangeMetrics]:
    release = planning.release(session, release_id)
    if release is None:
        raise NotFound(f"Release {release_id} does not exist")
    rows = session.execute(
        select(
            ChangeRequest.status,
            ChangeRequest.submitted_at,
            ChangeRequest.approved_at,
            ChangeRequest.effort_delta,
        ).where(ChangeRequest.release_id == release.id)
    )
    facts = [ChangeFacts(r.status, r.submitted_at, r.approved_at, r.effort_delta) for r in rows]
    return release, change_metrics(facts, baselined_effort(session, release))
