"""Read models of projects, releases, milestones and freeze windows for pages and the domains
above planning."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, NamedTuple

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from tmse.core.pagination import ListParams, paginate
from tmse.planning.models import FreezeWindow, Milestone, Project, Release

# Plain rows, not ORM objects: a domain above reads planning's facts without holding its
# tables, so planning may change how it stores them.


class ProjectChoice(NamedTuple):
    id: int
    key: str
    name: str


class PlannedIn(NamedTuple):
    """A release or milestone: its id, the project it belongs to and its name."""

    id: int
    project_id: int
    name: str


class ReleaseLimit(NamedTuple):
    """A release's name and its Must-have effort limit (its own, else its project's)."""

    name: str
    limit_pct: int | None


def projects(session: Session) -> list[ProjectChoice]:
    """Every project, by key."""
    rows = session.execute(select(Project.id, Project.key, Project.name).order_by(Project.key))
    return [ProjectChoice(*row) for row in rows]


def releases(session: Session) -> list[PlannedIn]:
    """Every release, by project and name."""
    stmt = select(Release.id, Release.project_id, Release.name).order_by(
        Release.project_id, Release.name
    )
    return [PlannedIn(*row) for row in session.execute(stmt)]


def milestones(session: Session) -> list[PlannedIn]:
    """Every milestone, by due date."""
    stmt = select(Milestone.id, Milestone.project_id, Milestone.name).order_by(Milestone.due_on)
    return [PlannedIn(*row) for row in session.execute(stmt)]


def project_ids_by_key(session: Session) -> dict[str, int]:
    return {key: id_ for key, id_ in session.execute(select(Project.key, Project.id))}


def release_ids_by_name(session: Session) -> dict[tuple[int, str], int]:
    """Release ids by (project id, release name)."""
    stmt = select(Release.id, Release.project_id, Release.name)
    return {(project_id, name): id_ for id_, project_id, name in session.execute(stmt)}


def project_exists(session: Session, project_id: int) -> bool:
    return session.get(Project, project_id) is not None


def release(session: Session, release_id: int) -> PlannedIn | None:
    found = session.get(Release, release_id)
    return None if found is None else PlannedIn(found.id, found.project_id, found.name)


def releases_by_id(session: Session, release_ids: Iterable[int]) -> dict[int, PlannedIn]:
    """The given releases that exist, by id."""
    ids = sorted(set(release_ids))
    if not ids:
        return {}
    stmt = select(Release.id, Release.project_id, Release.name).where(Release.id.in_(ids))
    return {row.id: PlannedIn(*row) for row in session.execute(stmt)}


def milestone(session: Session, milestone_id: int) -> PlannedIn | None:
    found = session.get(Milestone, milestone_id)
    return None if found is None else PlannedIn(found.id, found.project_id, found.name)


def projects_of_releases(session: Session, release_ids: Iterable[int]) -> dict[int, int]:
    """The project id of each given release, by release id."""
    stmt = select(Release.id, Release.project_id).where(Release.id.in_(list(release_ids)))
    return {id_: project_id for id_, project_id in session.execute(stmt)}


def projects_of_milestones(session: Session, milestone_ids: Iterable[int]) -> dict[int, int]:
    """The project id of each given milestone, by milestone id."""
    stmt = select(Milestone.id, Milestone.project_id).where(Milestone.id.in_(list(milestone_ids)))
    return {id_: project_id for id_, project_id in session.execute(stmt)}


def must_effort_limit_pct(
    session: Session, project_id: int | None, release_id: int | None
) -> int | None:
    """The release's Must-have limit, else its (or the given) project's; None: neither has one."""
    if release_id is not None:
        found = session.get(Release, release_id)
        if found is not None:
            if found.must_effort_limit_pct is not None:
                return found.must_effort_limit_pct
            project_id = project_id or found.project_id
    if project_id is not None:
        project = session.get(Project, project_id)
        if project is not None and project.must_effort_limit_pct is not None:
            return project.must_effort_limit_pct
    return None


def release_limits(session: Session, project_id: int | None = None) -> dict[int, ReleaseLimit]:
    """Every release's name and Must-have limit (of one project, or all), by release id."""
    stmt = select(
        Release.id,
        Release.name,
        func.coalesce(Release.must_effort_limit_pct, Project.must_effort_limit_pct),
    ).join(Project, Project.id == Release.project_id)
    if project_id is not None:
        stmt = stmt.where(Release.project_id == project_id)
    return {id_: ReleaseLimit(name, limit) for id_, name, limit in session.execute(stmt)}


def project_keys(session: Session, project_ids: Iterable[int]) -> dict[int, str]:
    """The key of each given project, by project id."""
    ids = sorted(set(project_ids))
    if not ids:
        return {}
    rows = session.execute(select(Project.id, Project.key).where(Project.id.in_(ids)))
    return {id_: key for id_, key in rows}


def project_labels(session: Session, project_ids: Iterable[int]) -> dict[int, str]:
    """ "PAY · Payments" for each given project, by project id."""
    ids = sorted(set(project_ids))
    if not ids:
        return {}
    stmt = select(Project.id, Project.key, Project.name).where(Project.id.in_(ids))
    return {id_: f"{key} · {name}" for id_, key, name in session.execute(stmt)}


def release_keyed_names(session: Session, release_ids: Iterable[int]) -> dict[int, str]:
    """{release id: "PAY 2026.12"}: the release's name, after its project's key."""
    ids = sorted(set(release_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(Release.id, Release.name, Project.key)
        .join(Project, Project.id == Release.project_id)
        .where(Release.id.in_(ids))
    )
    # Release names often start with the project's key already ("PAY 2.0").
    return {id_: name if name.startswith(key) else f"{key} {name}" for id_, name, key in rows}


def project_names(session: Session, project_ids: Iterable[int]) -> dict[int, str]:
    """The name of each given project, by project id."""
    ids = sorted(set(project_ids))
    if not ids:
        return {}
    rows = session.execute(select(Project.id, Project.name).where(Project.id.in_(ids)))
    return {id_: name for id_, name in rows}


def release_names(session: Session, release_ids: Iterable[int]) -> dict[int, str]:
    """The name of each given release, by release id."""
    ids = sorted(set(release_ids))
    if not ids:
        return {}
    rows = session.execute(select(Release.id, Release.name).where(Release.id.in_(ids)))
    return {id_: name for id_, name in rows}


def projects_by_name(session: Session) -> list[ProjectChoice]:
    """Every project, by name."""
    stmt = select(Project.id, Project.key, Project.name).order_by(Project.name)
    return [ProjectChoice(*row) for row in session.execute(stmt)]


class ReleaseInProject(NamedTuple):
    id: int
    name: str
    project_name: str


def releases_by_project_name(session: Session) -> list[ReleaseInProject]:
    """Every release with its project's name, by project name and release name."""
    stmt = (
        select(Release.id, Release.name, Project.name)
        .join(Project, Project.id == Release.project_id)
        .order_by(Project.name, Release.name)
    )
    return [ReleaseInProject(*row) for row in session.execute(stmt)]


def milestone_labels(session: Session, milestone_ids: Iterable[int]) -> dict[int, str]:
    """ "Go-live (2026-11-30)" for each given milestone, by milestone id."""
    ids = sorted(set(milestone_ids))
    if not ids:
        return {}
    stmt = select(Milestone.id, Milestone.name, Milestone.due_on).where(Milestone.id.in_(ids))
    return {id_: f"{name} ({due_on.isoformat()})" for id_, name, due_on in session.execute(stmt)}


def releases_of_project(session: Session, project_id: int) -> list[PlannedIn]:
    """A project's releases, by name."""
    stmt = (
        select(Release.id, Release.project_id, Release.name)
        .where(Release.project_id == project_id)
        .order_by(Release.name)
    )
    return [PlannedIn(*row) for row in session.execute(stmt)]


# --- freeze windows ----------------------------------------------------------------------
class FreezeWindowRow(NamedTuple):
    """A freeze window as plain values (dates inclusive)."""

    id: int
    name: str
    project_id: int | None
    release_id: int | None
    starts_on: dt.date
    ends_on: dt.date
    reason: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


def freeze_window_row(window: FreezeWindow) -> FreezeWindowRow:
    return FreezeWindowRow(
        window.id,
        window.name,
        window.project_id,
        window.release_id,
        window.starts_on,
        window.ends_on,
        window.reason,
        window.version,
        window.created_at,
        window.updated_at,
    )


def _freeze_windows_query(
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
    session: Session,
    params: ListParams,
    project_id: int | None = None,
    release_id: int | None = None,
    active_on: dt.date | None = None,
) -> tuple[list[FreezeWindowRow], int]:
    sortable = {
        "id": FreezeWindow.id,
        "starts_on": FreezeWindow.starts_on,
        "ends_on": FreezeWindow.ends_on,
        "name": FreezeWindow.name,
    }
    stmt = _freeze_windows_query(project_id, release_id, active_on)
    rows, total = paginate(session, stmt, params, sortable, "-starts_on", FreezeWindow.id)
    return [freeze_window_row(w) for w in rows], total


def freeze_covering(
    session: Session, project_ids: set[int], release_ids: set[int], on_date: dt.date
) -> FreezeWindowRow | None:
    """The window in force on `on_date` for any of these projects or releases; of several, the
    one ending last (it blocks longest)."""
    scopes = []
    if project_ids:
        scopes.append(FreezeWindow.project_id.in_(sorted(project_ids)))
    if release_ids:
        scopes.append(FreezeWindow.release_id.in_(sorted(release_ids)))
    if not scopes:
        return None
    stmt = (
        _freeze_windows_query(active_on=on_date)
        .where(or_(*scopes))
        .order_by(FreezeWindow.ends_on.desc(), FreezeWindow.id)
        .limit(1)
    )
    window: FreezeWindow | None = session.scalar(stmt)
    return None if window is None else freeze_window_row(window)


def freeze_windows_active_on(session: Session, on_date: dt.date) -> list[FreezeWindowRow]:
    """Every window in force on a date (few at any time)."""
    windows = session.scalars(_freeze_windows_query(active_on=on_date))
    return [freeze_window_row(w) for w in windows]


def freeze_windows_ending_from(
    session: Session, on_date: dt.date, limit: int
) -> list[FreezeWindowRow]:
    """Windows ending on or after a date, soonest start first."""
    stmt = (
        select(FreezeWindow)
        .where(FreezeWindow.ends_on >= on_date)
        .order_by(FreezeWindow.starts_on, FreezeWindow.id)
        .limit(limit)
    )
    return [freeze_window_row(w) for w in session.scalars(stmt)]


def freeze_scope(session: Session, window: FreezeWindowRow) -> str:
    """'release "2026.12" of project PAY' or 'project PAY': what the window freezes."""
    if window.release_id is not None:
        release = session.get(Release, window.release_id)
        project = session.get(Project, release.project_id) if release else None
        scope = f'release "{release.name if release else window.release_id}"'
        if project is not None:
            scope += f" of project {project.key}"
        return scope
    project = session.get(Project, window.project_id)
    return f"project {project.key if project else window.project_id}"


class ReleaseShipping(NamedTuple):
    """A release and the day it shipped (None: still to ship)."""

    id: int
    project_id: int
    name: str
    released_on: dt.date | None


def releases_shipping(session: Session) -> list[ReleaseShipping]:
    """Every release with its ship date, by id."""
    stmt = select(Release.id, Release.project_id, Release.name, Release.released_on)
    return [ReleaseShipping(*row) for row in session.execute(stmt.order_by(Release.id))]
