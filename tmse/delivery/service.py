"""Projects, releases and milestones: create, change, remove, list. Every write is audited; bad
input is one 422 naming the fields and changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.errors import Conflict, InvalidInput, NotFound, check_version
from tmse.core.identity.models import Team, User
from tmse.core.pagination import ListParams, paginate
from tmse.delivery.models import Milestone, Project, Release
from tmse.delivery.phase_models import Phase
from tmse.delivery.schemas import (
    MilestoneCreate,
    MilestoneUpdate,
    ProjectCreate,
    ProjectUpdate,
    ReleaseCreate,
    ReleaseUpdate,
)
from tmse.requirements.models import Requirement

PROJECT_FIELDS = (
    "key",
    "name",
    "description",
    "owner_id",
    "team_id",
    "status",
    "start_on",
    "end_on",
    "must_effort_limit_pct",
)


def date_order_error(
    start: dt.date | None, end: dt.date | None, end_field: str, start_field: str
) -> dict[str, Any] | None:
    if start is not None and end is not None and end < start:
        return {"field": end_field, "message": f"must not be before {start_field} ({start})"}
    return None


def snapshot(entity: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: getattr(entity, f) for f in fields}


def _raise(detail: str, errors: list[dict[str, Any]]) -> None:
    if errors:
        raise InvalidInput(detail, errors)


# --- projects --------------------------------------------------------------------------------


def get_project(session: Session, project_id: int) -> Project:
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound(f"Project {project_id} does not exist")
    return project


def _check_project(session: Session, values: dict[str, Any], project_id: int | None) -> None:
    errors: list[dict[str, Any]] = []
    for field, model, unique in (("key", Project.key, True), ("name", Project.name, True)):
        if unique and values.get(field) is not None:
            clash = session.scalar(select(Project.id).where(model == values[field]))
            if clash is not None and clash != project_id:
                errors.append({"field": field, "message": f"'{values[field]}' is taken"})
    if values.get("owner_id") is not None and session.get(User, values["owner_id"]) is None:
        errors.append({"field": "owner_id", "message": f"no user {values['owner_id']}"})
    if values.get("team_id") is not None and session.get(Team, values["team_id"]) is None:
        errors.append({"field": "team_id", "message": f"no team {values['team_id']}"})
    order = date_order_error(values.get("start_on"), values.get("end_on"), "end_on", "start_on")
    if order:
        errors.append(order)
    _raise("The project is not valid", errors)


def create_project(session: Session, actor: Actor, data: ProjectCreate) -> Project:
    values = data.model_dump()
    _check_project(session, values, None)
    project = Project(**values)
    session.add(project)
    session.flush()
    audit.record(
        session, actor, "create", "project", project.id, None, snapshot(project, PROJECT_FIELDS)
    )
    return project


def update_project(session: Session, actor: Actor, project_id: int, data: ProjectUpdate) -> Project:
    project = get_project(session, project_id)
    check_version("Project", project.version, data.version)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    for required in ("key", "name", "status", "must_effort_limit_pct", "description"):
        if required in changes and changes[required] is None:
            raise InvalidInput(
                "The project is not valid", [{"field": required, "message": "cannot be empty"}]
            )
    merged = snapshot(project, PROJECT_FIELDS) | changes
    _check_project(session, merged, project.id)
    before = snapshot(project, PROJECT_FIELDS)
    for field, value in changes.items():
        setattr(project, field, value)
    session.flush()
    audit.record(
        session, actor, "update", "project", project.id, before, snapshot(project, PROJECT_FIELDS)
    )
    return project


def delete_project(session: Session, actor: Actor, project_id: int, version: int) -> None:
    project = get_project(session, project_id)
    check_version("Project", project.version, version)
    ensure_unused(session, project)
    before = snapshot(project, PROJECT_FIELDS)
    session.delete(project)
    session.flush()
    audit.record(session, actor, "delete", "project", project_id, before, None)


def list_projects(
    session: Session, params: ListParams, status: str | None = None, q: str | None = None
) -> tuple[list[Project], int]:
    stmt = select(Project)
    if status:
        stmt = stmt.where(Project.status == status)
    if q:
        pattern = f"%{q.lower()}%"
        stmt = stmt.where(
            func.lower(Project.name).like(pattern) | func.lower(Project.key).like(pattern)
        )
    sortable = {
        "key": Project.key,
        "name": Project.name,
        "status": Project.status,
        "start_on": Project.start_on,
        "end_on": Project.end_on,
        "updated_at": Project.updated_at,
    }
    return paginate(session, stmt, params, sortable, "key", Project.id)


def project_mode(kinds: list[str]) -> str:
    """iterative / gated when every phase is of that kind, hybrid when mixed, none when empty."""
    found = set(kinds)
    if not found:
        return "none"
    if len(found) > 1:
        return "hybrid"
    return found.pop()


def summaries(session: Session, projects: list[Project]) -> list[dict[str, Any]]:
    """Projects with their mode, owner and team names, phase and requirement counts."""
    ids = [p.id for p in projects]
    kinds: dict[int, list[str]] = {i: [] for i in ids}
    for project_id, kind in session.execute(
        select(Phase.project_id, Phase.kind).where(Phase.project_id.in_(ids))
    ):
        kinds[project_id].append(kind)
    counts = dict(
        session.execute(
            select(Requirement.project_id, func.count())
            .where(Requirement.project_id.in_(ids))
            .group_by(Requirement.project_id)
        ).all()
    )
    users = dict(
        session.execute(
            select(User.id, User.username).where(
                User.id.in_({p.owner_id for p in projects if p.owner_id})
            )
        ).all()
    )
    teams = dict(
        session.execute(
            select(Team.id, Team.name).where(
                Team.id.in_({p.team_id for p in projects if p.team_id})
            )
        ).all()
    )
    return [
        snapshot(p, PROJECT_FIELDS)
        | {
            "id": p.id,
            "version": p.version,
            "created_at": p.created_at,
            "updated_at": p.updated_at,
            "mode": project_mode(kinds[p.id]),
            "owner": users.get(p.owner_id),
            "team": teams.get(p.team_id),
            "phase_count": len(kinds[p.id]),
            "requirement_count": counts.get(p.id, 0),
        }
        for p in projects
    ]


def must_share(session: Session, project: Project) -> dict[str, Any]:
    """The project's MoSCoW balance: Must-have effort against its limit."""
    from tmse.requirements.moscow import must_effort_share

    result = must_effort_share(session, project_id=project.id)
    return {
        "must_effort": result.must_effort,
        "total_effort": result.total_effort,
        "share_pct": result.share_pct,
        "limit_pct": result.limit_pct,
        "over_limit": result.over_limit,
    }


# --- releases --------------------------------------------------------------------------------

RELEASE_FIELDS = ("project_id", "name", "planned_on", "released_on", "must_effort_limit_pct")
MILESTONE_FIELDS = ("project_id", "name", "due_on", "reached_on")


def get_release(session: Session, release_id: int) -> Release:
    release = session.get(Release, release_id)
    if release is None:
        raise NotFound(f"Release {release_id} does not exist")
    return release


def _unique_in_project(
    session: Session, model: Any, project_id: int, name: str, own_id: int | None
) -> list[dict[str, Any]]:
    clash = session.scalar(
        select(model.id).where(model.project_id == project_id, model.name == name)
    )
    if clash is not None and clash != own_id:
        return [{"field": "name", "message": f"'{name}' already exists in this project"}]
    return []


def create_release(session: Session, actor: Actor, project_id: int, data: ReleaseCreate) -> Release:
    get_project(session, project_id)
    errors = _unique_in_project(session, Release, project_id, data.name, None)
    _raise("The release is not valid", errors)
    release = Release(project_id=project_id, **data.model_dump())
    session.add(release)
    session.flush()
    audit.record(
        session, actor, "create", "release", release.id, None, snapshot(release, RELEASE_FIELDS)
    )
    return release


def update_release(session: Session, actor: Actor, release_id: int, data: ReleaseUpdate) -> Release:
    release = get_release(session, release_id)
    check_version("Release", release.version, data.version)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    if "name" in changes:
        if changes["name"] is None:
            raise InvalidInput(
                "The release is not valid", [{"field": "name", "message": "cannot be empty"}]
            )
        _raise(
            "The release is not valid",
            _unique_in_project(session, Release, release.project_id, changes["name"], release.id),
        )
    before = snapshot(release, RELEASE_FIELDS)
    for field, value in changes.items():
        setattr(release, field, value)
    session.flush()
    audit.record(
        session, actor, "update", "release", release.id, before, snapshot(release, RELEASE_FIELDS)
    )
    return release


def delete_release(session: Session, actor: Actor, release_id: int, version: int) -> None:
    release = get_release(session, release_id)
    check_version("Release", release.version, version)
    before = snapshot(release, RELEASE_FIELDS)
    session.delete(release)
    session.flush()
    audit.record(session, actor, "delete", "release", release_id, before, None)


def list_releases(session: Session, project_id: int) -> list[Release]:
    get_project(session, project_id)
    return list(
        session.scalars(
            select(Release)
            .where(Release.project_id == project_id)
            .order_by(Release.planned_on.is_(None), Release.planned_on, Release.id)
        )
    )


# --- milestones ------------------------------------------------------------------------------


def get_milestone(session: Session, milestone_id: int) -> Milestone:
    milestone = session.get(Milestone, milestone_id)
    if milestone is None:
        raise NotFound(f"Milestone {milestone_id} does not exist")
    return milestone


def create_milestone(
    session: Session, actor: Actor, project_id: int, data: MilestoneCreate
) -> Milestone:
    get_project(session, project_id)
    _raise(
        "The milestone is not valid",
        _unique_in_project(session, Milestone, project_id, data.name, None),
    )
    milestone = Milestone(project_id=project_id, **data.model_dump())
    session.add(milestone)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "milestone",
        milestone.id,
        None,
        snapshot(milestone, MILESTONE_FIELDS),
    )
    return milestone


def update_milestone(
    session: Session, actor: Actor, milestone_id: int, data: MilestoneUpdate
) -> Milestone:
    milestone = get_milestone(session, milestone_id)
    check_version("Milestone", milestone.version, data.version)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    errors: list[dict[str, Any]] = []
    for required in ("name", "due_on"):
        if required in changes and changes[required] is None:
            errors.append({"field": required, "message": "cannot be empty"})
    if changes.get("name"):
        errors += _unique_in_project(
            session, Milestone, milestone.project_id, changes["name"], milestone.id
        )
    _raise("The milestone is not valid", errors)
    before = snapshot(milestone, MILESTONE_FIELDS)
    for field, value in changes.items():
        setattr(milestone, field, value)
    session.flush()
    audit.record(
        session,
        actor,
        "update",
        "milestone",
        milestone.id,
        before,
        snapshot(milestone, MILESTONE_FIELDS),
    )
    return milestone


def delete_milestone(session: Session, actor: Actor, milestone_id: int, version: int) -> None:
    milestone = get_milestone(session, milestone_id)
    check_version("Milestone", milestone.version, version)
    before = snapshot(milestone, MILESTONE_FIELDS)
    session.delete(milestone)
    session.flush()
    audit.record(session, actor, "delete", "milestone", milestone_id, before, None)


def list_milestones(session: Session, project_id: int) -> list[Milestone]:
    get_project(session, project_id)
    return list(
        session.scalars(
            select(Milestone)
            .where(Milestone.project_id == project_id)
            .order_by(Milestone.due_on, Milestone.id)
        )
    )


def ensure_unused(session: Session, project: Project) -> None:
    """A project with requirements is closed, not deleted (its requirements would lose it)."""
    used = session.scalar(select(func.count()).where(Requirement.project_id == project.id)) or 0
    if used:
        raise Conflict(
            f"Project {project.key} has {used} requirement(s); close it instead of deleting it.",
            requirements=used,
        )
