"""Delivery's own rules about projects: a project that requirements point at is closed, not
deleted. Creating and editing projects, releases and milestones is planning's service."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.errors import Conflict, check_version
from tmse.planning import service as planning
from tmse.requirements import queries as requirement_queries


def delete_project(session: Session, actor: Actor, project_id: int, version: int) -> None:
    """Remove a project no requirement points at (its requirements would lose it)."""
    project = planning.get_project(session, project_id)
    check_version("Project", project.version, version)
    used = requirement_queries.requirement_counts_by_project(session, [project.id]).get(
        project.id, 0
    )
    if used:
        raise Conflict(
            f"Project {project.key} has {used} requirement(s); close it instead of deleting it.",
            requirements=used,
        )
    planning.delete_project(session, actor, project, version)
