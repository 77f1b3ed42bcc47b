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


def baselined_efforts(session: Session, releases: list[PlannedIn]) -> dict[int, float | None]:
    """Effort (person-days) of each release's requirements as signed, by release id; None when
    no approved baseline holds any."""
    # Per requirement: its item in the latest approved baseline of the release or its project
    # that holds it, counted when that item places it in this release. One read serves every
    # release: the approved items of their baselines, oldest signature first.
    if not releases:
        return {}
    stmt = (
        select(
            BaselineItem.requirement_id,
            BaselineItem.fields,
            Baseline.release_id,
            Baseline.project_id,
        )
        .join(Baseline, Baseline.id == BaselineItem.baseline_id)
        .where(
            Baseline.status == BaselineStatus.APPROVED,
            or_(
                Baseline.release_id.in_([r.id for r in releases]),
                Baseline.project_id.in_({r.project_id for r in releases}),
            ),
        )
        .order_by(Baseline.signed_at, Baseline.id)
    )
    items = session.execute(stmt).all()
    efforts: dict[int, float | None] = {}
    for release in releases:
        latest: dict[int, dict[str, Any]] = {}
        for requirement_id, fields, release_id, project_id in items:
            if release_id == release.id or project_id == release.project_id:
                latest[requirement_id] = fields or {}
        held = [f for f in latest.values() if f.get("release_id") == release.id]
        total = sum((Decimal(str(f.get("effort_days") or 0)) for f in held), Decimal(0))
        efforts[release.id] = float(total) if held else None
    return efforts


def releases_change_metrics(
    session: Session, release_ids: list[int]
) -> dict[int, tuple[PlannedIn, ChangeMetrics]]:
    """Each existing release's change metrics, by id, in three reads whatever their number."""
    releases = planning.releases_by_id(session, release_ids)
    facts: dict[int, list[ChangeFacts]] = {release_id: [] for release_id in releases}
    rows = session.execute(
        select(
            ChangeRequest.release_id,
            ChangeRequest.status,
            ChangeRequest.submitted_at,
            ChangeRequest.approved_at,
            ChangeRequest.effort_delta,
        )
        .where(ChangeRequest.release_id.in_(list(releases)))
        .order_by(ChangeRequest.release_id, ChangeRequest.id)
    )
    for r in rows:
        facts[r.release_id].append(
            ChangeFacts(r.status, r.submitted_at, r.approved_at, r.effort_delta)
        )
    efforts = baselined_efforts(session, list(releases.values()))
    return {
        release_id: (release, change_metrics(facts[release_id], efforts[release_id]))
        for release_id, release in releases.items()
    }


def release_change_metrics(session: Session, release_id: int) -> tuple[PlannedIn, ChangeMetrics]:
    found = releases_change_metrics(session, [release_id]).get(release_id)
    if found is None:
        raise NotFound(f"Release {release_id} does not exist")
    return found
