"""Read models of projects, releases and milestones for pages and the domains above planning."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tmse.planning.models import Milestone, Project, Release

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
