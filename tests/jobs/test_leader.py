import datetime as dt
import threading
import time

from sqlalchemy import select

from tmse.core.db import Database
from tmse.jobs.leader import current_holder, release, try_acquire
from tmse.jobs.models import LeaderLock

T0 = dt.datetime(2024, 5, 10, 12, 0, tzinfo=dt.UTC)
LEASE = 30


def acquire(db: Database, holder: str, now: dt.datetime) -> bool:
    with db.session() as session:
        return try_acquire(session, "test", holder, LEASE, now)


def lock_row(db: Database) -> LeaderLock | None:
    with db.session(write=False) as session:
        return session.scalar(select(LeaderLock).where(LeaderLock.name == "test"))


def test_only_one_holder_until_the_lease_expires(db: Database) -> None:
    assert acquire(db, "a", T0)
    assert not acquire(db, "b", T0 + dt.timedelta(seconds=1))
    assert not acquire(db, "b", T0 + dt.timedelta(seconds=LEASE))  # expiry is exclusive
    row = lock_row(db)
    assert row is not None
    assert (row.holder, row.expires_at) == ("a", T0 + dt.timedelta(seconds=LEASE))


def test_renewal_extends_the_lease_and_keeps_the_acquisition_time(db: Database) -> None:
    assert acquire(db, "a", T0)
    assert acquire(db, "a", T0 + dt.timedelta(seconds=20))
    row = lock_row(db)
    assert row is not None
    assert row.acquired_at == T0
    assert row.expires_at == T0 + dt.timedelta(seconds=20 + LEASE)
    # Renewed at +20 s, so at +40 s (past the first lease) b still cannot take it.
    assert not acquire(db, "b", T0 + dt.timedelta(seconds=40))


def test_expired_lease_is_taken_over(db: Database) -> None:
    assert acquire(db, "a", T0)
    later = T0 + dt.timedelta(seconds=LEASE + 1)
    assert acquire(db, "b", later)
    row = lock_row(db)
    assert row is not None
    assert (row.holder, row.acquired_at) == ("b", later)
    assert not acquire(db, "a", later + dt.timedelta(seconds=1))  # the old leader is out
    with db.session(write=False) as session:
        assert current_holder(session, "test", later) == "b"
        assert current_holder(session, "test", later + dt.timedelta(seconds=LEASE + 1)) is None


def test_release_only_by_the_holder(db: Database) -> None:
    assert acquire(db, "a", T0)
    with db.session() as session:
        assert not release(session, "test", "b")
    with db.session() as session:
        assert release(session, "test", "a")
    assert lock_row(db) is None
    assert acquire(db, "b", T0 + dt.timedelta(seconds=1))


def test_simultaneous_first_acquire_has_one_winner(db: Database) -> None:
    """While a's insert is uncommitted, b tries: on PostgreSQL b's insert waits for a's commit,
    then fails on the primary key; on SQLite b waits for a's write lock and sees the row."""
    results: dict[str, bool] = {}
    b_started = threading.Event()

    def contender() -> None:
        b_started.set()
        with db.session() as session:
            results["b"] = try_acquire(session, "test", "b", LEASE)
            # The savepoint left b's transaction usable after the failed insert.
            session.execute(select(LeaderLock.name))

    with db.session() as session:
        results["a"] = try_acquire(session, "test", "a", LEASE)
        thread = threading.Thread(target=contender)
        thread.start()
        b_started.wait()
        time.sleep(0.3)  # let b reach its INSERT (PostgreSQL) or BEGIN (SQLite) before a commits
    thread.join(timeout=10)
    assert results == {"a": True, "b": False}
    row = lock_row(db)
    assert row is not None
    assert row.holder == "a"
