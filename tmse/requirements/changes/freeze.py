"""Freeze windows: date ranges (inclusive) per project or release during which only emergency
change requests may be approved; create, edit, delete, list, and the window in force."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.errors import InvalidInput, NotFound, check_version
from tmse.core.pagination import ListParams, paginate
from tmse.planning.models import FreezeWindow, Project, Release
from tmse.requirements.changes.schemas import FreezeWindowCreate, FreezeWindowEdit
from tmse.requirements.models import Requirement


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def snapshot(window: FreezeWindow) -> dict[str, Any]:
    return {
        "name": window.name,
        "project_id": window.project_id,
        "release_id": window.release_id,
        "starts_on": window.starts_on,
        "ends_on": window.ends_on,
        "reason": window.reason,
    }


def get_freeze_window(session: Session, window_id: int) -> FreezeWindow:
    window = session.get(FreezeWindow, window_id)
    if window is None:
        raise NotFound(f"Freeze window {window_id} does not exist")
    return window


def _validate(session: Session, values: dict[str, Any]) -> None:
    """Every problem of a window's values at once, as one 422."""
    errors: list[dict[str, str]] = []
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
    if errors:
        raise InvalidInput("The freeze window is not valid", errors)


def create_freeze_window(session: Session, actor: Actor, data: FreezeWindowCreate) -> FreezeWindow:
    values = data.model_dump()
    _validate(session, values)
    window = FreezeWindow(**values)
    session.add(window)
    session.flush()
    audit.record(session, actor, "create", "freeze_window", window.id, None, snapshot(window))
    return window


def edit_freeze_window(
    session: Session, actor: Actor, window_id: int, data: FreezeWindowEdit
) -> FreezeWindow:
    window = get_freeze_window(session, window_id)
    check_version("Freeze window", window.version, data.version)
    given = data.model_dump(exclude_unset=True, exclude={"version"})
    values = snapshot(window) | given
    _validate(session, values)
    before = snapshot(window)
    for name, value in given.items():
        setattr(window, name, value)
    session.flush()
    audit.record(session, actor, "edit", "freeze_window", window.id, before, snapshot(window))
    return window


def delete_freeze_window(session: Session, actor: Actor, window_id: int) -> None:
    window = get_freeze_window(session, window_id)
    audit.record(session, actor, "delete", "freeze_window", window.id, snapshot(window), None)
    session.delete(window)
    session.flush()


def freeze_windows_query(
    project_id: int | None = None, release_id: int | None = None, active_on: dt.date | None = None
) -> Select[Any]:
    stmt = select(FreezeWindow)
    if project_id is not None:
        stmt = stmt.where(FreezeWindow.project_id == project_id)
    if release_id is not None:
        stmt = stmt.where(FreezeWindow.release_id == release_id)
    if active_on is not None:
        stmt = stmt.where(FreezeWindow.starts_on <= active_on, FreezeWindow.ends_on >= active_on)
    return stmt


def list_freeze_windows(
    session: Session, params: ListParams, **filters: Any
) -> tuple[list[FreezeWindow], int]:
    sortable = {
        "id": FreezeWindow.id,
        "starts_on": FreezeWindow.starts_on,
        "ends_on": FreezeWindow.ends_on,
        "name": FreezeWindow.name,
    }
    return paginate(
        session, freeze_windows_query(**filters), params, sortable, "-starts_on", FreezeWindow.id
    )


def freeze_covering(
    session: Session,
    project_ids: set[int],
    release_ids: set[int],
    on_date: dt.date,
) -> FreezeWindow | None:
    """The window in force on `on_date` for any of these projects or releases; of several,
    the one ending last (it blocks longest)."""
    scopes = []
    if project_ids:
        scopes.append(FreezeWindow.project_id.in_(sorted(project_ids)))
    if release_ids:
        scopes.append(FreezeWindow.release_id.in_(sorted(release_ids)))
    if not scopes:
        return None
    stmt = (
        freeze_windows_query(active_on=on_date)
        .where(or_(*scopes))
        .order_by(FreezeWindow.ends_on.desc(), FreezeWindow.id)
        .limit(1)
    )
    window: FreezeWindow | None = session.scalar(stmt)
    return window


def scopes_of(
    session: Session, project_id: int | None, release_id: int | None
) -> tuple[set[int], set[int]]:
    """The project ids and release ids a requirement planned there falls under (a release's
    project included)."""
    projects = {project_id} if project_id is not None else set()
    releases = {release_id} if release_id is not None else set()
    if release_id is not None:
        release_project = session.scalar(select(Release.project_id).where(Release.id == release_id))
        if release_project is not None:
            projects.add(release_project)
    return projects, releases


def active_freeze(
    session: Session, requirement: Requirement, on_date: dt.date | None = None
) -> FreezeWindow | None:
    """The freeze window covering the requirement's project or release on `on_date` (today)."""
    projects, releases = scopes_of(session, requirement.project_id, requirement.release_id)
    return freeze_covering(session, projects, releases, on_date or today())


def active_scopes(session: Session, on_date: dt.date) -> list[FreezeWindow]:
    """Every window in force on a date (few at any time): lists mark blocked rows from these."""
    return list(session.scalars(freeze_windows_query(active_on=on_date)))


def describe(session: Session, window: FreezeWindow) -> str:
    """'Freeze window "Year-end": release "2026.12" of project PAY is frozen from 2026-11-20 to
    2026-12-05 (year-end freeze)' — the window's name, scope, dates and reason."""
    if window.release_id is not None:
        release = session.get(Release, window.release_id)
        project = session.get(Project, release.project_id) if release else None
        scope = f'release "{release.name if release else window.release_id}"'
        if project is not None:
            scope += f" of project {project.key}"
    else:
        project = session.get(Project, window.project_id)
        scope = f"project {project.key if project else window.project_id}"
    reason = f" ({window.reason})" if window.reason else ""
    return (
        f'Freeze window "{window.name}": {scope} is frozen from '
        f"{window.starts_on.isoformat()} to {window.ends_on.isoformat()}{reason}"
    )
