"""The sign-in limit: a counter row per key (username, address), claimed before a password is
checked, so attempts in any number of processes or replicas cannot overshoot it."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import case, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tmse.core.db import Database, utcnow
from tmse.core.errors import Problem
from tmse.core.identity.models import LoginAttempt

WINDOW_SECONDS = 60
# Counters idle this long are deleted whenever a new window starts.
KEPT_SECONDS = 600
KEY_LENGTH = 200


class TooManyAttempts(Problem):
    status, slug = 429, "too-many-attempts"


@dataclass(frozen=True)
class Claim:
    """One attempt counted against each key; given back if the password matches."""

    keys: tuple[str, ...]


def attempt_keys(username: str, address: str) -> tuple[str, ...]:
    # Sorted, so concurrent claims lock the rows in one order (no deadlock on PostgreSQL).
    keys = (f"user:{username.lower()}"[:KEY_LENGTH], f"addr:{address}"[:KEY_LENGTH])
    return tuple(sorted(keys))


def claim_attempt(
    db: Database, username: str, address: str, limit: int, now: dt.datetime | None = None
) -> Claim:
    """Count this attempt in its own transaction, committed before the password is checked."""
    # 429 with `retry_after` (seconds until the window ends) once the username or the address has
    # used up `limit` attempts in the minute since its window's first one.
    at = (now or utcnow()).timestamp()
    claim = Claim(attempt_keys(username, address))
    with db.session(write=True) as session:
        counted = [_increment(session, key, at) for key in claim.keys]
        if any(attempts == 1 for attempts, _ in counted):
            session.execute(delete(LoginAttempt).where(LoginAttempt.started < at - KEPT_SECONDS))
    over = [started for attempts, started in counted if attempts > limit]
    if over:
        # `at` was read before this claim waited for the row, so another process may have
        # started the window a moment later: never more than the window itself.
        left = max(started + WINDOW_SECONDS for started in over) - at
        raise TooManyAttempts(
            "Too many failed sign-ins; wait a minute and try again.",
            retry_after=min(WINDOW_SECONDS, max(1, math.ceil(left))),
        )
    return claim


def _increment(session: Session, key: str, at: float) -> tuple[int, float]:
    """(attempts, window start) after counting one more."""
    # A single INSERT ... ON CONFLICT DO UPDATE ... RETURNING on SQLite (3.35+) and PostgreSQL, so
    # no two processes read the same count. A window older than a minute starts afresh with this
    # attempt.
    expired = LoginAttempt.started <= at - WINDOW_SECONDS
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(LoginAttempt)
        .values(key=key, started=at, attempts=1)
        .on_conflict_do_update(
            index_elements=[LoginAttempt.key],
            set_={
                "attempts": case((expired, 1), else_=LoginAttempt.attempts + 1),
                "started": case((expired, at), else_=LoginAttempt.started),
            },
        )
        .returning(LoginAttempt.attempts, LoginAttempt.started)
    )
    attempts, started = session.execute(statement).one()
    return int(attempts), float(started)


def give_back(session: Session, claim: Claim) -> None:
    """After a successful sign-in: the username starts afresh, and the address's attempt no
    longer counts, so the limit stays one of failures."""
    user_keys = [k for k in claim.keys if k.startswith("user:")]
    session.execute(delete(LoginAttempt).where(LoginAttempt.key.in_(user_keys)))
    session.execute(
        update(LoginAttempt)
        .where(LoginAttempt.key.in_(set(claim.keys) - set(user_keys)), LoginAttempt.attempts > 0)
        .values(attempts=LoginAttempt.attempts - 1)
    )
