"""Who reviews: the named architects, or by default the architects of the owner's department
(all architects when that department has none)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.core.errors import InvalidInput
from tmse.core.identity.models import Membership, Team, TeamKind, User, UserRole
from tmse.core.permissions import Role


def _architect_ids(session: Session) -> set[int]:
    return set(
        session.scalars(
            select(User.id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.ARCHITECT, User.is_active.is_(True))
        )
    )


def owner_area(session: Session, team_id: int) -> set[int]:
    """The owner team's department (its nearest department ancestor, else its top unit) and
    every unit under it."""
    parents = dict(session.execute(select(Team.id, Team.parent_id)).all())
    kinds = dict(session.execute(select(Team.id, Team.kind)).all())
    area = team_id
    current: int | None = team_id
    while current is not None:
        area = current
        if kinds.get(current) == TeamKind.DEPARTMENT:
            break
        parent = parents.get(current)
        if parent is None or kinds.get(parent) == TeamKind.COMPANY:
            break
        current = parent
    children: dict[int, list[int]] = {}
    for child, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(child)
    found, pending = {area}, [area]
    while pending:
        for child in children.get(pending.pop(), []):
            if child not in found:
                found.add(child)
                pending.append(child)
    return found


def default_reviewers(
    session: Session, requester_id: int | None, owner_team_id: int | None
) -> list[User]:
    """The architects of the owner's area, else all architects; never the requester."""
    architects = _architect_ids(session) - {requester_id}
    chosen = architects
    if owner_team_id is not None:
        area = owner_area(session, owner_team_id)
        members = set(
            session.scalars(select(Membership.user_id).where(Membership.team_id.in_(area)))
        )
        chosen = (architects & members) or architects
    if not chosen:
        return []
    return list(session.scalars(select(User).where(User.id.in_(chosen)).order_by(User.username)))


def choose_reviewers(
    session: Session,
    usernames: list[str] | None,
    requester_id: int | None,
    owner_team_id: int | None,
    owner_name: str | None = None,
) -> list[User]:
    """The named reviewers, each an active architect (422 naming `reviewers[i]` otherwise), or
    the default ones when none are named."""
    if owner_team_id is None and owner_name:
        owner_team_id = session.scalar(select(Team.id).where(Team.name == owner_name))
    if not usernames:
        chosen = default_reviewers(session, requester_id, owner_team_id)
        if not chosen:
            raise InvalidInput(
                "No architect can review this request",
                [{"field": "reviewers", "message": "no user holds the architect role"}],
            )
        return chosen
    architects = _architect_ids(session)
    errors, chosen, seen = [], [], set()
    for index, username in enumerate(usernames):
        field = f"reviewers[{index}]"
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            errors.append({"field": field, "message": f"no user named '{username}'"})
        elif user.id not in architects:
            errors.append({"field": field, "message": f"'{username}' is not an active architect"})
        elif user.id == requester_id:
            errors.append({"field": field, "message": "you cannot review your own request"})
        elif user.id in seen:
            errors.append({"field": field, "message": f"'{username}' is listed twice"})
        else:
            seen.add(user.id)
            chosen.append(user)
    if errors:
        raise InvalidInput("Reviewers must hold the architect role", errors)
    return chosen
