"""Read models of delivery: project summaries (mode, owner, team, counts) and the MoSCoW balance."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.core.identity.models import Team, User
from tmse.delivery.models import Phase
from tmse.planning.models import Project
from tmse.planning.service import PROJECT_FIELDS, snapshot
from tmse.requirements import queries as requirement_queries


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
    counts = requirement_queries.requirement_counts_by_project(session, ids)
    owner_ids = {p.owner_id for p in projects if p.owner_id}
    team_ids = {p.team_id for p in projects if p.team_id}
    users: dict[int, str] = {
        user_id: name
        for user_id, name in session.execute(
            select(User.id, User.username).where(User.id.in_(owner_ids))
        )
    }
    teams: dict[int, str] = {
        team_id: name
        for team_id, name in session.execute(
            select(Team.id, Team.name).where(Team.id.in_(team_ids))
        )
    }
    return [
        snapshot(p, PROJECT_FIELDS)
        | {
            "id": p.id,
            "version": p.version,
            "created_at": p.created_at,
            "updated_at": p.updated_at,
            "mode": project_mode(kinds[p.id]),
            "owner": users.get(p.owner_id) if p.owner_id else None,
            "team": teams.get(p.team_id) if p.team_id else None,
            "phase_count": len(kinds[p.id]),
            "requirement_count": counts.get(p.id, 0),
        }
        for p in projects
    ]


def requirement_count(session: Session, project_id: int) -> int:
    """How many requirements the project has."""
    return requirement_queries.requirement_counts_by_project(session, [project_id]).get(
        project_id, 0
    )


def must_share(session: Session, project: Project) -> dict[str, Any]:
    """The project's MoSCoW balance: Must-have effort against its limit."""
    result = requirement_queries.must_effort_share(session, project.id)
    return {
        "must_effort": result.must_effort,
        "total_effort": result.total_effort,
        "share_pct": result.share_pct,
        "limit_pct": result.limit_pct,
        "over_limit": result.over_limit,
    }


def people(session: Session) -> tuple[list[User], list[Team]]:
    """Active users and every team, by name: the choices of the project form."""
    users = list(
        session.scalars(select(User).where(User.is_active.is_(True)).order_by(User.username))
    )
    return users, list(session.scalars(select(Team).order_by(Team.name)))


def approver_choices(session: Session) -> list[Any]:
    """(id, username, display_name) of the active users, by name: the gate approvers offered."""
    stmt = select(User.id, User.username, User.display_name).where(User.is_active.is_(True))
    return list(session.execute(stmt.order_by(User.username)))


def owner_and_team(session: Session, project: Project) -> dict[str, User | Team | None]:
    """The project's owner and team, for its page."""
    return {
        "owner": session.get(User, project.owner_id) if project.owner_id else None,
        "team": session.get(Team, project.team_id) if project.team_id else None,
    }
