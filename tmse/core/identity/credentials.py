"""API tokens, web sessions and password login (its limit is in sign_in_limit.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.db import utcnow
from tmse.core.errors import NotFound
from tmse.core.identity.models import ApiToken, User, UserRole, WebSession
from tmse.core.identity.passwords import verify_password
from tmse.core.identity.sign_in_limit import Claim, give_back
from tmse.core.permissions import ORG_WRITE, TOKENS_WRITE

TOKEN_PREFIX = "tmse_"  # noqa: S105 - a public prefix, not a secret
# Last-used times are written at most this often per token, so reads stay reads.
LAST_USED_RESOLUTION = dt.timedelta(seconds=60)


def _digest(secret: str) -> str:
    # Tokens carry 256 bits of randomness, so a fast hash suffices (unlike passwords).
    return hashlib.sha256(secret.encode()).hexdigest()


def actor_for(user: User, token_id: int | None = None) -> Actor:
    return Actor(
        user_id=user.id,
        username=user.username,
        roles=frozenset(user.role_names),
        token_id=token_id,
        locale=user.locale,
    )


# --- API tokens ------------------------------------------------------------------------------


def create_token(session: Session, actor: Actor, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; the plaintext is returned once and never stored."""
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, name=name, prefix=plaintext[:12], token_hash=_digest(plaintext)
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "api_token",
        token.id,
        None,
        {"user_id": user.id, "name": name, "prefix": token.prefix},
    )
    return token, plaintext


def token_actions(actor: Actor, token: ApiToken) -> frozenset[str]:
    """What `actor` may do to `token`: its owner, or whoever manages people, may revoke it."""
    mine_to_manage = token.user_id == actor.user_id or actor.can(ORG_WRITE)
    if token.revoked_at is None and mine_to_manage and actor.can(TOKENS_WRITE):
        return frozenset({"revoke"})
    return frozenset()


def revoke_token(session: Session, actor: Actor, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    # Someone else's token is not found rather than forbidden: its existence is not told.
    if token is None or (token.user_id != actor.user_id and not actor.can(ORG_WRITE)):
        raise NotFound(f"Token {token_id} does not exist")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(
            session, actor, "revoke", "api_token", token.id, None, {"revoked_at": token.revoked_at}
        )
    return token


def tokens_of(session: Session, user_id: int) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())
        )
    )


def actor_for_token(session: Session, plaintext: str) -> tuple[Actor, dt.datetime | None] | None:
    """The actor of a live token of an active user, and the token's last use; one query, since
    it runs on every API call."""
    rows = session.execute(
        select(
            User.id, User.username, User.locale, ApiToken.id, ApiToken.last_used_at, UserRole.role
        )
        .join(ApiToken, ApiToken.user_id == User.id)
        .outerjoin(UserRole, UserRole.user_id == User.id)
        .where(
            ApiToken.token_hash == _digest(plaintext),
            ApiToken.revoked_at.is_(None),
            User.is_active.is_(True),
        )
    ).all()
    if not rows:
        return None
    user_id, username, locale, token_id, last_used_at, _ = rows[0]
    roles = frozenset(row.role for row in rows if row.role)
    actor = Actor(user_id=user_id, username=username, roles=roles, token_id=token_id, locale=locale)
    return actor, last_used_at


def token_needs_touch(last_used_at: dt.datetime | None, now: dt.datetime) -> bool:
    return last_used_at is None or now - last_used_at >= LAST_USED_RESOLUTION


def touch_token(session: Session, token_id: int, now: dt.datetime) -> None:
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))


# --- web sessions ----------------------------------------------------------------------------


def start_web_session(session: Session, user: User, lifetime: dt.timedelta) -> str:
    """A new session id for the cookie; only its hash is stored."""
    session_id = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        WebSession(
            id_hash=_digest(session_id), user_id=user.id, created_at=now, expires_at=now + lifetime
        )
    )
    return session_id


def user_for_web_session(session: Session, session_id: str) -> User | None:
    row = session.get(WebSession, _digest(session_id))
    if row is None or row.expires_at <= utcnow():
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.is_active else None


def end_web_session(session: Session, session_id: str) -> None:
    session.execute(delete(WebSession).where(WebSession.id_hash == _digest(session_id)))


# --- password login --------------------------------------------------------------------------


def login(
    session: Session, username: str, password: str, address: str, claim: Claim
) -> User | None:
    """The user whose password matches, or None (the failure is audited, so commit either way).
    The attempt must already be counted (sign_in_limit.claim_attempt); a success gives it back."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.is_active or not verify_password(user.password_hash, password):
        audit.record(
            session,
            Actor(user_id=None, username=username or "?"),
            "login_failed",
            "user",
            user.id if user else username,
            changes={"address": address},
        )
        return None
    give_back(session, claim)
    audit.record(session, actor_for(user), "login", "user", user.id, changes={"address": address})
    return user
