"""Read models of requirements for pages, reports and other domains: form choices, a
requirement's trace links and history, the change requests naming it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tmse.core.audit import AuditEntry
from tmse.core.links.models import LinkState, TraceLink
from tmse.core.links.registry import registered_types
from tmse.planning import queries as planning
from tmse.requirements.balance import MustShare
from tmse.requirements.changes.models import OPEN_STATUSES, ChangeRequest
from tmse.requirements.changes.service import change_requests_for
from tmse.requirements.models import (
    Channel,
    MoSCoW,
    Requirement,
    RequirementStatus,
    RequirementType,
)
from tmse.requirements.moscow import must_effort_share as _must_effort_share
from tmse.requirements.traceability.levels import REGISTRY as TRACE_LEVELS

# Pages of the other ends of trace links, by linkable type.
ENTITY_PAGES = {
    "requirement": "/requirements/{id}",
    "initiative": "/strategy/initiatives/{id}",
    "goal": "/strategy/goals/{id}",
}


def form_choices(session: Session) -> dict[str, Any]:
    """What the backlog filters and the requirement form offer: projects, releases, milestones
    and the values of each enumerated field."""
    projects = planning.projects(session)
    releases = planning.releases(session)
    milestones = planning.milestones(session)
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
    # The other end's kind as the reader's word when it is a level of the chain ("Initiative").
    kind_labels = {level.type_name: level.label for level in TRACE_LEVELS.levels()}
    out: dict[str, list[dict[str, Any]]] = {"in": [], "out": []}
    links = list(rows)
    # The other ends, one read per kind (not one per link).
    ends: dict[str, set[int]] = defaultdict(set)
    for link in links:
        incoming = link.target_type == "requirement" and link.target_id == requirement.id
        if incoming:
            ends[link.source_type].add(link.source_id)
        else:
            ends[link.target_type].add(link.target_id)
    loaded: dict[str, dict[int, Any]] = {}
    for kind, ids in ends.items():
        if kind in types:
            model = types[kind].model
            found = session.scalars(select(model).where(model.id.in_(sorted(ids))))
            loaded[kind] = {entity.id: entity for entity in found}
    for link in links:
        incoming = link.target_type == "requirement" and link.target_id == requirement.id
        kind, other_id = (
            (link.source_type, link.source_id) if incoming else (link.target_type, link.target_id)
        )
        linkable = types.get(kind)
        entity = loaded[kind].get(other_id) if linkable else None
        label = linkable.label(entity) if linkable and entity is not None else f"{kind}:{other_id}"
        url = ENTITY_PAGES.get(kind, "").format(id=other_id) or None
        if kind == "service" and entity is not None:
            url = f"/catalog/services/{label}"
        out["in" if incoming else "out"].append(
            {
                "link": link,
                "kind": kind,
                "kind_label": kind_labels.get(kind),
                "id": other_id,
                "label": label,
                "url": url,
            }
        )
    return out


def change_requests(session: Session, requirement_id: int) -> list[Any]:
    """The change requests naming this requirement."""
    return list(change_requests_for(session, requirement_id))


# --- read models for delivery and strategy ----------------------------------------------------

# Requirements that will not be delivered: gates and plans leave them out.
NOT_DELIVERED = frozenset({RequirementStatus.REJECTED, RequirementStatus.DUPLICATE})


@dataclass(frozen=True)
class RequirementFacts:
    """What planning and delivery read of one requirement."""

    id: int
    title: str
    status: str
    moscow: str | None
    effort_days: Decimal | None
    project_id: int | None


@dataclass(frozen=True)
class RequirementRow:
    id: int
    title: str
    status: str


@dataclass(frozen=True)
class LinkedRequirement:
    id: int
    title: str
    status: str
    state: str


def requirement_counts_by_project(session: Session, project_ids: Iterable[int]) -> dict[int, int]:
    """How many requirements each project has (projects without any are left out)."""
    ids = list(project_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Requirement.project_id, func.count())
        .where(Requirement.project_id.in_(ids))
        .group_by(Requirement.project_id)
    )
    return {project_id: count for project_id, count in rows if project_id is not None}


def must_effort_share(session: Session, project_id: int) -> MustShare:
    """The project's Must-have effort against its limit (the MoSCoW balance)."""
    return _must_effort_share(session, project_id=project_id)


def must_requirement_statuses(
    session: Session, project_id: int, release_id: int | None = None
) -> list[tuple[int, str]]:
    """(id, status) of the Must requirements of a release, else of a project, that will be
    delivered (rejected and duplicate left out), by id."""
    stmt = select(Requirement.id, Requirement.status).where(
        Requirement.moscow == MoSCoW.MUST, Requirement.status.not_in(list(NOT_DELIVERED))
    )
    if release_id is not None:
        stmt = stmt.where(Requirement.release_id == release_id)
    else:
        stmt = stmt.where(Requirement.project_id == project_id)
    return [(row.id, row.status) for row in session.execute(stmt.order_by(Requirement.id))]


def traced_target_ids(session: Session, project_id: int, target_type: str) -> list[int]:
    """Ids of the `target_type` entities that the project's requirements have trace links to."""
    requirement_ids = select(Requirement.id).where(Requirement.project_id == project_id)
    stmt = select(TraceLink.target_id).where(
        TraceLink.source_type == "requirement",
        TraceLink.source_id.in_(requirement_ids),
        TraceLink.target_type == target_type,
    )
    return sorted(set(session.scalars(stmt)))


def open_change_request_ids(session: Session, project_id: int) -> list[int]:
    """Change requests of the project that are still drafts or waiting for the board, by id."""
    stmt = select(ChangeRequest.id).where(
        ChangeRequest.project_id == project_id, ChangeRequest.status.in_(list(OPEN_STATUSES))
    )
    return list(session.scalars(stmt.order_by(ChangeRequest.id)))


def _facts_query() -> Any:
    return select(
        Requirement.id,
        Requirement.title,
        Requirement.status,
        Requirement.moscow,
        Requirement.effort_days,
        Requirement.project_id,
    )


def requirement_facts(session: Session, ids: Iterable[int]) -> dict[int, RequirementFacts]:
    """The facts of these requirements by id; unknown ids are left out."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    stmt = _facts_query().where(Requirement.id.in_(wanted))
    return {row.id: RequirementFacts(*row) for row in session.execute(stmt)}


def project_requirement_facts(
    session: Session, project_id: int, statuses: Iterable[str] | None = None
) -> list[RequirementFacts]:
    """The project's requirements (of these statuses, when given), by id."""
    stmt = _facts_query().where(Requirement.project_id == project_id)
    if statuses is not None:
        stmt = stmt.where(Requirement.status.in_(list(statuses)))
    return [RequirementFacts(*row) for row in session.execute(stmt.order_by(Requirement.id))]


def existing_requirement_ids(session: Session, ids: Iterable[int]) -> set[int]:
    """Those of these ids that are requirements."""
    wanted = list(set(ids))
    if not wanted:
        return set()
    return set(session.scalars(select(Requirement.id).where(Requirement.id.in_(wanted))))


def requirement_statuses(session: Session) -> dict[int, str]:
    """Every requirement's status by id (one narrow read of the whole table)."""
    table = Requirement.__table__.c
    rows = session.connection().execute(select(table.id, table.status))
    return {requirement_id: status for requirement_id, status in rows}


def requirement_rows(session: Session, ids: list[int]) -> list[RequirementRow]:
    """(id, title, status) of these requirements, in the order given; unknown ids left out."""
    if not ids:
        return []
    stmt = select(Requirement.id, Requirement.title, Requirement.status)
    found = {r.id: RequirementRow(*r) for r in session.execute(stmt.where(Requirement.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def linked_requirements(
    session: Session,
    link_type: str,
    source_type: str,
    source_id: int,
    limit: int,
    offset: int,
) -> tuple[list[LinkedRequirement], int]:
    """A page of the requirements one entity links to (valid links), by id, and their total."""
    stmt = (
        select(Requirement.id, Requirement.title, Requirement.status, TraceLink.state)
        .join(TraceLink, TraceLink.target_id == Requirement.id)
        .where(
            TraceLink.link_type == link_type,
            TraceLink.source_type == source_type,
            TraceLink.source_id == source_id,
            TraceLink.target_type == "requirement",
            TraceLink.state != LinkState.INVALID,
        )
    )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(stmt.order_by(Requirement.id).limit(limit).offset(offset))
    return [LinkedRequirement(*row) for row in rows], total
