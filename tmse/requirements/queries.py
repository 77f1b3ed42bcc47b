"""Read models of requirements for pages, reports and other domains: form choices, a
requirement's trace links and history, the change requests naming it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.core.audit import AuditEntry
from tmse.core.links.models import TraceLink
from tmse.core.links.registry import registered_types
from tmse.planning.models import Milestone, Project, Release
from tmse.requirements.changes.service import change_requests_for
from tmse.requirements.models import (
    Channel,
    MoSCoW,
    Requirement,
    RequirementStatus,
    RequirementType,
)

# Pages of the other ends of trace links, by linkable type.
ENTITY_PAGES = {
    "requirement": "/requirements/{id}",
    "initiative": "/strategy/initiatives/{id}",
    "goal": "/strategy/goals/{id}",
}


def form_choices(session: Session) -> dict[str, Any]:
    """What the backlog filters and the requirement form offer: projects, releases, milestones
    and the values of each enumerated field."""
    projects = list(
        session.execute(select(Project.id, Project.key, Project.name).order_by(Project.key))
    )
    releases = list(
        session.execute(
            select(Release.id, Release.project_id, Release.name).order_by(
                Release.project_id, Release.name
            )
        )
    )
    milestones = list(
        session.execute(
            select(Milestone.id, Milestone.project_id, Milestone.name).order_by(Milestone.due_on)
        )
    )
    return {
        "projects": projects,
        "releases": releases,
        "milestones": milestones,
        "project_names": {p.id: p.key for p in projects},
        "release_names": {r.id: r.name for r in releases},
        "types": [str(t) for t in RequirementType],
        "moscows": [str(m) for m in MoSCoW],
        "statuses": [str(s) for s in RequirementStatus],
        "channels": [str(c) for c in Channel],
    }


def history(session: Session, requirement_id: int, limit: int = 100) -> list[AuditEntry]:
    """The audit entries written about a requirement, newest first."""
    return list(
        session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.entity_type == "requirement",
                AuditEntry.entity_id == str(requirement_id),
            )
            .order_by(AuditEntry.id.desc())
            .limit(limit)
        )
    )


def trace_links(session: Session, requirement: Requirement) -> dict[str, list[dict[str, Any]]]:
    """The requirement's incoming and outgoing trace links, each with the other end's label and
    page (when it has one)."""
    rows = session.scalars(
        select(TraceLink)
        .where(
            ((TraceLink.source_type == "requirement") & (TraceLink.source_id == requirement.id))
            | ((TraceLink.target_type == "requirement") & (TraceLink.target_id == requirement.id))
        )
        .order_by(TraceLink.id)
    )
    types = registered_types()
    out: dict[str, list[dict[str, Any]]] = {"in": [], "out": []}
    for link in rows:
        incoming = link.target_type == "requirement" and link.target_id == requirement.id
        kind, other_id = (
            (link.source_type, link.source_id) if incoming else (link.target_type, link.target_id)
        )
        linkable = types.get(kind)
        entity = linkable.load(session, other_id) if linkable else None
        label = linkable.label(entity) if linkable and entity is not None else f"{kind}:{other_id}"
        url = ENTITY_PAGES.get(kind, "").format(id=other_id) or None
        if kind == "service" and entity is not None:
            url = f"/catalog/services/{label}"
        out["in" if incoming else "out"].append(
            {"link": link, "kind": kind, "id": other_id, "label": label, "url": url}
        )
    return out


def change_requests(session: Session, requirement_id: int) -> list[Any]:
    """The change requests naming this requirement."""
    return list(change_requests_for(session, requirement_id))
