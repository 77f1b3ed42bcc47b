"""Figures for the organisation overview: units, people, headcount per department, role mix."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from tmse.core.identity.models import Membership, Team, TeamKind, User, UserRole


@dataclass
class Overview:
    departments: int = 0
    teams: int = 0
    users: int = 0
    active_users: int = 0
    headcount_labels: list[str] = field(default_factory=list)
    headcount_values: list[int] = field(default_factory=list)
    roles: dict[str, int] = field(default_factory=dict)


def _department_of(
    parents: dict[int, int | None], kinds: dict[int, str], team_id: int
) -> int | None:
    current: int | None = team_id
    while current is not None:
        if kinds[current] == TeamKind.DEPARTMENT:
            return current
        current = parents[current]
    return None


def organisation_overview(session: Session) -> Overview:
    teams = session.execute(select(Team.id, Team.name, Team.kind, Team.parent_id)).all()
    parents = {t.id: t.parent_id for t in teams}
    kinds = {t.id: t.kind for t in teams}
    names = {t.id: t.name for t in teams}
    people: dict[int, set[int]] = {}
    for team_id, user_id in session.execute(select(Membership.team_id, Membership.user_id)):
        department = _department_of(parents, kinds, team_id)
        if department is not None:
            people.setdefault(department, set()).add(user_id)
    ranked = sorted(people.items(), key=lambda item: (-len(item[1]), names[item[0]]))
    role_rows = session.execute(
        select(UserRole.role, func.count(distinct(UserRole.user_id)))
        .group_by(UserRole.role)
        .order_by(UserRole.role)
    )
    roles = {role: count for role, count in role_rows}
    return Overview(
        departments=sum(1 for t in teams if t.kind == TeamKind.DEPARTMENT),
        teams=sum(1 for t in teams if t.kind == TeamKind.TEAM),
        users=session.scalar(select(func.count()).select_from(User)) or 0,
        active_users=session.scalar(
            select(func.count()).select_from(User).where(User.is_active.is_(True))
        )
        or 0,
        headcount_labels=[names[d] for d, _ in ranked],
        headcount_values=[len(members) for _, members in ranked],
        roles=roles,
    )
