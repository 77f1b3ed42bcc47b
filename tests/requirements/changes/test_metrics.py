"""Change metrics of a release, hand-computed."""

from __future__ import annotations

import datetime as dt

from tmse.requirements.changes.metrics import ChangeFacts, change_metrics

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def hours(n: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=n)


def test_counts_lead_times_and_scope_churn() -> None:
    facts = [
        ChangeFacts("applied", T0, hours(2), 3.0),  # lead 2 h, churn 3
        ChangeFacts("applied", T0, hours(10), -5.0),  # lead 10 h, churn 5
        ChangeFacts("applied", hours(1), hours(25), 0.0),  # lead 24 h, churn 0
        ChangeFacts("approved", T0, hours(4), 7.0),  # lead 4 h, not applied: no churn
        ChangeFacts("rejected", T0, None, 20.0),
        ChangeFacts("submitted", T0, None, 1.0),
        ChangeFacts("draft", None, None, 2.0),
        ChangeFacts("withdrawn", T0, None, 0.0),
    ]
    metrics = change_metrics(facts, baselined_effort_days=40.0)
    assert metrics.count == 8
    assert metrics.by_status == {
        "applied": 3,
        "approved": 1,
        "draft": 1,
        "rejected": 1,
        "submitted": 1,
        "withdrawn": 1,
    }
    # Lead times 2, 4, 10, 24 h: median (4 + 10) / 2 = 7, mean 40 / 4 = 10.
    assert metrics.lead_time_count == 4
    assert metrics.lead_time_median_hours == 7.0
    assert metrics.lead_time_mean_hours == 10.0
    # |3| + |-5| + |0| = 8 person-days of 40 baselined: 20 %.
    assert metrics.applied_churn_days == 8.0
    assert metrics.scope_churn_pct == 20.0


def test_odd_count_median_and_rounding() -> None:
    facts = [
        ChangeFacts("applied", T0, T0 + dt.timedelta(minutes=20), 1.0),
        ChangeFacts("applied", T0, T0 + dt.timedelta(minutes=90), 1.0),
        ChangeFacts("applied", T0, T0 + dt.timedelta(hours=5), 1.0),
    ]
    metrics = change_metrics(facts, baselined_effort_days=9.0)
    assert metrics.lead_time_median_hours == 1.5
    # (1/3 + 1.5 + 5) / 3 = 2.2777… h
    assert metrics.lead_time_mean_hours == 2.28
    # 3 / 9 = 33.33 %
    assert metrics.scope_churn_pct == 33.33


def test_without_baseline_or_approvals_the_figures_are_none() -> None:
    metrics = change_metrics([ChangeFacts("submitted", T0, None, 4.0)], None)
    assert metrics.count == 1
    assert metrics.lead_time_count == 0
    assert metrics.lead_time_median_hours is None and metrics.lead_time_mean_hours is None
    assert metrics.applied_churn_days == 0
    assert metrics.scope_churn_pct is None
    assert change_metrics([], 0.0).scope_churn_pct is None
