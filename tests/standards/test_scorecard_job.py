"""The daily snapshot job: run once per slot by the leader, a rerun the same day replaces."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from tests.helpers.scorecards import seed
from tmse.jobs.models import JobRun
from tmse.jobs.runs import run_job
from tmse.jobs.schedule import last_due
from tmse.standards.scorecards.jobs import SCORECARD_SNAPSHOTS, scorecard_snapshot_job
from tmse.standards.scorecards.models import ScoreSnapshot


def test_job_scores_every_service_once_per_slot(client, admin, db):
    seed(client, admin, db)
    job = scorecard_snapshot_job()
    slot = last_due(dt.datetime.now(dt.UTC), job.at)
    run = run_job(db, job, "worker-a", slot, 60)
    assert run is not None and run.ok
    assert run.detail.startswith("scorecards of 3 services taken for ")
    assert run_job(db, job, "worker-a", slot, 60) is None  # the slot ran already
    with db.session() as session:
        assert session.scalar(select(func.count(ScoreSnapshot.id))) == 3
        assert session.scalar(select(func.count(JobRun.id))) == 1
        levels = set(session.scalars(select(ScoreSnapshot.level)))
    assert levels == {"gold", "silver", "bronze"}
    audit = client.get("/api/v1/audit?entity=scorecards", headers=admin.headers).json()
    assert audit["items"][0]["actor_name"] == "worker"
    assert job.name == SCORECARD_SNAPSHOTS
