"""Rendering a change request's page and its form, shared by the pages and their form posts."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.permissions import CHANGES_DECIDE, CHANGES_REQUEST, Role
from tmse.delivery.models import Milestone, Project, Release
from tmse.requirements.changes import board, queries
from tmse.requirements.changes.impact_queries import labels_of
from tmse.requirements.changes.models import (
    OPEN_STATUSES,
    BoardSeat,
    ChangeRequest,
    ChangeRequestStatus,
)
from tmse.requirements.changes.view_labels import labels
from tmse.requirements.models import Requirement
from tmse.web.templating import render

# Downstream nodes listed per kind on a change request's page.
IMPACT_LISTED = 300


def release_names(session: Session, release_ids: set[int]) -> dict[int, str]:
    """{release id: "PAY 2026.12"}: the release's name, after its project's key."""
    if not release_ids:
        return {}
    rows = session.execute(
        select(Release.id, Release.name, Project.key)
        .join(Project, Project.id == Release.project_id)
        .where(Release.id.in_(sorted(release_ids)))
    )
    # Release names often start with the project's key already ("PAY 2.0").
    return {
        row.id: row.name if row.name.startswith(row.key) else f"{row.key} {row.name}"
        for row in rows
    }


def _place_names(
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
    projects = {}
    if project_ids:
        rows = session.execute(
            select(Project.id, Project.key, Project.name).where(Project.id.in_(project_ids))
        )
        projects = {r.id: f"{r.key} · {r.name}" for r in rows}
    milestones = {}
    if milestone_ids:
        rows = session.execute(
            select(Milestone.id, Milestone.name, Milestone.due_on).where(
                Milestone.id.in_(milestone_ids)
            )
        )
        milestones = {r.id: f"{r.name} ({r.due_on.isoformat()})" for r in rows}
    return {
        "project": projects,
        "release": release_names(session, release_ids),
        "milestone": milestones,
    }


def _closure(session: Session, impact: dict[str, Any]) -> list[dict[str, Any]]:
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
            rows.append({"ref": ref, "id": entity_id, "label": label, "url": url,
                         "depth": depths.get(ref)})  # fmt: skip
        rows.sort(key=lambda r: (r["depth"] or 0, r["id"]))
        listed.append({"kind": kind, "rows": rows, "total": len(ids)})
    return listed


def render_change_request(
    request: Request,
    session: Session,
    actor: Actor,
    change_request: ChangeRequest,
    *,
    message: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    flashes: list[dict[str, str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    out = queries.change_request_out(session, change_request)
    requirement = session.get(Requirement, change_request.requirement_id)
    assert requirement is not None
    taken = {a.seat: a for a in out.approvals}
    my_seats = board.seats_for(session, actor, requirement) if actor.user_id else []
    decided_by_me = any(a.username == actor.username for a in out.approvals)
    open_seat = next((s for s in my_seats if s not in taken), None)
    own = change_request.requested_by_id == actor.user_id or Role.ADMIN in actor.roles
    is_open = change_request.status in OPEN_STATUSES
    impact = change_request.impact or {}
    return render(
        request,
        "requirements/changes/detail.html",
        {
            "active": "changes",
            "cr": out,
            "requirement": requirement,
            "rows": [
                {"field": name, "before": out.before.get(name), "after": value}
                for name, value in out.changes.items()
            ],
            "names": _place_names(session, impact, out.before, out.changes),
            "closure": _closure(session, impact),
            "impact": impact,
            "seats": [{"seat": str(seat), "approval": taken.get(seat)} for seat in BoardSeat],
            "can_decide": (
                change_request.status == ChangeRequestStatus.SUBMITTED
                and actor.can(CHANGES_DECIDE)
                and open_seat is not None
                and not decided_by_me
            ),
            "my_seat": open_seat,
            "can_edit": is_open and own and actor.can(CHANGES_REQUEST),
            "can_submit": change_request.status == ChangeRequestStatus.DRAFT and own,
            "message": message,
            "errors": errors or {},
            "values": values or {},
            "flashes": flashes or [],
            "labels": labels(),
        },
        status_code=status_code,
    )
