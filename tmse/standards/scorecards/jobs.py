"""The daily scorecard snapshot job, run by the worker holding the leader lock."""

from __future__ import annotations

from tmse.core.actor import Actor
from tmse.core.db import Database
from tmse.jobs.runs import Outcome, ScheduledJob
from tmse.standards.scorecards.service import take_snapshots

SCORECARD_SNAPSHOTS = "scorecard_snapshots"
# After midnight UTC, before people look at the trend in the morning (Asia and Europe alike).
SNAPSHOT_AT = "00:30"


def snapshot_scorecards(db: Database) -> Outcome:
    with db.session() as session:
        result = take_snapshots(session, Actor.system("worker"))
    return Outcome(
        True, f"scorecards of {result.services} services taken for {result.taken_on.isoformat()}"
    )


def scorecard_snapshot_job(at: str = SNAPSHOT_AT) -> ScheduledJob:
    return ScheduledJob(SCORECARD_SNAPSHOTS, at, snapshot_scorecards)
