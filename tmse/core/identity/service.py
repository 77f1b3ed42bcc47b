"""Every change and query of teams and users; each write is audited in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.db import utcnow
from tmse.core.errors import Conflict, InvalidInput, NotFound, check_version
from tmse.core.identity.credentials import token_actions
from tmse.core.identity.models import ApiToken, Membership, Team, User, UserRole
from tmse.core.identity.passwords import hash_password
from tmse.core.identity.schemas import TeamCreate, TeamUpdate, UserCreate, UserOut, UserUpdate
from tmse.core.pagination import ListParams, paginate
from tmse.core.permissions import AUDIT_READ, ORG_WRITE, TOKENS_WRITE

TEAM_FIELDS = ("name", "kind", "parent_id", "description")
USER_FIELDS = ("display_name", "email", "is_active", "roles", "team_ids")


def _snapshot(obj: object, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


# --- teams -----------------------------------------------------------------------------------


def get_team(session: Session, team_id: int) -> Team:
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound(f"Team {team_id} does not exist")
    return team


def team_by_name(session: Session, name: str) -> Team | None:
    return session.scalar(select(Team).where(Team.name == name))


def unit_and_below(name: str) -> Select[int]:
    """The ids of the organisational unit named `name` (company, department or team) and of
    every unit below it, for `IN (...)` in another query (a recursive query, no Python loop)."""
    tree = select(Team.id).where(Team.name == name).cte("unit_tree", recursive=True)
    below = select(Team.id).where(Team.parent_id == tree.c.id)
    tree = tree.union_all(below)
    return select(tree.c.id)


def _check_parent(session: Session, team_id: int | None, parent_id: int | None) -> None:
    if parent_id is None:
        return
    if session.get(Team, parent_id) is None:
        raise InvalidInput(
            "Unknown parent team",
            [{"field": "parent_id", "message": f"team {parent_id} does not exist"}],
        )
    ancestor: int | None = parent_id
    while ancestor is not None:
        if ancestor == team_id:
            raise InvalidInput(
                "A team cannot sit under itself",
                [{"field": "parent_id", "message": "would create a cycle"}],
            )
        ancestor = session.scalar(select(Team.parent_id).where(Team.id == ancestor))


def _check_unique_team_name(session: Session, name: str, team_id: int | None = None) -> None:
    existing = team_by_name(session, name)
    if existing is not None and existing.id != team_id:
        raise Conflict(f"A team named '{name}' already exists", field="name")


def create_team(session: Session, actor: Actor, data: TeamCreate) -> Team:
    _check_unique_team_name(session, data.name)
    _check_parent(session, None, data.parent_id)
    team = Team(**data.model_dump())
    session.add(team)
    session.flush()
    audit.record(session, actor, "create", "team", team.id, None, _snapshot(team, TEAM_FIELDS))
    return team


def update_team(session: Session, actor: Actor, team_id: int, data: TeamUpdate) -> Team:
    team = get_team(session, team_id)
    check_version("Team", team.version, data.version)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    if "name" in changes:
        _check_unique_team_name(session, changes["name"], team_id)
    if "parent_id" in changes:
        _check_parent(session, team_id, changes["parent_id"])
    before = _snapshot(team, TEAM_FIELDS)
    for key, value in changes.items():
        setattr(team, key, value)
    session.flush()
    audit.record(session, actor, "update", "team", team.id, before, _snapshot(team, TEAM_FIELDS))
    return team


def keep_team_extra(session: Session, actor: Actor, team: Team, extra: dict[str, Any]) -> bool:
    """Store the fields an import brought that teams have no column for; audited. False when
    nothing changed."""
    if team.extra == extra:
        return False
    before = {"extra": team.extra}
    team.extra = extra
    session.flush()
    audit.record(session, actor, "update", "team", team.id, before, {"extra": extra})
    return True


def teams_query(
    q: str | None = None, kind: str | None = None, parent_id: int | None = None
) -> Select[Any]:
    stmt = select(Team)
    if q:
        stmt = stmt.where(Team.name.ilike(f"%{q}%"))
    if kind:
        stmt = stmt.where(Team.kind == kind)
    if parent_id is not None:
        stmt = stmt.where(Team.parent_id == parent_id)
    return stmt


def list_teams(session: Session, params: ListParams, **filters: Any) -> tuple[list[Team], int]:
    sortable = {"name": Team.name, "id": Team.id, "kind": Team.kind, "created_at": Team.created_at}
    return paginate(session, teams_query(**filters), params, sortable, "name", Team.id)


def team_path(session: Session, team: Team) -> list[str]:
    names, current = [team.name], team.parent_id
    while current is not None:
        row = session.execute(select(Team.name, Team.parent_id).where(Team.id == current)).one()
        names.append(row.name)
        current = row.parent_id
    return list(reversed(names))


def team_children(session: Session, team_id: int) -> list[int]:
    return list(session.scalars(select(Team.id).where(Team.parent_id == team_id).order_by(Team.id)))


def team_member_ids(session: Session, team_id: int) -> list[int]:
    return list(
        session.scalars(
            select(Membership.user_id)
            .where(Membership.team_id == team_id)
            .order_by(Membership.user_id)
        )
    )


# --- users -----------------------------------------------------------------------------------


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"User {user_id} does not exist")
    return user


def user_by_name(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def user_team_ids(session: Session, user_id: int) -> list[int]:
    return list(
        session.scalars(
            select(Membership.team_id)
            .where(Membership.user_id == user_id)
            .order_by(Membership.team_id)
        )
    )


def _user_snapshot(session: Session, user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "is_active": user.is_active,
        "roles": user.role_names,
        "team_ids": user_team_ids(session, user.id),
    }


def _set_teams(session: Session, user: User, team_ids: list[int]) -> None:
    known = set(session.scalars(select(Team.id).where(Team.id.in_(team_ids))))
    unknown = [t for t in team_ids if t not in known]
    if unknown:
        raise InvalidInput(
            "Unknown team", [{"field": "team_ids", "message": f"no team {t}"} for t in unknown]
        )
    current = {
        m.team_id: m
        for m in session.scalars(select(Membership).where(Membership.user_id == user.id))
    }
    for team_id, membership in current.items():
        if team_id not in team_ids:
            session.delete(membership)
    for team_id in team_ids:
        if team_id not in current:
            session.add(Membership(user_id=user.id, team_id=team_id))


def create_user(session: Session, actor: Actor, data: UserCreate) -> User:
    if user_by_name(session, data.username) is not None:
        raise Conflict(f"User '{data.username}' already exists", field="username")
    user = User(
        username=data.username,
        display_name=data.display_name or data.username,
        email=data.email,
        password_hash=hash_password(data.password) if data.password else None,
        roles=[UserRole(role=str(r)) for r in data.roles],
    )
    session.add(user)
    session.flush()
    _set_teams(session, user, data.team_ids)
    session.flush()
    audit.record(session, actor, "create", "user", user.id, None, _user_snapshot(session, user))
    return user


def update_user(session: Session, actor: Actor, user_id: int, data: UserUpdate) -> User:
    user = get_user(session, user_id)
    check_version("User", user.version, data.version)
    before = _user_snapshot(session, user)
    changes = data.model_dump(
        exclude_unset=True, exclude={"version", "password", "roles", "team_ids"}
    )
    for key, value in changes.items():
        setattr(user, key, value)
    if data.roles is not None:
        user.roles = [UserRole(role=str(r)) for r in sorted(set(data.roles))]
    if data.team_ids is not None:
        _set_teams(session, user, data.team_ids)
    password_changed = data.password is not None
    if data.password is not None:
        user.password_hash = hash_password(data.password)
    session.flush()
    after = _user_snapshot(session, user)
    if after != before or password_changed:
        # Roles and memberships live in other tables; touching the row bumps the user's version.
        user.updated_at = utcnow()
        session.flush()
    if password_changed:
        before["password"], after["password"] = "(unchanged)", "(changed)"
    audit.record(session, actor, "update", "user", user.id, before, after)
    return user


def users_query(
    q: str | None = None,
    role: str | None = None,
    team_id: int | None = None,
    is_active: bool | None = None,
) -> Select[Any]:
    stmt = select(User)
    if q:
        stmt = stmt.where(or_(User.username.ilike(f"%{q}%"), User.display_name.ilike(f"%{q}%")))
    if role:
        stmt = stmt.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    if team_id is not None:
        stmt = stmt.where(
            User.id.in_(select(Membership.user_id).where(Membership.team_id == team_id))
        )
    if is_active is not None:
        stmt = stmt.where(User.is_active == is_active)
    return stmt


def list_users(session: Session, params: ListParams, **filters: Any) -> tuple[list[User], int]:
    sortable = {
        "username": User.username,
        "display_name": User.display_name,
        "id": User.id,
        "created_at": User.created_at,
    }
    return paginate(session, users_query(**filters), params, sortable, "username", User.id)


def user_out(session: Session, users: list[User]) -> list[UserOut]:
    """Response rows; roles and team ids of the whole page come in one query each."""
    ids = [u.id for u in users]
    teams: dict[int, list[int]] = {i: [] for i in ids}
    roles: dict[int, list[str]] = {i: [] for i in ids}
    memberships = session.execute(
        select(Membership.user_id, Membership.team_id)
        .where(Membership.user_id.in_(ids))
        .order_by(Membership.team_id)
    )
    for user_id, team_id in memberships:
        teams[user_id].append(team_id)
    role_rows = session.execute(
        select(UserRole.user_id, UserRole.role)
        .where(UserRole.user_id.in_(ids))
        .order_by(UserRole.role)
    )
    for user_id, role in role_rows:
        roles[user_id].append(role)
    return [
        UserOut(
            id=u.id,
            username=u.username,
            display_name=u.display_name,
            email=u.email,
            roles=roles[u.id],
            team_ids=teams[u.id],
            is_active=u.is_active,
            locale=u.locale,
            version=u.version,
            created_at=u.created_at,
            updated_at=u.updated_at,
        )
        for u in users
    ]


def set_locale(session: Session, actor: Actor, locale: str) -> None:
    """Remember the signed-in user's interface language."""
    if actor.user_id is None:
        return
    user = get_user(session, actor.user_id)
    if user.locale != locale:
        before = {"locale": user.locale}
        user.locale = locale
        session.flush()
        audit.record(session, actor, "update", "user", user.id, before, {"locale": locale})


Record = Team | User | ApiToken | type[Team] | type[User] | type[ApiToken]


def allowed_actions(actor: Actor, record: Record) -> frozenset[str]:
    """What `actor` may do now to `record`; given a class, to that kind of record ("create")."""
    if isinstance(record, ApiToken):
        return token_actions(actor, record)
    if record is ApiToken:
        return frozenset({"create"}) if actor.can(TOKENS_WRITE) else frozenset()
    actions: set[str] = set()
    if actor.can(ORG_WRITE):
        actions.add("create" if isinstance(record, type) else "edit")
    if isinstance(record, User) and actor.can(AUDIT_READ):
        actions.add("see-activity")  # their audit entries, shown on their page
    return frozenset(actions)
