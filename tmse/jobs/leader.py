"""A lease-based leader lock on the `leader_locks` table (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import case, delete, insert, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tmse.core.db import UTCDateTime, utcnow
from tmse.jobs.models import LeaderLock

WORKER_LOCK = "tmse-worker"


def try_acquire(
    session: Session, name: str, holder: str, lease: float, now: dt.datetime | None = None
) -> bool:
    """Take the lock if free or expired, or renew it if `holder` has it; True if held now."""
    now = now or utcnow()
    expires_at = now + dt.timedelta(seconds=lease)
    # One conditional UPDATE is atomic on both databases: on PostgreSQL a concurrent
    # contender waits for the row lock and then re-checks the WHERE against the new row.
    renewed = session.execute(
        update(LeaderLock)
        .where(
            LeaderLock.name == name, or_(LeaderLock.holder == holder, LeaderLock.expires_at < now)
        )
        .values(
            holder=holder,
            expires_at=expires_at,
            # A renewal keeps the original acquisition time; a takeover starts a new one.
            acquired_at=case(
                (LeaderLock.holder == holder, LeaderLock.acquired_at),
                else_=literal(now, UTCDateTime()),
            ),
        )
        .execution_options(synchronize_session=False)
    )
    if renewed.rowcount:  # type: ignore[attr-defined]
        return True
    if session.scalar(select(LeaderLock.name).where(LeaderLock.name == name)) is not None:
        return False
    try:
        # The savepoint keeps the caller's transaction usable when another worker inserted first.
        with session.begin_nested():
            session.execute(
                insert(LeaderLock).values(
                    name=name, holder=holder, acquired_at=now, expires_at=expires_at
                )
            )
    except IntegrityError:
        return False
    return True


def release(session: Session, name: str, holder: str) -> bool:
    """Give the lock up if `holder` has it, so another worker need not wait for the lease."""
    result = session.execute(
        delete(LeaderLock)
        .where(LeaderLock.name == name, LeaderLock.holder == holder)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def current_holder(session: Session, name: str, now: dt.datetime | None = None) -> str | None:
    """Who holds an unexpired lease on the lock, if anyone."""
    return session.scalar(
        select(LeaderLock.holder).where(
            LeaderLock.name == name, LeaderLock.expires_at >= (now or utcnow())
        )
    )
