"""Two-sample statistics of canary analysis: the Mann-Whitney U test and the Hodges-Lehmann shift
with its confidence interval. Plain numbers in, plain results out; standard library only."""

# The U test follows scipy.stats.mannwhitneyu(x, y, alternative="two-sided", method="auto"):
# the exact null distribution when the smaller sample has at most 8 values and nothing is tied,
# otherwise the normal approximation with tie and continuity corrections. The interval follows
# R's wilcox.test(x, y, conf.int=TRUE): exact order statistics of the pairwise differences when
# both samples have fewer than 50 values and nothing is tied, otherwise the differences where
# the continuity-corrected normal statistic crosses its quantile (R's uniroot lands on those
# same differences, within its 1e-4 tolerance). The estimate is always the median of the
# differences; where R stops (two constant samples: "all observations are tied"), the interval
# is the one difference there is.

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import NormalDist, fmean

# Each sample is capped, a longer one refused (aggregate the points or shorten the window).
# Beyond _LISTED_DIFFERENCES the n x m differences are never stored: order statistics are
# selected in O(log(n * m)) passes of O(n + m), so 20,000 x 20,000 takes about a second.
MAX_SAMPLE_SIZE = 20_000
# Differences of values beyond this magnitude could overflow a float.
MAX_MAGNITUDE = 1e100
# Up to this many pairwise differences are simply listed and sorted.
_LISTED_DIFFERENCES = 250_000
EXACT_TEST_MAX_SMALLER = 8  # scipy: exact when min(n, m) <= 8 and no ties
EXACT_INTERVAL_LIMIT = 50  # R: exact when both n and m are below 50 and no ties
DEFAULT_CONFIDENCE = 0.98


class CanaryConfigError(ValueError):
    """Refused input: `field` names what is at fault, `message` is a stable text with `params`."""

    def __init__(self, field: str, message: str, **params: object) -> None:
        self.field = field
        self.message = message
        self.params = params
        super().__init__(f"{field}: {message.format(**params)}")


@dataclass(frozen=True, slots=True)
class UTest:
    """U of the first sample, the two-sided p-value and "exact" or "asymptotic"."""

    statistic: float
    p_value: float
    method: str


@dataclass(frozen=True, slots=True)
class Shift:
    """Hodges-Lehmann shift of x against y, its interval and the confidence it achieves."""

    estimate: float
    low: float
    high: float
    confidence: float
    method: str


@dataclass(frozen=True, slots=True)
class Comparison:
    """Canary against baseline: sizes, means, the U test and the shift canary - baseline."""

    baseline_size: int
    canary_size: int
    baseline_mean: float
    canary_mean: float
    test: UTest
    shift: Shift


def checked_sample(values: Iterable[object], field: str) -> list[float]:
    """The values as floats; CanaryConfigError for non-numbers, NaN, inf, huge or too many."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise CanaryConfigError(field, "must be a list of numbers")
    sample: list[float] = []
    for index, value in enumerate(values):
        if len(sample) >= MAX_SAMPLE_SIZE:
            raise CanaryConfigError(
                field,
                "more than {limit} values; aggregate or shorten the window",
                limit=MAX_SAMPLE_SIZE,
            )
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise CanaryConfigError(f"{field}[{index}]", "must be a number")
        number = float(value) if abs(value) <= MAX_MAGNITUDE else math.inf
        if not math.isfinite(number):
            raise CanaryConfigError(
                f"{field}[{index}]", "must be a finite number within ±{limit}", limit=MAX_MAGNITUDE
            )
        sample.append(number)
    return sample


def _nonempty(values: Iterable[object], field: str) -> list[float]:
    sample = checked_sample(values, field)
    if not sample:
        raise CanaryConfigError(field, "must hold at least one value")
    return sample


def _tie_sizes(values: Sequence[float]) -> list[int]:
    counts: dict[float, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return [count for count in counts.values() if count > 1]


def _rank_sum(x: Sequence[float], y: Sequence[float]) -> float:
    """The sum of the average ranks of x within x and y together."""
    ordered = sorted([(value, True) for value in x] + [(value, False) for value in y])
    total, start = 0.0, 0
    while start < len(ordered):
        end = start
        while end + 1 < len(ordered) and ordered[end + 1][0] == ordered[start][0]:
            end += 1
        rank = (start + end) / 2 + 1
        total += rank * sum(1 for _, in_x in ordered[start : end + 1] if in_x)
        start = end + 1
    return total


def _u_counts(n: int, m: int, top: int) -> list[int]:
    """How many of the C(n+m, n) arrangements give U = 0..top (a Gaussian binomial)."""
    counts = [1] + [0] * top
    for i in range(1, min(n, m) + 1):
        step = max(n, m) + i
        for k in range(top, step - 1, -1):  # times (1 - q^step)
            counts[k] -= counts[k - step]
        for k in range(i, top + 1):  # divided by (1 - q^i)
            counts[k] += counts[k - i]
    return counts


def mann_whitney_u(x: Iterable[object], y: Iterable[object]) -> UTest:
    """Two-sided U test, as scipy.stats.mannwhitneyu(x, y) with its default method."""
    xs, ys = _nonempty(x, "x"), _nonempty(y, "y")
    n, m = len(xs), len(ys)
    u1 = _rank_sum(xs, ys) - n * (n + 1) / 2
    u = max(u1, n * m - u1)
    ties = _tie_sizes(xs + ys)
    if min(n, m) <= EXACT_TEST_MAX_SMALLER and not ties:
        below = n * m - int(u)  # P(U >= u) = P(U <= nm - u) by symmetry
        counts = _u_counts(n, m, below)
        p_value = 2 * sum(counts) / math.comb(n + m, n)
        return UTest(u1, min(1.0, p_value), "exact")
    total = n + m
    tie_term = sum(t**3 - t for t in ties)
    sigma = math.sqrt(n * m / 12 * ((total + 1) - tie_term / (total * (total - 1))))
    if sigma == 0:  # every value equal
        return UTest(u1, 1.0, "asymptotic")
    z = (u - n * m / 2 - 0.5) / sigma
    return UTest(u1, min(1.0, math.erfc(z / math.sqrt(2))), "asymptotic")


def _exact_interval_rank(n: int, m: int, alpha: float) -> tuple[int, float]:
    """R's qwilcox(alpha/2, n, m) (at least 1) and the alpha that rank achieves."""
    counts = _u_counts(n, m, n * m)
    total = math.comb(n + m, n)
    target = alpha / 2 - 10 * 2.220446049250313e-16  # R's fuzz in qwilcox
    cumulative, rank = 0.0, 0
    while True:
        cumulative += counts[rank] / total
        if cumulative >= target:
            break
        rank += 1
    rank = max(rank, 1)
    return rank, 2 * sum(counts[:rank]) / total


def _normal_interval_ranks(
    n: int, m: int, x: Sequence[float], y: Sequence[float], alpha: float
) -> tuple[int, int]:
    """1-based ranks of the differences where R's continuity-corrected z crosses +/- z(alpha/2)."""
    total = n + m
    tie_term = sum(t**3 - t for t in _tie_sizes(x) + _tie_sizes(y))
    sigma = math.sqrt(n * m / 12 * ((total + 1) - tie_term / (total * (total - 1))))
    quantile = NormalDist().inv_cdf(1 - alpha / 2)

    def crossed(u: int, zq: float) -> bool:
        centred = u - n * m / 2
        correction = math.copysign(0.5, centred) if centred else 0.0
        return (centred - correction) / sigma - zq <= 0

    def largest_u(zq: float) -> int:
        if not crossed(0, zq):
            return 0
        low, high = 0, n * m  # crossed(low) holds; find the last u that crosses
        while low < high:
            middle = (low + high + 1) // 2
            low, high = (middle, high) if crossed(middle, zq) else (low, middle - 1)
        return low

    lower = max(1, n * m - largest_u(quantile))
    upper = min(n * m, n * m - largest_u(-quantile))
    return lower, upper


def _check_confidence(confidence: object) -> None:
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)):
        raise CanaryConfigError("confidence", "must be a number between 0 and 1 (exclusive)")
    if not 0 < confidence < 1:
        raise CanaryConfigError("confidence", "must be a number between 0 and 1 (exclusive)")


def hodges_lehmann(
    x: Iterable[object], y: Iterable[object], confidence: float = DEFAULT_CONFIDENCE
) -> Shift:
    """Median of all x_i - y_j and its interval, as R's wilcox.test(x, y, conf.int=TRUE)."""
    _check_confidence(confidence)
    xs, ys = sorted(_nonempty(x, "x")), sorted(_nonempty(y, "y"))
    n, m = len(xs), len(ys)
    alpha = 1 - confidence
    half = (n * m + 1) // 2
    if n * m % 2:
        estimate = difference_order_statistic(xs, ys, half)
    else:
        estimate = (
            difference_order_statistic(xs, ys, half) + difference_order_statistic(xs, ys, half + 1)
        ) / 2
    if n < EXACT_INTERVAL_LIMIT and m < EXACT_INTERVAL_LIMIT and not _tie_sizes(xs + ys):
        rank, achieved_alpha = _exact_interval_rank(n, m, alpha)
        low = difference_order_statistic(xs, ys, rank)
        high = difference_order_statistic(xs, ys, n * m - rank + 1)
        return Shift(estimate, low, high, 1 - achieved_alpha, "exact")
    lower, upper = _normal_interval_ranks(n, m, xs, ys, alpha)
    low = difference_order_statistic(xs, ys, lower)
    high = difference_order_statistic(xs, ys, upper)
    return Shift(estimate, low, high, confidence, "asymptotic")


def difference_order_statistic(x: Sequence[float], y: Sequence[float], rank: int) -> float:
    """The rank-th smallest (1-based) of all x_i - y_j; x and y sorted ascending."""
    if len(x) * len(y) <= _LISTED_DIFFERENCES:
        return sorted([a - b for a in x for b in y])[rank - 1]
    return selected_difference(x, y, rank)


def _counts_below(
    x: Sequence[float], y_desc: Sequence[float], pivot: float, strict: bool
) -> list[int]:
    """Per x_i, how many x_i - y_j are below the pivot (or at most the pivot when not strict)."""
    counts, j = [], len(y_desc)
    for a in x:  # row i ascends along y_desc, and rows ascend with x: one pointer walks down
        while j > 0 and ((a - y_desc[j - 1] >= pivot) if strict else (a - y_desc[j - 1] > pivot)):
            j -= 1
        counts.append(j)
    return counts


def selected_difference(x: Sequence[float], y: Sequence[float], rank: int) -> float:
    """The rank-th smallest x_i - y_j without listing them (randomised selection, fixed seed)."""
    y_desc = list(reversed(y))
    n, m = len(x), len(y_desc)
    left, right = [0] * n, [m] * n  # row i's candidates are columns left[i] .. right[i] - 1
    target = rank - 1  # 0-based among all differences
    pivot = x[0] - y_desc[0]
    # The answer is exact whatever the pivots; random pivots only keep the passes few.
    chooser = random.Random(0)  # noqa: S311 - seeded for repeatability, not for secrecy
    while True:
        active = sum(r - lo for lo, r in zip(left, right, strict=True))
        if active <= 4 * (n + m):
            remaining = sorted(x[i] - y_desc[j] for i in range(n) for j in range(left[i], right[i]))
            return remaining[target - sum(left)]
        pick = chooser.randrange(active)
        for i in range(n):
            width = right[i] - left[i]
            if pick < width:
                pivot = x[i] - y_desc[left[i] + pick]
                break
            pick -= width
        below = _counts_below(x, y_desc, pivot, strict=True)
        if target < sum(below):
            right = [min(r, b) for r, b in zip(right, below, strict=True)]
            continue
        at_most = _counts_below(x, y_desc, pivot, strict=False)
        if target < sum(at_most):
            return pivot
        left = [max(lo, a) for lo, a in zip(left, at_most, strict=True)]


def compare_samples(
    baseline: Iterable[object], canary: Iterable[object], confidence: float = DEFAULT_CONFIDENCE
) -> Comparison:
    """The canary against the baseline: U of the canary, p-value, shift canary - baseline."""
    _check_confidence(confidence)
    base = _nonempty(baseline, "baseline")
    can = _nonempty(canary, "canary")
    return Comparison(
        len(base),
        len(can),
        fmean(base),
        fmean(can),
        mann_whitney_u(can, base),
        hodges_lehmann(can, base, confidence),
    )
