"""What the identity service says a person may do to a team, a person or an API token."""

from __future__ import annotations

from tests.helpers import SYSTEM
from tmse.core.actor import Actor
from tmse.core.identity import credentials, service
from tmse.core.identity.models import ApiToken, Team, User
from tmse.core.identity.schemas import TeamCreate, UserCreate


def _actor(user: User, *roles: str) -> Actor:
    return Actor(user_id=user.id, username=user.username, roles=frozenset(roles))


def test_administrators_create_and_edit_units_and_people_others_only_read(db):
    with db.session() as session:
        team = service.create_team(session, SYSTEM, TeamCreate(name="Payments"))
        ann = service.create_user(session, SYSTEM, UserCreate(username="ann", roles=["admin"]))
        bob = service.create_user(session, SYSTEM, UserCreate(username="bob", roles=["engineer"]))
        admin, engineer = _actor(ann, "admin"), _actor(bob, "engineer")

        assert service.allowed_actions(admin, Team) == {"create"}
        assert service.allowed_actions(admin, team) == {"edit"}
        assert service.allowed_actions(admin, bob) == {"edit", "see-activity"}
        assert service.allowed_actions(engineer, Team) == frozenset()
        assert service.allowed_actions(engineer, User) == frozenset()
        assert service.allowed_actions(engineer, ann) == frozenset()
        committee = _actor(bob, "committee")  # reads the audit log, manages nobody
        assert service.allowed_actions(committee, ann) == {"see-activity"}


def test_a_token_is_revoked_by_its_owner_or_an_administrator_once(db):
    with db.session() as session:
        eve = service.create_user(session, SYSTEM, UserCreate(username="eve", roles=["engineer"]))
        dan = service.create_user(session, SYSTEM, UserCreate(username="dan", roles=["engineer"]))
        ann = service.create_user(session, SYSTEM, UserCreate(username="ann", roles=["admin"]))
        token, _ = credentials.create_token(session, SYSTEM, eve, "CI")
        owner, other, admin = _actor(eve, "engineer"), _actor(dan, "engineer"), _actor(ann, "admin")
        viewer = _actor(eve, "viewer")

        assert service.allowed_actions(owner, ApiToken) == {"create"}
        assert service.allowed_actions(viewer, ApiToken) == frozenset()
        assert service.allowed_actions(owner, token) == {"revoke"}
        assert service.allowed_actions(admin, token) == {"revoke"}
        assert service.allowed_actions(other, token) == frozenset()
        assert service.allowed_actions(viewer, token) == frozenset()

        credentials.revoke_token(session, owner, token.id)
        assert service.allowed_actions(owner, token) == frozenset()
