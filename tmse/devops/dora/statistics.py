"""Summaries of a sample of durations or counts (median, 75th percentile, mean, range) and shares
such as a change failure rate. Pure: plain numbers in, plain results out."""

# Percentile rules (the same rule gives the median and the 75th percentile):
# - "interpolated": linear interpolation between the closest ranks, rank h = (n - 1) * p counted
#   from 0 (numpy.percentile's default "linear", Hyndman & Fan type 7);
# - "lower": the value at rank floor((n - 1) * p) (numpy's "lower"; the low median for an even n);
# - "nearest-rank": the value at 1-based rank ceil(p * n) (the textbook nearest-rank method,
#   numpy's "inverted_cdf"), always a value of the sample.
# Ranks are computed with integers (p is 1/2 or 3/4), so no rounding moves a rank.
# An empty sample is "no data", not an error: the caller shows the reason instead of a number.

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

MedianRule = Literal["interpolated", "lower", "nearest-rank"]
MEDIAN_RULES: Final[tuple[MedianRule, ...]] = ("interpolated", "lower", "nearest-rank")

# Stable English texts with {placeholders}: a page translates the text and fills in the params.
NO_DATA: Final = "no data"
ZERO_DENOMINATOR: Final = "no data: the denominator {denominator} is 0"
NOT_A_NUMBER: Final = "value {index} is not a number (got {type})"
NOT_FINITE: Final = "value {index} is {value}: NaN and infinity are not durations or counts"
TOO_LARGE: Final = "value {index} is too large to compute with"
UNKNOWN_RULE: Final = "unknown median rule {rule}: use interpolated, lower or nearest-rank"
NEGATIVE_COUNT: Final = "a count cannot be negative (got {value})"
SHARE_ABOVE_ONE: Final = (
    "the numerator {numerator} exceeds the denominator {denominator}: a share cannot pass 100%"
)


class DoraStatisticsError(ValueError):
    """Input refused: `message` is a stable text, `field` names the input at fault."""

    def __init__(self, message: str, where: str, **params: object) -> None:
        super().__init__(f"{where}: {message.format(**params)}")
        self.message = message
        self.field = where
        self.params = params


@dataclass(frozen=True)
class Summary:
    """A sample's summary; with count 0 every value is None and `reason` says "no data"."""

    count: int
    median: float | None
    p75: float | None
    mean: float | None
    minimum: float | None
    maximum: float | None
    rule: MedianRule = "interpolated"
    reason: str | None = None


@dataclass(frozen=True)
class Ratio:
    """numerator / denominator in [0, 1]; None with a `reason` when the denominator is 0."""

    value: float | None
    numerator: float
    denominator: float
    reason: str | None = None
    params: Mapping[str, object] = field(default_factory=dict)


def summarise(values: Iterable[float], median_rule: MedianRule = "interpolated") -> Summary:
    """Count, median, 75th percentile, mean, minimum and maximum of `values` (any order)."""
    if median_rule not in MEDIAN_RULES:
        raise DoraStatisticsError(UNKNOWN_RULE, "median_rule", rule=repr(median_rule))
    ordered = sorted(_checked(values))
    if not ordered:
        return Summary(0, None, None, None, None, None, median_rule, NO_DATA)
    return Summary(
        count=len(ordered),
        median=percentile(ordered, 1, 2, median_rule),
        p75=percentile(ordered, 3, 4, median_rule),
        mean=_mean(ordered),
        minimum=ordered[0],
        maximum=ordered[-1],
        rule=median_rule,
    )


def percentile(ordered: list[float], numerator: int, denominator: int, rule: MedianRule) -> float:
    """The numerator/denominator percentile of a sorted, non-empty sample under `rule`."""
    n = len(ordered)
    if rule == "nearest-rank":
        rank = -(-n * numerator // denominator)  # ceil(n * p), 1-based
        return ordered[max(rank, 1) - 1]
    low, remainder = divmod((n - 1) * numerator, denominator)
    if rule == "lower" or remainder == 0:
        return ordered[low]
    fraction = remainder / denominator
    below, above = ordered[low], ordered[low + 1]
    step = above - below
    if math.isinf(step):  # the two neighbours are finite but their gap overflows
        return below * (1 - fraction) + above * fraction
    return below + step * fraction


def share(numerator: float, denominator: float) -> Ratio:
    """numerator / denominator as a share of the whole (e.g. failed / all deployments)."""
    top = _count(numerator, "numerator")
    bottom = _count(denominator, "denominator")
    if bottom == 0:
        if top != 0:
            raise DoraStatisticsError(
                SHARE_ABOVE_ONE, "numerator", numerator=numerator, denominator=denominator
            )
        return Ratio(None, top, bottom, ZERO_DENOMINATOR, {"denominator": denominator})
    if top > bottom:
        raise DoraStatisticsError(
            SHARE_ABOVE_ONE, "numerator", numerator=numerator, denominator=denominator
        )
    value = top / bottom
    # Division is correctly rounded, so top <= bottom keeps the value at or below 1.
    assert 0.0 <= value <= 1.0
    return Ratio(value, top, bottom)


def _checked(values: Iterable[float]) -> list[float]:
    checked = []
    for index, value in enumerate(values):
        checked.append(_finite(value, f"values[{index}]", index))
    return checked


def _finite(value: object, where: str, index: int) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DoraStatisticsError(NOT_A_NUMBER, where, index=index, type=type(value).__name__)
    try:
        number = float(value)
    except OverflowError:
        raise DoraStatisticsError(TOO_LARGE, where, index=index) from None
    if not math.isfinite(number):
        raise DoraStatisticsError(NOT_FINITE, where, index=index, value=repr(number))
    return number


def _count(value: object, name: str) -> float:
    number = _finite(value, name, 0)
    if number < 0:
        raise DoraStatisticsError(NEGATIVE_COUNT, name, value=value)
    return number


def _mean(ordered: list[float]) -> float:
    try:
        return math.fsum(ordered) / len(ordered)
    except OverflowError:  # the total of finite values overflows; the mean itself does not
        return math.fsum(value / len(ordered) for value in ordered)
