"""`tmse worker`: runs scheduled jobs; several may run, only the holder of the leader lock acts."""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import signal
import socket
import threading
from collections.abc import Callable
from types import FrameType

from tmse.core.db import Database, utcnow
from tmse.core.events import load_subscribers
from tmse.jobs.audit_check import audit_verification_job
from tmse.jobs.leader import WORKER_LOCK, release, try_acquire
from tmse.jobs.runs import ScheduledJob, run_job
from tmse.jobs.schedule import last_due, parse_time_of_day
from tmse.settings import Settings
from tmse.standards.scorecards.jobs import scorecard_snapshot_job

log = logging.getLogger("tmse.worker")


def holder_id() -> str:
    """hostname:pid:random — unique per process, and says where to look when it misbehaves."""
    return f"{socket.gethostname()[:96]}:{os.getpid()}:{secrets.token_hex(4)}"


def scheduled_jobs(settings: Settings) -> list[ScheduledJob]:
    jobs = [audit_verification_job(settings.audit_verify_at), scorecard_snapshot_job()]
    for job in jobs:
        parse_time_of_day(job.at)  # a bad schedule fails at start, not at the first due time
    return jobs


def tick(
    db: Database,
    jobs: list[ScheduledJob],
    holder: str,
    lease: float,
    now: dt.datetime | None = None,
    was_leader: bool = False,
) -> bool:
    """One scheduling round: take or renew the lock, then run each job not yet run for its slot."""
    now = now or utcnow()
    with db.session() as session:
        leader = try_acquire(session, WORKER_LOCK, holder, lease, now)
    if leader != was_leader:
        log.info("became leader" if leader else "not leader", extra={"holder": holder})
    if leader:
        for job in jobs:
            # The last due slot, not every missed one: a worker down for a week runs a job once.
            run_job(db, job, holder, last_due(now, job.at), lease)
    return leader


def run_worker(
    settings: Settings,
    db: Database,
    once: bool = False,
    holder: str | None = None,
    stop_event: threading.Event | None = None,
) -> None:
    """Schedule jobs every `worker_tick_seconds` until SIGTERM/SIGINT, `stop_event` or one round."""
    load_subscribers()  # jobs write through services, whose events must reach their subscribers
    holder = holder or holder_id()
    stop = stop_event or threading.Event()
    jobs = scheduled_jobs(settings)
    restore_signals = _stop_on_signals(stop)
    log.info("worker started", extra={"holder": holder, "jobs": [j.name for j in jobs]})
    leader = False
    try:
        while not stop.is_set():
            try:
                leader = tick(db, jobs, holder, settings.leader_lease_seconds, was_leader=leader)
            except Exception:  # a database hiccup must not end the worker; the next tick retries
                log.exception("scheduling round failed", extra={"holder": holder})
                leader = False
            if once:
                break
            stop.wait(settings.worker_tick_seconds)
    finally:
        restore_signals()
        try:
            with db.session() as session:
                release(session, WORKER_LOCK, holder)
        except Exception:  # the lease then simply expires
            log.exception("could not release the leader lock", extra={"holder": holder})
        log.info("worker stopped", extra={"holder": holder})


def _stop_on_signals(stop: threading.Event) -> Callable[[], None]:
    """Turn SIGTERM/SIGINT into a graceful stop; returns a function restoring the old handlers."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None  # signal handlers can only be installed from the main thread

    def handle(signum: int, _frame: FrameType | None) -> None:
        log.info("stopping", extra={"signal": signal.Signals(signum).name})
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore
