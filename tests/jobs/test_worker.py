import datetime as dt
import threading
import time

from sqlalchemy import select

from tmse.core.db import Database, utcnow
from tmse.jobs.audit_check import AUDIT_VERIFICATION
from tmse.jobs.leader import WORKER_LOCK, try_acquire
from tmse.jobs.models import JobRun, LeaderLock
from tmse.jobs.runs import Outcome, ScheduledJob, run_job
from tmse.jobs.schedule import last_due
from tmse.settings import Settings
from tmse.standards.scorecards.jobs import SCORECARD_SNAPSHOTS
from tmse.worker import run_worker, scheduled_jobs, tick


def runs(db: Database, job: str = AUDIT_VERIFICATION) -> list[JobRun]:
    """Runs of one job (the audit check's by default; the schedule holds others too)."""
    with db.session(write=False) as session:
        return list(session.scalars(select(JobRun).where(JobRun.job == job).order_by(JobRun.id)))


def locks(db: Database) -> list[tuple[str, str]]:
    with db.session(write=False) as session:
        return [(r.name, r.holder) for r in session.scalars(select(LeaderLock))]


def test_once_runs_the_due_job_and_releases_the_lock(settings: Settings, db: Database) -> None:
    run_worker(settings, db, once=True, holder="a")
    [run] = runs(db)
    assert (run.job, run.holder, run.ok) == (AUDIT_VERIFICATION, "a", True)
    assert run.scheduled_for == last_due(utcnow(), settings.audit_verify_at)
    assert locks(db) == []


def test_restart_or_failover_does_not_run_a_slot_twice(settings: Settings, db: Database) -> None:
    run_worker(settings, db, once=True, holder="a")
    run_worker(settings, db, once=True, holder="a")
    run_worker(settings, db, once=True, holder="b")
    assert [r.holder for r in runs(db)] == ["a"]


def test_non_leader_idles(settings: Settings, db: Database) -> None:
    with db.session() as session:
        assert try_acquire(session, WORKER_LOCK, "other", 60)
    run_worker(settings, db, once=True, holder="b")
    assert runs(db) == []
    assert locks(db) == [(WORKER_LOCK, "other")]  # b released nothing it did not hold


def test_missed_slots_run_once_not_once_each(settings: Settings, db: Database) -> None:
    jobs = scheduled_jobs(settings)
    day1 = dt.datetime(2024, 5, 10, 10, 0, tzinfo=dt.UTC)
    assert tick(db, jobs, "a", 60, now=day1)
    assert tick(db, jobs, "a", 60, now=day1 + dt.timedelta(hours=1))  # same slot: nothing new
    assert tick(db, jobs, "a", 60, now=day1 + dt.timedelta(days=3))  # down 3 days: one run
    assert [r.scheduled_for.date() for r in runs(db)] == [
        dt.date(2024, 5, 10),
        dt.date(2024, 5, 13),
    ]


def test_a_crashing_job_is_recorded_as_failed(db: Database) -> None:
    def explode(_db: Database) -> Outcome:
        raise RuntimeError("disk on fire")

    job = ScheduledJob("exploding", "02:00", explode)
    run = run_job(db, job, "a", dt.datetime(2024, 5, 10, 2, tzinfo=dt.UTC), 60)
    assert run is not None
    assert (run.ok, run.detail) == (False, "RuntimeError: disk on fire")
    assert run.finished_at is not None


def test_stop_event_ends_the_loop_and_releases_the_lock(settings: Settings, db: Database) -> None:
    settings = settings.model_copy(update={"worker_tick_seconds": 0.05})
    stop = threading.Event()
    thread = threading.Thread(
        target=run_worker, args=(settings, db), kwargs={"holder": "t", "stop_event": stop}
    )
    thread.start()
    deadline = time.monotonic() + 5
    while not runs(db) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert locks(db) == [(WORKER_LOCK, "t")]
    stop.set()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert locks(db) == []
    assert len(runs(db)) == 1


def test_a_worker_that_lost_the_lock_cannot_claim_a_run(db: Database) -> None:
    """A stale leader (its lease taken over) is fenced off when it tries to record a run."""
    with db.session() as session:
        assert try_acquire(session, WORKER_LOCK, "new-leader", 60)
    ran: list[str] = []
    job = ScheduledJob("noted", "02:00", lambda _db: ran.append("ran") or Outcome(True))
    assert run_job(db, job, "old-leader", dt.datetime(2024, 5, 10, 2, tzinfo=dt.UTC), 60) is None
    assert ran == []
    assert runs(db) == []


def test_the_schedule_takes_the_daily_scorecard_snapshot(settings: Settings) -> None:
    assert {job.name for job in scheduled_jobs(settings)} == {
        AUDIT_VERIFICATION,
        SCORECARD_SNAPSHOTS,
    }
