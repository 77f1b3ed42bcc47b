"""Scheduled job definitions and their run history: claim a due run once, record how it ended."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tmse.core.db import Database, utcnow
from tmse.jobs.leader import WORKER_LOCK, try_acquire
from tmse.jobs.models import JobRun

log = logging.getLogger("tmse.worker")


@dataclass(frozen=True)
class Outcome:
    ok: bool
    detail: str = ""


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    at: str  # daily, "HH:MM" UTC
    run: Callable[[Database], Outcome]


def claim_run(
    session: Session, job: str, holder: str, scheduled_for: dt.datetime, lease: float
) -> JobRun | None:
    """Start the run of `job` due at `scheduled_for`, unless it ran already or we aren't leader."""
    # Renewing the lease in the same transaction fences the claim: a worker whose lease was
    # taken over cannot record a run, and claims by any two workers are serialised.
    if not try_acquire(session, WORKER_LOCK, holder, lease):
        return None
    already = session.scalar(
        select(JobRun.id).where(JobRun.job == job, JobRun.scheduled_for == scheduled_for)
    )
    if already is not None:
        return None
    run = JobRun(job=job, holder=holder, scheduled_for=scheduled_for, started_at=utcnow())
    session.add(run)
    session.flush()
    return run


def finish_run(session: Session, run_id: int, outcome: Outcome) -> JobRun:
    run = session.get_one(JobRun, run_id)
    run.ok, run.detail, run.finished_at = outcome.ok, outcome.detail, utcnow()
    return run


def run_job(
    db: Database, job: ScheduledJob, holder: str, scheduled_for: dt.datetime, lease: float
) -> JobRun | None:
    """Claim, run and record one due run; None when it ran already or another worker leads."""
    with db.session() as session:
        run = claim_run(session, job.name, holder, scheduled_for, lease)
    if run is None:
        return None
    log.info("job started", extra={"job": job.name, "scheduled_for": scheduled_for})
    try:
        outcome = job.run(db)
    except Exception as exc:  # a failing job is recorded, it must not stop the worker
        log.exception("job crashed", extra={"job": job.name})
        outcome = Outcome(False, f"{type(exc).__name__}: {exc}")
    with db.session() as session:
        run = finish_run(session, run.id, outcome)
    log.info("job finished", extra={"job": job.name, "ok": outcome.ok})
    return run


def latest_finished_runs(session: Session) -> list[JobRun]:
    """The most recent finished run of every job that has one."""
    latest = select(func.max(JobRun.id)).where(JobRun.finished_at.is_not(None)).group_by(JobRun.job)
    return list(session.scalars(select(JobRun).where(JobRun.id.in_(latest)).order_by(JobRun.job)))
