"""Two real `tmse worker` processes on one SQLite file: one leads, the other takes over."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import select

from tmse.core.db import Database, utcnow
from tmse.jobs.audit_check import AUDIT_VERIFICATION
from tmse.jobs.leader import WORKER_LOCK, current_holder
from tmse.jobs.models import JobRun
from tmse.metadata import load_metadata

T = TypeVar("T")
# Today's slot is set this far after the workers start, so that they first run yesterday's
# slot and the leader is killed before today's. A loaded machine starts Python slowly, so a
# too-slow attempt is retried with more room rather than failing.
SLOT_DELAYS = (3.5, 7.0, 14.0)


def wait_for(probe: Callable[[], T | None], timeout: float = 15) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (value := probe()) is not None:
            return value
        time.sleep(0.05)
    raise AssertionError(f"nothing after {timeout} s")


def pid_of(holder: str) -> int:
    return int(holder.split(":")[-2])


def start_worker(url: str, at: str, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "TMSE_DATABASE_URL": url,
        "TMSE_WORKER_TICK_SECONDS": "0.2",
        "TMSE_LEADER_LEASE_SECONDS": "1",
        "TMSE_AUDIT_VERIFY_AT": at,
        "TMSE_LOG_JSON": "false",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tmse", "worker"],
        env=env,
        cwd=log.parent,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def finished_runs(database: Database) -> list[tuple[dt.datetime, str]]:
    with database.session(write=False) as session:
        runs = session.scalars(
            select(JobRun).where(JobRun.job == AUDIT_VERIFICATION).order_by(JobRun.id)
        ).all()
    assert all(run.ok for run in runs if run.finished_at is not None)
    return [(run.scheduled_for, run.holder) for run in runs if run.finished_at is not None]


def lock_holder(database: Database) -> str | None:
    with database.session(write=False) as session:
        return current_holder(session, WORKER_LOCK)


def fail_over(database: Database, logs: Path, delay: float) -> bool:
    """Run the scenario once; False when the workers started too slowly to tell anything."""
    today = (utcnow() + dt.timedelta(seconds=delay)).replace(microsecond=0)
    yesterday = today - dt.timedelta(days=1)
    workers = {}
    for name in ("first", "second"):
        process = start_worker(database.url, today.strftime("%H:%M:%S"), logs / f"{name}.log")
        workers[process.pid] = process
    try:
        [(slot, leader)] = wait_for(lambda: finished_runs(database) or None)
        if slot != yesterday:
            return False
        assert pid_of(leader) in workers
        time.sleep(0.6)  # a few more ticks with both workers competing: still one run
        runs = finished_runs(database)
        if len(runs) > 1 and runs[1][0] == today:
            return False  # today's slot came before the leader was killed: too slow, retry
        assert runs == [(yesterday, leader)]
        assert lock_holder(database) == leader

        workers[pid_of(leader)].kill()  # a crash: nothing released, the lease has to run out
        workers[pid_of(leader)].wait()
        [follower_pid] = set(workers) - {pid_of(leader)}
        follower = wait_for(lambda: h if (h := lock_holder(database)) != leader and h else None)
        assert pid_of(follower) == follower_pid

        runs = wait_for(lambda: r if len(r := finished_runs(database)) > 1 else None)
        if runs[1] == (today, leader):
            return False  # the leader reached today's slot before it was killed
        time.sleep(0.4)
        assert finished_runs(database) == [(yesterday, leader), (today, follower)]

        workers[follower_pid].send_signal(signal.SIGTERM)
        assert workers[follower_pid].wait(timeout=5) == 0
        assert lock_holder(database) is None  # a graceful stop releases the lock
        return True
    finally:
        for process in workers.values():
            if process.poll() is None:
                process.kill()
                process.wait()


def test_one_leader_runs_each_slot_once_and_the_other_takes_over(tmp_path: Path) -> None:
    for attempt, delay in enumerate(SLOT_DELAYS):
        folder = tmp_path / f"attempt{attempt}"
        folder.mkdir()
        database = Database(f"sqlite:///{folder / 'workers.db'}")
        load_metadata().create_all(database.engine)
        try:
            if fail_over(database, folder, delay):
                return
        finally:
            database.dispose()
    raise AssertionError(f"workers never started within {SLOT_DELAYS[-1]} s")
