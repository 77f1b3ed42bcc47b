"""The canary statistics against scipy's Mann-Whitney U test, against hand-computed shifts and
intervals, and against a brute-force emulation of R's wilcox.test interval search."""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
from collections.abc import Sequence
from statistics import NormalDist

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import mannwhitneyu

from tmse.devops.canary import statistics
from tmse.devops.canary.statistics import (
    CanaryConfigError,
    compare_samples,
    hodges_lehmann,
    mann_whitney_u,
)


def assert_matches_scipy(x: Sequence[float], y: Sequence[float]) -> None:
    expected = mannwhitneyu(x, y, alternative="two-sided")
    result = mann_whitney_u(x, y)
    assert result.statistic == float(expected.statistic)
    assert result.p_value == pytest.approx(float(expected.pvalue), rel=1e-9, abs=1e-300)


# --- the U test --------------------------------------------------------------------------


def test_scipy_documentation_example_is_exact() -> None:
    # n=5, m=4, no ties: U of x = 17, U of y = 3; the 126 = C(9,4) arrangements with U <= 3
    # number 1 + 1 + 2 + 3 = 7, so p = 2 * 7 / 126 = 0.1111...
    result = mann_whitney_u([19, 22, 16, 29, 24], [20, 11, 17, 12])
    assert (result.statistic, result.method) == (17.0, "exact")
    assert result.p_value == pytest.approx(14 / 126)


def test_ties_use_the_normal_approximation_with_both_corrections() -> None:
    # Ranks of 1, 2, 2, 3 are 1, 2.5, 2.5, 4: R1 = 3.5, U1 = 3.5 - 3 = 0.5, U = max(0.5, 3.5).
    # sigma = sqrt(2*2/12 * (5 - (2^3 - 2)/(4*3))) = sqrt(1.5); z = (3.5 - 2 - 0.5)/sqrt(1.5)
    result = mann_whitney_u([1, 2], [2, 3])
    z = 1 / math.sqrt(1.5)
    assert result.statistic == 0.5
    assert result.method == "asymptotic"
    assert result.p_value == pytest.approx(math.erfc(z / math.sqrt(2)))
    assert_matches_scipy([1, 2], [2, 3])


def test_all_values_equal_gives_p_one() -> None:
    assert mann_whitney_u([3.0] * 10, [3.0] * 12).p_value == 1.0
    assert_matches_scipy([3.0] * 10, [3.0] * 12)


@pytest.mark.parametrize("seed", range(40))
def test_random_samples_match_scipy(seed: int) -> None:
    rng = random.Random(seed)
    n, m = rng.randint(1, 40), rng.randint(1, 40)
    x = [round(rng.gauss(10, 3), rng.choice([0, 1, 6])) for _ in range(n)]
    y = [round(rng.gauss(11, 3), rng.choice([0, 1, 6])) for _ in range(m)]
    assert_matches_scipy(x, y)


@pytest.mark.parametrize(("n", "m"), [(8, 3000), (1, 500), (300, 2), (2000, 2500)])
def test_large_samples_match_scipy(n: int, m: int) -> None:
    rng = random.Random(n * m)
    x = [rng.expovariate(1.0) for _ in range(n)]
    y = [rng.expovariate(0.9) for _ in range(m)]
    assert mann_whitney_u(x, y).method == ("exact" if min(n, m) <= 8 else "asymptotic")
    assert_matches_scipy(x, y)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(-5, 5) | st.floats(-1e6, 1e6), min_size=1, max_size=25),
    st.lists(st.integers(-5, 5) | st.floats(-1e6, 1e6), min_size=1, max_size=25),
)
def test_any_samples_match_scipy(x: list[float], y: list[float]) -> None:
    assert_matches_scipy(x, y)


# --- the shift and its interval ----------------------------------------------------------


def test_tiny_exact_interval_widens_to_the_extremes() -> None:
    # Differences canary - baseline: 5-1, 5-2, 7-1, 7-2, 9-1, 9-2 = 4, 3, 6, 5, 8, 7;
    # sorted 3 4 5 6 7 8, median (5 + 6)/2 = 5.5. The U distribution for sizes 3 and 2 counts
    # 1 1 2 2 2 1 1 of C(5,2) = 10; P(U <= 0) = 0.1 >= 0.01 so R's rank is 1: the interval is
    # D(1)..D(6) = 3..8, reaching only 1 - 2 * 0.1 = 0.8 confidence.
    shift = hodges_lehmann([5, 7, 9], [1, 2])
    assert (shift.estimate, shift.low, shift.high, shift.method) == (5.5, 3.0, 8.0, "exact")
    assert shift.confidence == pytest.approx(0.8)


def test_exact_interval_of_two_samples_of_five() -> None:
    # Differences 11..15 minus 1..5 are 10 + (i - j): 6 once, 7 twice, ... 10 five times, ...
    # 14 once; cumulative 1, 3, 6, 10, 15, 19, 22, 24, 25. Median D(13) = 10.
    # U counts for 5 and 5 start 1, 1, 2, 3 of 252: P(U<=2) = 4/252 < 0.025 <= P(U<=3) = 7/252,
    # so R's rank is 3 and the interval D(3)..D(23) = 7..13 has confidence 1 - 2*4/252.
    shift = hodges_lehmann([11, 12, 13, 14, 15], [1, 2, 3, 4, 5], confidence=0.95)
    assert (shift.estimate, shift.low, shift.high, shift.method) == (10.0, 7.0, 13.0, "exact")
    assert shift.confidence == pytest.approx(1 - 8 / 252)


def test_normal_interval_with_ties() -> None:
    # Ties across samples (1, 2, 3 in both) mean the normal interval. Ties within a sample:
    # 4 twice, 3 twice, so sigma = sqrt(25/12 * (11 - (6 + 6)/90)) = 4.75804...; z(0.75) = 0.67449.
    # Lower: largest U with U - 12.5 - 0.5 <= 3.2092 is 16, rank 25 - 16 = 9.
    # Upper: largest U with U - 12.5 + 0.5 <= -3.2092 is 8, rank 25 - 8 = 17.
    # Differences by value: -2 x2, -1 x3, 0 x4, 1 x7, 2 x4, 3 x3, 4 x2, so D(9) = 0, D(13) = 1,
    # D(17) = 2.
    canary, baseline = [1, 2, 3, 4, 4], [0, 1, 2, 3, 3]
    shift = hodges_lehmann(canary, baseline, confidence=0.5)
    assert shift == statistics.Shift(1.0, 0.0, 2.0, 0.5, "asymptotic")
    assert shift.low == pytest.approx(r_interval_root(canary, baseline, 0.6744897501960817))
    assert shift.high == pytest.approx(r_interval_root(canary, baseline, -0.6744897501960817))


def test_constant_samples_give_a_point_interval() -> None:
    shift = hodges_lehmann([5.0] * 20, [3.0] * 30)
    assert (shift.estimate, shift.low, shift.high) == (2.0, 2.0, 2.0)


def test_more_than_fifty_values_use_the_normal_interval() -> None:
    rng = random.Random(7)
    canary = [rng.gauss(1, 1) for _ in range(60)]
    baseline = [rng.gauss(0, 1) for _ in range(40)]
    shift = hodges_lehmann(canary, baseline)
    assert shift.method == "asymptotic"
    assert shift.low < shift.estimate < shift.high


def brute_differences(x: Sequence[float], y: Sequence[float]) -> list[float]:
    return sorted(a - b for a in x for b in y)


def brute_median(values: list[float]) -> float:
    half = len(values) // 2
    return values[half] if len(values) % 2 else (values[half - 1] + values[half]) / 2


def average_ranks(values: Sequence[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for k in range(start, end + 1):
            ranks[order[k]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def r_wdiff(x: Sequence[float], y: Sequence[float], d: float, zq: float) -> float:
    """R's wdiff: the continuity-corrected z of U for x - d against y, minus zq."""
    n, m = len(x), len(y)
    shifted = [a - d for a in x] + list(y)
    ranks = average_ranks(shifted)
    ties = Counter(shifted).values()
    dz = sum(ranks[:n]) - n * (n + 1) / 2 - n * m / 2
    correction = math.copysign(0.5, dz) if dz else 0.0
    tie_term = sum(t**3 - t for t in ties)
    sigma = math.sqrt(n * m / 12 * ((n + m + 1) - tie_term / ((n + m) * (n + m - 1))))
    return (dz - correction) / sigma - zq


def r_interval_root(x: Sequence[float], y: Sequence[float], zq: float) -> float:
    """R's root(): endpoints first, then bisection (to far below uniroot's 1e-4 tolerance)."""
    low, high = min(x) - max(y), max(x) - min(y)
    if r_wdiff(x, y, low, zq) <= 0:
        return low
    if r_wdiff(x, y, high, zq) >= 0:
        return high
    for _ in range(200):
        middle = (low + high) / 2
        if middle in (low, high):
            break
        low, high = (middle, high) if r_wdiff(x, y, middle, zq) > 0 else (low, middle)
    return (low + high) / 2


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 30), min_size=2, max_size=18),
    st.lists(st.integers(0, 30), min_size=2, max_size=18),
    st.sampled_from([0.5, 0.8, 0.9, 0.95, 0.98]),
)
def test_normal_interval_is_where_r_finds_its_roots(
    x: list[int], y: list[int], confidence: float
) -> None:
    # Integer samples tie across samples often, so R takes the normal interval. Two constant
    # samples are left out: R stops there ("all observations are tied" at the end point); the
    # point interval of that case is checked in test_constant_samples_give_a_point_interval.
    if len(set(x + y)) == len(x + y) or (len(set(x)) == 1 and len(set(y)) == 1):
        return
    shift = hodges_lehmann(x, y, confidence)
    quantile = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    assert shift.method == "asymptotic"
    assert shift.low == pytest.approx(r_interval_root(x, y, quantile), abs=1e-6)
    assert shift.high == pytest.approx(r_interval_root(x, y, -quantile), abs=1e-6)
    assert shift.estimate == brute_median(brute_differences(x, y))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-100, 100), min_size=1, max_size=9, unique=True),
    st.lists(st.floats(-100, 100), min_size=1, max_size=9, unique=True),
    st.sampled_from([0.8, 0.9, 0.95, 0.98]),
)
def test_exact_interval_is_the_order_statistics_r_picks(
    x: list[float], y: list[float], confidence: float
) -> None:
    if set(x) & set(y):
        return
    n, m = len(x), len(y)
    # R's qwilcox by brute force: every way to choose which ranks belong to x.
    counts = [0] * (n * m + 1)
    for chosen in itertools.combinations(range(n + m), n):
        counts[sum(chosen) - n * (n - 1) // 2] += 1
    total, cumulative, rank = math.comb(n + m, n), 0, 0
    while True:
        cumulative += counts[rank]
        if cumulative / total >= (1 - confidence) / 2 - 10 * 2.220446049250313e-16:
            break
        rank += 1
    rank = max(rank, 1)
    diffs = brute_differences(x, y)
    shift = hodges_lehmann(x, y, confidence)
    assert (shift.low, shift.high) == (diffs[rank - 1], diffs[n * m - rank])
    assert shift.estimate == brute_median(diffs)
    assert shift.confidence == pytest.approx(1 - 2 * sum(counts[:rank]) / total)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(-50, 50) | st.integers(-3, 3), min_size=30, max_size=90),
    st.lists(st.floats(-50, 50) | st.integers(-3, 3), min_size=30, max_size=90),
    st.data(),
)
def test_selection_finds_every_order_statistic_without_listing(
    x: list[float], y: list[float], data: st.DataObject
) -> None:
    xs, ys = sorted(map(float, x)), sorted(map(float, y))
    diffs = brute_differences(xs, ys)
    rank = data.draw(st.integers(1, len(diffs)))
    assert statistics.selected_difference(xs, ys, rank) == diffs[rank - 1]


def test_selected_shift_and_interval_equal_the_brute_force_ones() -> None:
    # 600 x 500 = 300,000 differences, beyond the listed limit: selected, then checked against
    # the sorted list and R's root search.
    rng = random.Random(3)
    canary = [round(rng.gauss(50, 8), 1) for _ in range(600)]
    baseline = [round(rng.gauss(49, 8), 1) for _ in range(500)]
    assert len(canary) * len(baseline) > statistics._LISTED_DIFFERENCES
    shift = hodges_lehmann(canary, baseline, 0.9)
    quantile = NormalDist().inv_cdf(0.95)
    assert shift.estimate == brute_median(brute_differences(canary, baseline))
    assert shift.low == pytest.approx(r_interval_root(canary, baseline, quantile), abs=1e-6)
    assert shift.high == pytest.approx(r_interval_root(canary, baseline, -quantile), abs=1e-6)


def test_large_samples_are_handled_without_listing_differences() -> None:
    rng = random.Random(11)
    baseline = [rng.gauss(100, 10) for _ in range(5000)]
    canary = [value + 3 for value in (rng.gauss(100, 10) for _ in range(5000))]
    result = compare_samples(baseline, canary)
    assert (result.baseline_size, result.canary_size) == (5000, 5000)
    assert result.test.p_value < 1e-6
    assert 2 < result.shift.low < result.shift.estimate < result.shift.high < 4
    assert_matches_scipy(canary, baseline)


# --- refused input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "canary", "field"),
    [
        ([], [1.0], "baseline"),
        ([1.0], [], "canary"),
        ([1.0, math.nan], [1.0], "baseline[1]"),
        ([1.0], [math.inf], "canary[0]"),
        ([1.0], [-math.inf, 2.0], "canary[0]"),
        ([1.0, "2"], [1.0], "baseline[1]"),
        ([True], [1.0], "baseline[0]"),
        ([1.0], [10**400], "canary[0]"),
        ([1e101], [1.0], "baseline[0]"),
        ("123", [1.0], "baseline"),
        (None, [1.0], "baseline"),
    ],
)
def test_bad_samples_are_refused_naming_the_value(
    baseline: object, canary: object, field: str
) -> None:
    with pytest.raises(CanaryConfigError) as caught:
        compare_samples(baseline, canary)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_samples_over_the_cap_are_refused() -> None:
    with pytest.raises(CanaryConfigError) as caught:
        compare_samples([1.0] * (statistics.MAX_SAMPLE_SIZE + 1), [1.0])
    assert caught.value.field == "baseline"
    assert caught.value.params == {"limit": statistics.MAX_SAMPLE_SIZE}
    assert str(caught.value) == (
        f"baseline: more than {statistics.MAX_SAMPLE_SIZE} values; aggregate or shorten the window"
    )


@pytest.mark.parametrize("confidence", [0, 1, -0.5, 1.5, math.nan, "0.9", True])
def test_confidence_outside_zero_one_is_refused(confidence: object) -> None:
    with pytest.raises(CanaryConfigError) as caught:
        compare_samples([1.0], [2.0], confidence)  # type: ignore[arg-type]
    assert caught.value.field == "confidence"
