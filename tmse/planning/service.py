"""Projects, releases, milestones and freeze windows: create, change, remove, list. Every write
is audited; bad input is one 422 naming the fields and changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.errors import InvalidInput, NotFound, check_version
from tmse.core.identity.models import Team, User
from tmse.core.pagination import ListParams, paginate
from tmse.core.permissions import DELIVERY_WRITE
from tmse.planning.models import FreezeWindow, Milestone, Project, Release
from tmse.planning.queries import FreezeWindowRow, freeze_window_row
from tmse.planning.schemas import (
    FreezeWindowCreate,
    FreezeWindowEdit,
    MilestoneCreate,
    MilestoneUpdate,
    ProjectCreate,
    ProjectUpdate,
    ReleaseCreate,
    ReleaseUpdate,
)

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
RELEASE_FIELDS = ("project_id", "name", "planned_on", "released_on", "must_effort_limit_pct")
MILESTONE_FIELDS = ("project_id", "name", "due_on", "reached_on")
FREEZE_WINDOW_FIELDS = ("name", "project_id", "release_id", "starts_on", "ends_on", "reason")


def date_order_error(
    start: dt.date | None, end: dt.date | None, end_field: str, start_field: str
) -> dict[str, Any] | None:
    """The 422 error entry for an end before its start, or None."""
    if start is not None and end is not None and end < start:
        return {"field": end_field, "message": f"must not be before {start_field} ({start})"}
    return None


def snapshot(entity: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """The audited values of an entity."""
    return {f: getattr(entity, f) for f in fields}


def _raise(detail: str, errors: list[dict[str, Any]]) -> None:
    if errors:
        raise InvalidInput(detail, errors)


# --- projects --------------------------------------------------------------------------------


def allowed_actions(actor: Actor, project: Project | None = None) -> frozenset[str]:
    """What `actor` may do to `project` (or to projects at all): "create", "edit" and "plan"
    (phases, iterations, gates) for planners; the same for every project."""
    if actor.can(DELIVERY_WRITE):
        return frozenset({"create", "edit", "plan"})
    return frozenset()


def get_project(session: Session, project_id: int) -> Project:
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound(f"Project {project_id} does not exist")
    return project


def _check_project(session: Session, values: dict[str, Any], project_id: int | None) -> None:
    errors: list[dict[str, Any]] = []
    for field, column in (("key", Project.key), ("name", Project.name)):
        if values.get(field) is not None:
            clash = session.scalar(select(Project.id).where(column == values[field]))
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


def delete_project(session: Session, actor: Actor, project: Project, version: int) -> None:
    """Remove a project; its caller has refused one still in use (delivery.service does)."""
    check_version("Project", project.version, version)
    project_id, before = project.id, snapshot(project, PROJECT_FIELDS)
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


# --- releases --------------------------------------------------------------------------------


def get_release(session: Session, release_id: int) -> Release:
    release = session.get(Release, release_id)
    if release is None:
        raise NotFound(f"Release {release_id} does not exist")
    return release


def _unique_in_project(
    session: Session,
    model: type[Release] | type[Milestone],
    project_id: int,
    name: str,
    own_id: int | None,
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
    after = snapshot(milestone, MILESTONE_FIELDS)
    audit.record(session, actor, "create", "milestone", milestone.id, None, after)
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
    after = snapshot(milestone, MILESTONE_FIELDS)
    audit.record(session, actor, "update", "milestone", milestone.id, before, after)
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


# --- freeze windows --------------------------------------------------------------------------
# Date ranges (inclusive) per project or release during which change control approves only
# emergency change requests; the writes return plain rows (planning.queries.FreezeWindowRow).


def _freeze_window(session: Session, window_id: int) -> FreezeWindow:
    window = session.get(FreezeWindow, window_id)
    if window is None:
        raise NotFound(f"Freeze window {window_id} does not exist")
    return window


def get_freeze_window(session: Session, window_id: int) -> FreezeWindowRow:
    return freeze_window_row(_freeze_window(session, window_id))


def _check_freeze_window(session: Session, values: dict[str, Any]) -> None:
    """Every problem of a window's values at once, as one 422."""
    errors: list[dict[str, Any]] = []
    project_id, release_id = values.get("project_id"), values.get("release_id")
    if project_id is None and release_id is None:
        errors.append({"field": "project_id", "message": "name a project or a release"})
    if project_id is not None and session.get(Project, project_id) is None:
        errors.append({"field": "project_id", "message": f"no project {project_id}"})
    if release_id is not None:
        release = session.get(Release, release_id)
        if release is None:
            errors.append({"field": "release_id", "message": f"no release {release_id}"})
        elif project_id is not None and release.project_id != project_id:
            errors.append(
                {"field": "release_id", "message": f"release {release_id} is not of this project"}
            )
    if values["ends_on"] < values["starts_on"]:
        errors.append({"field": "ends_on", "message": "must not be before starts_on"})
    _raise("The freeze window is not valid", errors)


def create_freeze_window(
    session: Session, actor: Actor, data: FreezeWindowCreate
) -> FreezeWindowRow:
    values = data.model_dump()
    _check_freeze_window(session, values)
    window = FreezeWindow(**values)
    session.add(window)
    session.flush()
    after = snapshot(window, FREEZE_WINDOW_FIELDS)
    audit.record(session, actor, "create", "freeze_window", window.id, None, after)
    return freeze_window_row(window)


def edit_freeze_window(
    session: Session, actor: Actor, window_id: int, data: FreezeWindowEdit
) -> FreezeWindowRow:
    window = _freeze_window(session, window_id)
    check_version("Freeze window", window.version, data.version)
    given = data.model_dump(exclude_unset=True, exclude={"version"})
    before = snapshot(window, FREEZE_WINDOW_FIELDS)
    _check_freeze_window(session, before | given)
    for name, value in given.items():
        setattr(window, name, value)
    session.flush()
    after = snapshot(window, FREEZE_WINDOW_FIELDS)
    audit.record(session, actor, "edit", "freeze_window", window.id, before, after)
    return freeze_window_row(window)


def delete_freeze_window(session: Session, actor: Actor, window_id: int) -> None:
    window = _freeze_window(session, window_id)
    before = snapshot(window, FREEZE_WINDOW_FIELDS)
    audit.record(session, actor, "delete", "freeze_window", window.id, before, None)
    session.delete(window)
    session.flush()
