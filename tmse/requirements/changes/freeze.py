"""Freeze windows as change control sees them: the scopes a requirement falls under, and the
sentence naming a window. The windows are planning's: planning.service writes them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tmse.planning import queries as planning
from tmse.planning.queries import FreezeWindowRow


def scopes_of(
    session: Session, project_id: int | None, release_id: int | None
) -> tuple[set[int], set[int]]:
    """The project ids and release ids a requirement planned there falls under (a release's
    project included)."""
    projects = {project_id} if project_id is not None else set()
    releases = {release_id} if release_id is not None else set()
    if release_id is not None:
        projects |= set(planning.projects_of_releases(session, [release_id]).values())
    return projects, releases


def describe(session: Session, window: FreezeWindowRow) -> str:
    """'Freeze window "Year-end": release "2026.12" of project PAY is frozen from 2026-11-20 to
    2026-12-05 (year-end freeze)' — the window's name, scope, dates and reason."""
    scope = planning.freeze_scope(session, window)
    reason = f" ({window.reason})" if window.reason else ""
    return (
        f'Freeze window "{window.name}": {scope} is frozen from '
        f"{window.starts_on.isoformat()} to {window.ends_on.isoformat()}{reason}"
    )
