"""Reading change requests: filtered pages, the board's queue, the response models, and the names,
impact closure, freeze windows and metrics their pages show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.db import utctoday
from tmse.core.pagination import ListParams, paginate
from tmse.core.permissions import CHANGES_DECIDE, Role
from tmse.planning import queries as planning
from tmse.planning.queries import FreezeWindowRow, PlannedIn
from tmse.requirements.changes.impact_queries import labels_of
from tmse.requirements.changes.metrics_queries import releases_change_metrics
from tmse.requirements.changes.models import (
    OPEN_STATUSES,
    BoardSeat,
    ChangeRequest,
    ChangeRequestApproval,
    ChangeRequestStatus,
)
from tmse.requirements.changes.schemas import (
    ApprovalOut,
    ChangeRequestOut,
    ChangeRequestSummary,
    FreezeOut,
)
from tmse.requirements.models import Requirement

# Downstream nodes listed per kind on a change request's page.
IMPACT_LISTED = 300
# Releases shown in the metrics chart: those with the most recent change requests.
METRIC_RELEASES = 8

SORTABLE = {
    "id": ChangeRequest.id,
    "status": ChangeRequest.status,
    "created_at": ChangeRequest.created_at,
    "updated_at": ChangeRequest.updated_at,
    "submitted_at": ChangeRequest.submitted_at,
    "effort_delta": ChangeRequest.effort_delta,
}


def approvals_of(session: Session, change_request_id: int) -> list[ChangeRequestApproval]:
    stmt = (
        select(ChangeRequestApproval)
        .where(ChangeRequestApproval.change_request_id == change_request_id)
        .order_by(ChangeRequestApproval.id)
    )
    return list(session.scalars(stmt))


def change_requests_query(
    status: str | None = None,
    requirement_id: int | None = None,
    project_id: int | None = None,
    release_id: int | None = None,
    open_only: bool = False,
) -> Select[Any]:
    stmt = select(ChangeRequest)
    if status:
        stmt = stmt.where(ChangeRequest.status == status)
    if open_only:
        stmt = stmt.where(ChangeRequest.status.in_(sorted(OPEN_STATUSES)))
    if requirement_id is not None:
        stmt = stmt.where(ChangeRequest.requirement_id == requirement_id)
    if project_id is not None:
        stmt = stmt.where(ChangeRequest.project_id == project_id)
    if release_id is not None:
        stmt = stmt.where(ChangeRequest.release_id == release_id)
    return stmt


def list_change_requests(
    session: Session, params: ListParams, **filters: Any
) -> tuple[list[ChangeRequest], int]:
    return paginate(
        session, change_requests_query(**filters), params, SORTABLE, "-id", ChangeRequest.id
    )


def awaiting_decision(session: Session, actor: Actor, limit: int = 100) -> list[ChangeRequest]:
    """Submitted requests where this person may still take a board seat, oldest first."""
    # Committee members see those with no committee decision yet; a product manager those of
    # their requirements (or of requirements with no product manager) with no PM decision yet.
    if actor.user_id is None or not actor.can(CHANGES_DECIDE):
        return []
    seat_open = []

    def undecided(seat: str) -> Any:
        return (
            ~select(ChangeRequestApproval.id)
            .where(
                ChangeRequestApproval.change_request_id == ChangeRequest.id,
                ChangeRequestApproval.seat == seat,
            )
            .exists()
        )

    if Role.COMMITTEE in actor.roles:
        seat_open.append(undecided(BoardSeat.COMMITTEE))
    mine = Requirement.product_manager_id == actor.user_id
    if Role.PRODUCT_MANAGER in actor.roles:
        mine = or_(mine, Requirement.product_manager_id.is_(None))
    seat_open.append(and_(mine, undecided(BoardSeat.PRODUCT_MANAGER)))
    already = (
        select(ChangeRequestApproval.id)
        .where(
            ChangeRequestApproval.change_request_id == ChangeRequest.id,
            ChangeRequestApproval.user_id == actor.user_id,
        )
        .exists()
    )
    stmt = (
        select(ChangeRequest)
        .join(Requirement, Requirement.id == ChangeRequest.requirement_id)
        .where(ChangeRequest.status == ChangeRequestStatus.SUBMITTED, or_(*seat_open), ~already)
        .order_by(ChangeRequest.submitted_at, ChangeRequest.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def freeze_out(window: FreezeWindowRow) -> FreezeOut:
    return FreezeOut(
        id=window.id,
        name=window.name,
        starts_on=window.starts_on,
        ends_on=window.ends_on,
        reason=window.reason,
        project_id=window.project_id,
        release_id=window.release_id,
    )


class FreezeLookup:
    """The windows in force today, read once, to mark many requests as blocked."""

    def __init__(self, session: Session, on_date: dt.date | None = None) -> None:
        self.windows = planning.freeze_windows_active_on(session, on_date or utctoday())
        release_ids = {w.release_id for w in self.windows if w.release_id is not None}
        self.release_project: dict[int, int | None] = {}
        if release_ids:
            self.release_project = dict(planning.projects_of_releases(session, release_ids))
        self.session = session

    def blocking(
        self, change_request: ChangeRequest, requirement: Requirement | None
    ) -> FreezeWindowRow | None:
        if (
            not self.windows
            or change_request.emergency
            or change_request.status not in OPEN_STATUSES
        ):
            return None
        # Where the requirement is planned now (as the approval check reads it).
        planned = requirement or change_request
        projects = {planned.project_id}
        releases = {planned.release_id}
        for name, scope in (("project_id", projects), ("release_id", releases)):
            moved = change_request.changes.get(name)
            if isinstance(moved, int):
                scope.add(moved)
        release_projects = {self.release_project_of(r) for r in releases if r is not None}
        projects |= release_projects
        found = [
            w
            for w in self.windows
            if (w.project_id is not None and w.project_id in projects)
            or (w.release_id is not None and w.release_id in releases)
        ]
        return max(found, key=lambda w: (w.ends_on, -w.id)) if found else None

    def read_releases(self, release_ids: Iterable[int | None]) -> None:
        """Learn the projects of these releases in one read (`blocking` asks for them)."""
        unknown = {r for r in release_ids if r is not None and r not in self.release_project}
        if self.windows and unknown:
            found = planning.projects_of_releases(self.session, unknown)
            self.release_project.update({r: found.get(r) for r in unknown})

    def release_project_of(self, release_id: int) -> int | None:
        if release_id not in self.release_project:
            found = planning.projects_of_releases(self.session, [release_id])
            self.release_project[release_id] = found.get(release_id)
        return self.release_project[release_id]


def _requirements(session: Session, ids: set[int]) -> dict[int, Requirement]:
    if not ids:
        return {}
    rows = session.scalars(select(Requirement).where(Requirement.id.in_(sorted(ids))))
    return {r.id: r for r in rows}


def _summary_fields(
    change_request: ChangeRequest, requirement: Requirement | None, blocked: FreezeWindowRow | None
) -> dict[str, Any]:
    impact = change_request.impact or {}
    return {
        "id": change_request.id,
        "key": change_request.key,
        "requirement_id": change_request.requirement_id,
        "requirement_key": f"REQ-{change_request.requirement_id}",
        "requirement_title": requirement.title if requirement else "",
        "status": change_request.status,
        "emergency": change_request.emergency,
        "reason": change_request.reason,
        "project_id": change_request.project_id,
        "release_id": change_request.release_id,
        "effort_delta": change_request.effort_delta,
        "impact_counts": impact.get("counts", {}),
        "requested_by": change_request.requested_by,
        "blocked_by": freeze_out(blocked) if blocked else None,
        "version": change_request.version,
        "created_at": change_request.created_at,
        "updated_at": change_request.updated_at,
        "submitted_at": change_request.submitted_at,
        "approved_at": change_request.approved_at,
        "applied_at": change_request.applied_at,
    }


def summaries(
    session: Session, rows: Sequence[ChangeRequest], lookup: FreezeLookup | None = None
) -> list[ChangeRequestSummary]:
    """The rows as the lists show them; `lookup`: today's freeze windows, when already read."""
    requirements = _requirements(session, {r.requirement_id for r in rows})
    lookup = lookup or FreezeLookup(session)
    planned = [requirements.get(r.requirement_id) or r for r in rows]
    moved = [(r.changes or {}).get("release_id") for r in rows]
    lookup.read_releases([p.release_id for p in planned] + [m for m in moved if isinstance(m, int)])
    out = []
    for row in rows:
        requirement = requirements.get(row.requirement_id)
        fields = _summary_fields(row, requirement, lookup.blocking(row, requirement))
        out.append(ChangeRequestSummary(**fields))
    return out


def change_request_out(session: Session, change_request: ChangeRequest) -> ChangeRequestOut:
    requirement = session.get(Requirement, change_request.requirement_id)
    blocked = FreezeLookup(session).blocking(change_request, requirement)
    approvals = [
        ApprovalOut(
            username=a.username,
            seat=a.seat,
            decision=a.decision,
            comment=a.comment,
            created_at=a.created_at,
        )
        for a in approvals_of(session, change_request.id)
    ]
    return ChangeRequestOut(
        **_summary_fields(change_request, requirement, blocked),
        requirement_version=change_request.requirement_version,
        changes=change_request.changes,
        before=change_request.before,
        impact=change_request.impact or {},
        impact_computed_at=change_request.impact_computed_at,
        approvals=approvals,
    )


def release_names(session: Session, release_ids: set[int]) -> dict[int, str]:
    """{release id: "PAY 2026.12"}: the release's name, after its project's key."""
    return planning.release_keyed_names(session, release_ids)


def place_names(
    session: Session, impact: dict[str, Any], before: dict[str, Any], after: dict[str, Any]
) -> dict[str, dict[int, str]]:
    project_ids = set(impact.get("projects", []))
    release_ids = set(impact.get("releases", []))
    milestone_ids = set(impact.get("milestones", []))
    for values in (before, after):
        for name, target in (
            ("project_id", project_ids),
            ("release_id", release_ids),
            ("milestone_id", milestone_ids),
        ):
            if isinstance(values.get(name), int):
                target.add(values[name])
    return {
        "project": planning.project_labels(session, project_ids),
        "release": planning.release_keyed_names(session, release_ids),
        "milestone": planning.milestone_labels(session, milestone_ids),
    }


def impact_closure(session: Session, impact: dict[str, Any]) -> list[dict[str, Any]]:
    """The impact's downstream nodes grouped by kind, with names and levels, for listing."""
    depths = impact.get("depths", {})
    groups: list[tuple[str, list[int]]] = [("requirement", impact.get("requirements", []))]
    groups += sorted((impact.get("entities") or {}).items())
    refs = [(kind, entity_id) for kind, ids in groups for entity_id in ids[:IMPACT_LISTED]]
    names = labels_of(session, refs, limit=len(refs))
    listed = []
    for kind, ids in groups:
        if not ids:
            continue
        rows = []
        for entity_id in ids[:IMPACT_LISTED]:
            ref = f"{kind}:{entity_id}"
            label = names.get(ref, ref)
            url = None
            if kind == "requirement":
                url = f"/requirements/{entity_id}"
            elif kind == "service" and ref in names:
                url = f"/catalog/services/{label}"
            row = {"ref": ref, "id": entity_id, "label": label, "url": url}
            rows.append(row | {"depth": depths.get(ref)})
        rows.sort(key=lambda r: (r["depth"] or 0, r["id"]))
        listed.append({"kind": kind, "rows": rows, "total": len(ids)})
    return listed


def freeze_rows(session: Session) -> list[dict[str, Any]]:
    """Windows in force or to come (and the last ten days'), soonest first."""
    today = utctoday()
    windows = planning.freeze_windows_ending_from(session, today - dt.timedelta(days=10), limit=20)
    releases = planning.release_keyed_names(
        session, {w.release_id for w in windows if w.release_id}
    )
    projects = planning.project_keys(session, {w.project_id for w in windows if w.project_id})
    rows = []
    for w in windows:
        state = "active" if w.starts_on <= today <= w.ends_on else "past"
        if w.starts_on > today:
            state = "upcoming"
        scope = releases.get(w.release_id or 0) or projects.get(w.project_id or 0, "—")
        rows.append({"window": w, "scope": scope, "state": state})
    return rows


def release_metric_rows(session: Session) -> list[dict[str, Any]]:
    """The releases with the most recent change requests, by name, each with its metrics."""
    recent = session.execute(
        select(ChangeRequest.release_id, func.max(ChangeRequest.id).label("last"))
        .where(ChangeRequest.release_id.is_not(None))
        .group_by(ChangeRequest.release_id)
        .order_by(func.max(ChangeRequest.id).desc())
        .limit(METRIC_RELEASES)
    ).all()
    release_ids = [row.release_id for row in recent]
    names = release_names(session, set(release_ids))
    metrics = releases_change_metrics(session, release_ids)
    return [
        {"release_id": release_id, "name": names.get(release_id), "m": metrics[release_id][1]}
        for release_id in sorted(release_ids, key=lambda r: names.get(r, ""))
        if release_id in metrics  # a release deleted since the first read is left out
    ]


def status_counts(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(ChangeRequest.status, func.count()).group_by(ChangeRequest.status)
    ).all()
    return {status: count for status, count in rows}


def releases_of_project(session: Session, project_id: int | None) -> list[PlannedIn]:
    if project_id is None:
        return []
    return planning.releases_of_project(session, project_id)
