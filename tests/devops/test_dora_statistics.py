"""Summaries of durations and counts: hand-computed cases and numpy/statistics on random samples."""

from __future__ import annotations

import math
import statistics
from typing import Any

import numpy
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tmse.devops.dora.statistics import (
    MEDIAN_RULES,
    NO_DATA,
    NOT_A_NUMBER,
    NOT_FINITE,
    SHARE_ABOVE_ONE,
    UNKNOWN_RULE,
    DoraStatisticsError,
    MedianRule,
    Summary,
    share,
    summarise,
)

NUMPY_METHOD: dict[str, Any] = {
    "interpolated": "linear",
    "lower": "lower",
    "nearest-rank": "inverted_cdf",
}
samples = st.lists(
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False) | st.integers(0, 10**6),
    min_size=1,
    max_size=60,
)


def test_hand_computed_even_sample_under_each_rule() -> None:
    # Sorted: 1, 2, 4, 10 (n = 4).
    # interpolated: median rank (4-1)/2 = 1.5 -> 2 + 0.5*(4-2) = 3;
    #               p75 rank (4-1)*3/4 = 2.25 -> 4 + 0.25*(10-4) = 5.5
    # lower: ranks floor(1.5) = 1 -> 2 and floor(2.25) = 2 -> 4
    # nearest-rank: ceil(4/2) = 2nd -> 2, ceil(4*3/4) = 3rd -> 4
    # mean (1+2+4+10)/4 = 4.25
    values = [10, 1, 4, 2]
    assert summarise(values) == Summary(4, 3.0, 5.5, 4.25, 1.0, 10.0, "interpolated")
    assert summarise(values, "lower") == Summary(4, 2.0, 4.0, 4.25, 1.0, 10.0, "lower")
    nearest = summarise(values, "nearest-rank")
    assert (nearest.median, nearest.p75) == (2.0, 4.0)


def test_hand_computed_odd_sample() -> None:
    # Sorted: 5, 7, 30, 60, 61 (n = 5): median rank 2 -> 30 under every rule.
    # p75: interpolated rank 3 -> 60; lower rank 3 -> 60; nearest-rank ceil(3.75) = 4th -> 60.
    for rule in MEDIAN_RULES:
        summary = summarise([61, 5, 30, 7, 60], rule)
        assert (summary.median, summary.p75, summary.mean) == (30.0, 60.0, 32.6)


def test_p75_differs_between_rules_on_six_values() -> None:
    # Sorted 0, 10, 20, 30, 40, 50: interpolated rank 3.75 -> 30 + 0.75*10 = 37.5;
    # lower rank 3 -> 30; nearest-rank ceil(4.5) = 5th -> 40.
    values = [50, 40, 30, 20, 10, 0]
    assert summarise(values).p75 == 37.5
    assert summarise(values, "lower").p75 == 30.0
    assert summarise(values, "nearest-rank").p75 == 40.0


def test_single_value_is_every_statistic() -> None:
    assert summarise([42]) == Summary(1, 42.0, 42.0, 42.0, 42.0, 42.0)


def test_empty_sample_says_no_data() -> None:
    summary = summarise([])
    assert summary.count == 0
    assert summary.reason == NO_DATA
    assert (summary.median, summary.p75, summary.mean, summary.minimum, summary.maximum) == (
        None,
        None,
        None,
        None,
        None,
    )


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity_are_refused_naming_the_value(bad: float) -> None:
    with pytest.raises(DoraStatisticsError) as caught:
        summarise([1.0, bad])
    assert caught.value.message == NOT_FINITE
    assert caught.value.field == "values[1]"
    assert caught.value.params["index"] == 1


@pytest.mark.parametrize("bad", ["3", None, True, [1]])
def test_non_numbers_are_refused(bad: object) -> None:
    with pytest.raises(DoraStatisticsError) as caught:
        summarise([1, bad])  # type: ignore[list-item]
    assert caught.value.message == NOT_A_NUMBER
    assert caught.value.field == "values[1]"


def test_an_integer_too_large_for_a_float_is_refused() -> None:
    with pytest.raises(DoraStatisticsError, match="too large"):
        summarise([10**400])


def test_unknown_rule_is_refused() -> None:
    with pytest.raises(DoraStatisticsError) as caught:
        summarise([1], "mean")  # type: ignore[arg-type]
    assert caught.value.message == UNKNOWN_RULE


def test_extreme_values_do_not_overflow() -> None:
    # The gap 1.5e308 - (-1.5e308) and the total overflow a float; the statistics do not.
    summary = summarise([-1.5e308, 1.5e308])
    assert summary.median == 0.0
    assert summary.mean == 0.0
    assert summary.p75 == pytest.approx(0.75e308)


@given(samples, st.sampled_from(MEDIAN_RULES))
def test_matches_numpy_percentile_and_statistics(values: list[float], rule: MedianRule) -> None:
    summary = summarise(values, rule)
    method = NUMPY_METHOD[rule]
    assert summary.count == len(values)
    expected_median = float(numpy.percentile(values, 50, method=method))
    expected_p75 = float(numpy.percentile(values, 75, method=method))
    assert summary.median == pytest.approx(expected_median, rel=1e-9, abs=1e-6)
    assert summary.p75 == pytest.approx(expected_p75, rel=1e-9, abs=1e-6)
    assert summary.mean == pytest.approx(statistics.fmean(values), rel=1e-9, abs=1e-6)
    assert (summary.minimum, summary.maximum) == (min(values), max(values))


@given(samples)
def test_interpolated_median_is_the_statistics_median(values: list[float]) -> None:
    assert summarise(values).median == pytest.approx(statistics.median(values), rel=1e-9, abs=1e-6)
    assert summarise(values, "lower").median == statistics.median_low(values)


@given(samples, st.sampled_from(MEDIAN_RULES))
def test_order_of_statistics(values: list[float], rule: MedianRule) -> None:
    summary = summarise(values, rule)
    assert summary.minimum is not None and summary.maximum is not None
    assert summary.median is not None and summary.p75 is not None
    assert summary.minimum <= summary.median <= summary.p75 <= summary.maximum


def test_share_hand_computed() -> None:
    # 3 failed of 12 deployments: 3/12 = 0.25.
    ratio = share(3, 12)
    assert (ratio.value, ratio.numerator, ratio.denominator, ratio.reason) == (0.25, 3, 12, None)
    assert share(0, 5).value == 0.0
    assert share(5, 5).value == 1.0


def test_share_of_nothing_is_no_data_not_an_error() -> None:
    ratio = share(0, 0)
    assert ratio.value is None
    assert ratio.reason is not None and "denominator" in ratio.reason


@pytest.mark.parametrize(("numerator", "denominator"), [(4, 3), (1, 0), (2.5, 2)])
def test_share_above_one_is_refused(numerator: float, denominator: float) -> None:
    with pytest.raises(DoraStatisticsError) as caught:
        share(numerator, denominator)
    assert caught.value.message == SHARE_ABOVE_ONE
    assert caught.value.params == {"numerator": numerator, "denominator": denominator}


@pytest.mark.parametrize(
    ("numerator", "denominator", "field"),
    [
        (-1, 3, "numerator"),
        (1, -3, "denominator"),
        (math.nan, 3, "numerator"),
        ("1", 3, "numerator"),
    ],
)
def test_share_refuses_bad_counts(numerator: object, denominator: object, field: str) -> None:
    with pytest.raises(DoraStatisticsError) as caught:
        share(numerator, denominator)  # type: ignore[arg-type]
    assert caught.value.field == field


@given(st.integers(0, 10**9), st.integers(1, 10**9))
def test_share_never_exceeds_one_when_numerator_fits(numerator: int, denominator: int) -> None:
    if numerator > denominator:
        with pytest.raises(DoraStatisticsError):
            share(numerator, denominator)
        return
    value = share(numerator, denominator).value
    assert value is not None and 0.0 <= value <= 1.0
    assert value == numerator / denominator
