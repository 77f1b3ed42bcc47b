"""DORA tiers: boundary values of every metric and report year, hand-checked against the published
cluster tables (units: deployments per day, minutes, share of deployments)."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tmse.devops.dora.tiers import (
    BENCHMARKS,
    NO_VALUE,
    NOT_A_NUMBER,
    NOT_FINITE,
    OUT_OF_RANGE,
    PAST_EVERY_TIER,
    UNKNOWN_BENCHMARK,
    UNKNOWN_METRIC,
    WITHIN_TIER,
    Benchmark,
    Metric,
    TierError,
    tier,
)

DAY = 1440  # minutes
WEEK = 10080  # 7 days
MONTH = 43200  # 30 days
SIX_MONTHS = 259200  # 180 days

CASES: list[tuple[Benchmark, Metric, float, str]] = [
    # 2021: on demand >= 1/day elite; weekly-monthly >= 1/30 high (daily-weekly, a gap, too);
    # monthly-six-monthly >= 1/180 medium; fewer low.
    ("2021", "deployments_per_day", 1.0, "elite"),
    ("2021", "deployments_per_day", 0.99, "high"),
    ("2021", "deployments_per_day", 1 / 30, "high"),
    ("2021", "deployments_per_day", 1 / 31, "medium"),
    ("2021", "deployments_per_day", 1 / 180, "medium"),
    ("2021", "deployments_per_day", 1 / 181, "low"),
    ("2021", "deployments_per_day", 0.0, "low"),
    # Lead time: < 1 hour elite; <= 1 week high (1 h - 1 day is a gap: high); <= 6 months medium
    # (1 week - 1 month is a gap: medium); more low.
    ("2021", "lead_time", 59.9, "elite"),
    ("2021", "lead_time", 60, "high"),
    ("2021", "lead_time", WEEK, "high"),
    ("2021", "lead_time", WEEK + 1, "medium"),
    ("2021", "lead_time", SIX_MONTHS, "medium"),
    ("2021", "lead_time", SIX_MONTHS + 1, "low"),
    # CFR: 0-15% elite; high, medium and low all "16-30%": high; past 30% low.
    ("2021", "change_failure_rate", 0.0, "elite"),
    ("2021", "change_failure_rate", 0.15, "elite"),
    ("2021", "change_failure_rate", 0.151, "high"),
    ("2021", "change_failure_rate", 0.30, "high"),
    ("2021", "change_failure_rate", 0.301, "low"),
    # Time to restore: < 1 hour elite; < 1 day high; <= 1 week medium; beyond low.
    ("2021", "time_to_restore", 59, "elite"),
    ("2021", "time_to_restore", 60, "high"),
    ("2021", "time_to_restore", DAY - 1, "high"),
    ("2021", "time_to_restore", DAY, "medium"),
    ("2021", "time_to_restore", WEEK, "medium"),
    ("2021", "time_to_restore", WEEK + 1, "low"),
    # 2022: no elite. On demand >= 1/day high; weekly-monthly >= 1/30 medium; >= 1/180 low.
    ("2022", "deployments_per_day", 50.0, "high"),
    ("2022", "deployments_per_day", 1.0, "high"),
    ("2022", "deployments_per_day", 0.5, "medium"),
    ("2022", "deployments_per_day", 1 / 30, "medium"),
    ("2022", "deployments_per_day", 1 / 31, "low"),
    ("2022", "deployments_per_day", 0.0, "low"),
    ("2022", "lead_time", 0, "high"),
    ("2022", "lead_time", WEEK, "high"),
    ("2022", "lead_time", WEEK + 1, "medium"),
    ("2022", "lead_time", MONTH, "medium"),
    ("2022", "lead_time", MONTH + 1, "low"),
    ("2022", "lead_time", SIX_MONTHS + 1, "low"),
    # CFR: 0-15% high; 16-30% medium; 46-60% low (31-45% is a gap: low).
    ("2022", "change_failure_rate", 0.15, "high"),
    ("2022", "change_failure_rate", 0.16, "medium"),
    ("2022", "change_failure_rate", 0.30, "medium"),
    ("2022", "change_failure_rate", 0.31, "low"),
    ("2022", "change_failure_rate", 0.61, "low"),
    ("2022", "time_to_restore", 0, "high"),
    ("2022", "time_to_restore", DAY - 1, "high"),
    ("2022", "time_to_restore", DAY, "medium"),
    ("2022", "time_to_restore", WEEK, "medium"),
    ("2022", "time_to_restore", WEEK + 1, "low"),
    # 2023: on demand elite; daily-weekly >= 1/7 high; weekly-monthly >= 1/30 medium (low publishes
    # the same range); fewer than monthly low.
    ("2023", "deployments_per_day", 1.0, "elite"),
    ("2023", "deployments_per_day", 1 / 7, "high"),
    ("2023", "deployments_per_day", 1 / 8, "medium"),
    ("2023", "deployments_per_day", 1 / 30, "medium"),
    ("2023", "deployments_per_day", 1 / 31, "low"),
    # Lead time: < 1 day elite; <= 1 week high; <= 1 month medium (and low); beyond low.
    ("2023", "lead_time", DAY - 1, "elite"),
    ("2023", "lead_time", DAY, "high"),
    ("2023", "lead_time", WEEK, "high"),
    ("2023", "lead_time", WEEK + 1, "medium"),
    ("2023", "lead_time", MONTH, "medium"),
    ("2023", "lead_time", MONTH + 1, "low"),
    # CFR single values 5%, 10%, 15%, 64%.
    ("2023", "change_failure_rate", 0.05, "elite"),
    ("2023", "change_failure_rate", 0.051, "high"),
    ("2023", "change_failure_rate", 0.10, "high"),
    ("2023", "change_failure_rate", 0.101, "medium"),
    ("2023", "change_failure_rate", 0.15, "medium"),
    ("2023", "change_failure_rate", 0.151, "low"),
    ("2023", "change_failure_rate", 0.9, "low"),
    # Recovery: < 1 hour elite; < 1 day high; <= 1 week medium; 1 week - 1 month is a gap: low.
    ("2023", "time_to_restore", 59, "elite"),
    ("2023", "time_to_restore", 60, "high"),
    ("2023", "time_to_restore", DAY, "medium"),
    ("2023", "time_to_restore", WEEK, "medium"),
    ("2023", "time_to_restore", WEEK + 1, "low"),
    # 2024: on demand elite; >= 1/7 high; >= 1/30 medium; >= 1/180 low; fewer still low.
    ("2024", "deployments_per_day", 3.0, "elite"),
    ("2024", "deployments_per_day", 1.0, "elite"),
    ("2024", "deployments_per_day", 0.999, "high"),
    ("2024", "deployments_per_day", 1 / 7, "high"),
    ("2024", "deployments_per_day", 1 / 30, "medium"),
    ("2024", "deployments_per_day", 1 / 31, "low"),
    ("2024", "deployments_per_day", 1 / 180, "low"),
    ("2024", "deployments_per_day", 0.0, "low"),
    ("2024", "lead_time", DAY - 1, "elite"),
    ("2024", "lead_time", DAY, "high"),
    ("2024", "lead_time", WEEK, "high"),
    ("2024", "lead_time", MONTH, "medium"),
    ("2024", "lead_time", MONTH + 1, "low"),
    ("2024", "lead_time", SIX_MONTHS + 1, "low"),
    # CFR 5% elite, 20% high, 10% medium, 40% low: 10% meets high's edge, so it is high.
    ("2024", "change_failure_rate", 0.05, "elite"),
    ("2024", "change_failure_rate", 0.06, "high"),
    ("2024", "change_failure_rate", 0.10, "high"),
    ("2024", "change_failure_rate", 0.20, "high"),
    ("2024", "change_failure_rate", 0.201, "low"),
    ("2024", "change_failure_rate", 0.40, "low"),
    ("2024", "change_failure_rate", 1.0, "low"),
    # Recovery: < 1 hour elite; high and medium both < 1 day: high; 1 day - 1 week is a gap and
    # 1 week - 1 month is low's: low.
    ("2024", "time_to_restore", 59, "elite"),
    ("2024", "time_to_restore", 60, "high"),
    ("2024", "time_to_restore", DAY - 1, "high"),
    ("2024", "time_to_restore", DAY, "low"),
    ("2024", "time_to_restore", MONTH + 1, "low"),
]


@pytest.mark.parametrize(("benchmark", "metric", "value", "expected"), CASES)
def test_boundaries(benchmark: Benchmark, metric: Metric, value: float, expected: str) -> None:
    result = tier(metric, value, benchmark)
    assert result.tier == expected
    assert result.benchmark == benchmark


@pytest.mark.parametrize(
    ("days", "expected"),
    # Days a week with a deployment, read as deployments per 7 days (2024): 7 -> 1/day elite;
    # 1 -> 1/7 high; 0.5 -> 1/14 medium; 0.2 -> 1/35 low.
    [(7, "elite"), (6.5, "high"), (1, "high"), (0.5, "medium"), (0.2, "low"), (0, "low")],
)
def test_deploy_days_per_week_as_deployment_frequency(days: float, expected: str) -> None:
    assert tier("deployment_frequency", days).tier == expected


def test_deploy_days_per_week_under_2021_and_2023() -> None:
    # 2021: 1 day a week = 1/7 per day, past high's edge of once a month: high.
    assert tier("deployment_frequency", 1, "2021").tier == "high"
    # 2023: 0.2 days a week = 1/35 per day, fewer than monthly: low (medium ends at 1/30).
    assert tier("deployment_frequency", 0.2, "2023").tier == "low"


def test_default_benchmark_is_2024() -> None:
    assert tier("change_failure_rate", 0.1).benchmark == "2024"
    assert tier("change_failure_rate", 0.1).tier == "high"
    assert tier("change_failure_rate", 0.1, "2023").tier == "high"
    assert tier("change_failure_rate", 0.12, "2023").tier == "medium"


def test_rule_is_a_stable_message_with_params() -> None:
    result = tier("lead_time", 90, "2021")
    assert result.rule == WITHIN_TIER
    assert result.params == {
        "value": 90.0,
        "unit": "minutes",
        "benchmark": "2021",
        "tier": "high",
        "published": "between one day and one week",
    }
    past = tier("change_failure_rate", 0.5, "2021")
    assert (past.tier, past.rule) == ("low", PAST_EVERY_TIER)
    assert WITHIN_TIER.format(**result.params).startswith("90.0 minutes meets the high edge")


def test_no_value_gives_no_tier_and_a_reason() -> None:
    result = tier("time_to_restore", None, "2023")
    assert result.tier is None
    assert result.rule == NO_VALUE
    assert result.params == {"metric": "time_to_restore"}


def test_durations_may_be_timedeltas() -> None:
    assert tier("lead_time", dt.timedelta(hours=23, minutes=59)).tier == "elite"
    assert tier("time_to_restore", dt.timedelta(days=1)).tier == "low"


def test_2022_never_gives_elite() -> None:
    for metric, best in (
        ("deployments_per_day", 1e6),
        ("lead_time", 0),
        ("change_failure_rate", 0),
        ("time_to_restore", 0),
    ):
        assert tier(metric, best, "2022").tier == "high"


@pytest.mark.parametrize(
    ("metric", "value", "message"),
    [
        ("lead_time", math.nan, NOT_FINITE),
        ("lead_time", math.inf, NOT_FINITE),
        ("lead_time", -1, OUT_OF_RANGE),
        ("change_failure_rate", 1.5, OUT_OF_RANGE),
        ("deployment_frequency", 8, OUT_OF_RANGE),
        ("deployments_per_day", True, NOT_A_NUMBER),
        ("deployments_per_day", "3", NOT_A_NUMBER),
        ("change_failure_rate", dt.timedelta(1), NOT_A_NUMBER),
        ("lead_time", 10**400, NOT_FINITE),
    ],
)
def test_bad_values_are_refused(metric: Metric, value: object, message: str) -> None:
    with pytest.raises(TierError) as caught:
        tier(metric, value)  # type: ignore[arg-type]
    assert caught.value.message == message
    assert caught.value.field == "value"


def test_unknown_metric_and_benchmark_are_refused() -> None:
    with pytest.raises(TierError) as caught:
        tier("mttr", 1)
    assert caught.value.message == UNKNOWN_METRIC
    with pytest.raises(TierError) as caught:
        tier("lead_time", 1, "2019")
    assert caught.value.message == UNKNOWN_BENCHMARK


RANK = {"elite": 0, "high": 1, "medium": 2, "low": 3}
LOWER_IS_BETTER: list[tuple[Metric, float]] = [
    ("lead_time", 2 * SIX_MONTHS),
    ("time_to_restore", 2 * SIX_MONTHS),
    ("change_failure_rate", 1.0),
]


@given(st.sampled_from(BENCHMARKS), st.sampled_from(LOWER_IS_BETTER), st.data())
def test_a_better_value_never_gets_a_worse_tier(
    benchmark: Benchmark, metric_and_top: tuple[Metric, float], data: st.DataObject
) -> None:
    metric, top = metric_and_top
    better, worse = sorted(data.draw(st.lists(st.floats(0, top), min_size=2, max_size=2)))
    better_tier, worse_tier = (
        tier(metric, better, benchmark).tier,
        tier(metric, worse, benchmark).tier,
    )
    assert better_tier is not None and worse_tier is not None
    assert RANK[better_tier] <= RANK[worse_tier]


@given(st.sampled_from(BENCHMARKS), st.floats(0, 100), st.floats(0, 100))
def test_more_deployments_never_get_a_worse_tier(benchmark: Benchmark, a: float, b: float) -> None:
    fewer, more = sorted((a, b))
    fewer_tier = tier("deployments_per_day", fewer, benchmark).tier
    more_tier = tier("deployments_per_day", more, benchmark).tier
    assert fewer_tier is not None and more_tier is not None
    assert RANK[more_tier] <= RANK[fewer_tier]


@given(st.floats(0, 1))
def test_2024_change_failure_rate_is_never_medium(rate: float) -> None:
    assert tier("change_failure_rate", rate, "2024").tier != "medium"
