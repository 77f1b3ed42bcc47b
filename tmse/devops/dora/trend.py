"""The four DORA figures per week or month of a range, each bucket computed by `queries`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Literal

from sqlalchemy.orm import Session

from tmse.devops.dora import queries
from tmse.devops.dora.drilldown import DoraQuery

Bucket = Literal["week", "month"]


@dataclass(frozen=True)
class TrendPoint:
    start: dt.date
    end: dt.date
    deployments: int
    deploy_days: int
    lead_time_median_minutes: float | None
    lead_time_sample: int
    failed_deployments: int
    production_deployments: int
    change_failure_rate: float | None
    restore_median_minutes: float | None
    restore_sample: int


def buckets(start: dt.date, end: dt.date, bucket: Bucket) -> list[tuple[dt.date, dt.date]]:
    """The (first, last) days of each 7-day week counted from `start`, or of each calendar
    month, clipped to the range; the last one may be partial."""
    spans = []
    first = start
    while first <= end:
        if bucket == "week":
            following = first + dt.timedelta(days=7)
        else:
            following = (first.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        last = min(following - dt.timedelta(days=1), end)
        spans.append((first, last))
        first = following
    return spans


def trend(session: Session, query: DoraQuery, bucket: Bucket) -> list[TrendPoint]:
    """One point per bucket of the query's range, with the query's scope and definitions."""
    points = []
    definitions = query.definitions
    for first, last in buckets(query.scope.start, query.scope.end, bucket):
        scope = replace(query.scope, start=first, end=last)
        frequency = queries.deployment_frequency(session, scope, definitions)
        lead = queries.lead_time(session, scope, definitions)
        failures = queries.change_failure_rate(session, scope, definitions)
        restore = queries.time_to_restore(session, scope, definitions).minutes
        points.append(
            TrendPoint(
                start=first,
                end=last,
                deployments=frequency.deployments,
                deploy_days=frequency.deploy_days,
                lead_time_median_minutes=lead.median,
                lead_time_sample=lead.count,
                failed_deployments=failures.failed_deployments,
                production_deployments=failures.deployments,
                change_failure_rate=failures.value,
                restore_median_minutes=restore.median,
                restore_sample=restore.count,
            )
        )
    return points
