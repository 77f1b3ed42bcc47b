"""Change metrics of a release: how many change requests (by status), how long approval took,
and how much applied change churned the baselined scope. Pure: plain facts in, numbers out."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

APPROVED_STATES = frozenset({"approved", "applied"})


@dataclass(frozen=True)
class ChangeFacts:
    status: str
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    effort_delta: float


@dataclass(frozen=True)
class ChangeMetrics:
    count: int
    by_status: dict[str, int]
    # Submitted → approved, in hours, over the approved (and applied) requests.
    lead_time_count: int
    lead_time_median_hours: float | None
    lead_time_mean_hours: float | None
    # Σ |effort delta| of applied requests, person-days.
    applied_churn_days: float
    baselined_effort_days: float | None
    # applied_churn_days ÷ baselined_effort_days, in %; None without a baselined effort.
    scope_churn_pct: float | None


def _hours(start: dt.datetime, end: dt.datetime) -> float:
    return (end - start).total_seconds() / 3600


def change_metrics(
    facts: Iterable[ChangeFacts], baselined_effort_days: float | None
) -> ChangeMetrics:
    rows = list(facts)
    by_status = dict(sorted(Counter(r.status for r in rows).items()))
    lead_times = [
        _hours(r.submitted_at, r.approved_at)
        for r in rows
        if r.status in APPROVED_STATES and r.submitted_at and r.approved_at
    ]
    churn = sum(abs(r.effort_delta) for r in rows if r.status == "applied")
    pct = round(churn / baselined_effort_days * 100, 2) if baselined_effort_days else None
    return ChangeMetrics(
        count=len(rows),
        by_status=by_status,
        lead_time_count=len(lead_times),
        lead_time_median_hours=round(statistics.median(lead_times), 2) if lead_times else None,
        lead_time_mean_hours=round(statistics.fmean(lead_times), 2) if lead_times else None,
        applied_churn_days=round(churn, 2),
        baselined_effort_days=baselined_effort_days,
        scope_churn_pct=pct,
    )
