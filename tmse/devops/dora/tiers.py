"""Performance tiers (elite, high, medium, low) of each DORA metric under the published clusters of
the Accelerate State of DevOps reports 2021-2024. Pure: a value in, a tier and its rule out."""

# Metrics and units:
# - deployment_frequency: the median number of days a week with a production deployment (0-7,
#   DevLake's measure), read as that many deployments per 7 days;
# - deployments_per_day: deployments in a period divided by the period's days;
# - lead_time: minutes (or a timedelta); change_failure_rate: a share from 0 to 1;
# - time_to_restore: minutes (or a timedelta); "time to restore service" in 2021-2022, "failed
#   deployment recovery time" from 2023, one metric here.
#
# Deployment frequency wording -> deployments per day: "on demand (multiple deploys per day)"
# -> at least 1 (daily; a deploy-day measure cannot see more than one a day, and DevLake reads
# on demand as 7 deploy days a week); "daily-weekly" -> at least 1/7 (1 deploy day a week);
# "weekly-monthly" -> at least 1/30; "monthly-every six months" -> at least 1/180; below that,
# fewer than twice a year.
# A day is 1,440 minutes, a week 7 days, a month 30 days, six months 180 days.
#
# How a value gets its tier (one rule for every year and metric):
# - each tier is stored by the worse edge of its published range ("between one day and one
#   week" -> at most one week; "less than one hour" -> under 60 minutes; a single published
#   value such as "5%" -> at most 5%); a value gets the best tier whose edge it meets; a value
#   past every edge gets the lowest tier of the report;
# - so a value in a gap between two published ranges falls to the worse tier (2021 lead time of
#   2 weeks: high ends at one week, medium starts at one month -> medium), as DevLake does;
# - where two clusters publish the same range, the better one is given and the other is never
#   reached (2021 change failure rate: high, medium and low all "16-30%" -> high; 2023 deployment
#   frequency and lead time: medium and low both "weekly-monthly" / "one week to one month" ->
#   medium, and anything past it low); tmse does not invent cut points the report lacks;
# - 2024 is not monotonic: medium's change failure rate (10%) is better than high's (20%), and
#   high and medium both recover in "less than one day". Anything meeting medium's edge meets
#   high's, so those metrics give high and never medium: a tier is never worse for a better value;
# - 2022 published no elite cluster: under it no value is elite.

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal, TypeVar, get_args

Tier = Literal["elite", "high", "medium", "low"]
Benchmark = Literal["2021", "2022", "2023", "2024"]
Metric = Literal[
    "deployments_per_day",
    "deployment_frequency",
    "lead_time",
    "change_failure_rate",
    "time_to_restore",
]
BENCHMARKS: Final[tuple[Benchmark, ...]] = get_args(Benchmark)
METRICS: Final[tuple[Metric, ...]] = get_args(Metric)
DEFAULT_BENCHMARK: Final[Benchmark] = "2024"

# Stable English texts with {placeholders}: a page translates the text and fills in the params.
WITHIN_TIER: Final = "{value} {unit} meets the {tier} edge of the {benchmark} report ({published})"
PAST_EVERY_TIER: Final = (
    "{value} {unit} is past every published range of the {benchmark} report: {tier} applies"
)
NO_VALUE: Final = "no {metric} to classify: there is no data"
UNKNOWN_METRIC: Final = "unknown metric {metric}"
UNKNOWN_BENCHMARK: Final = "unknown benchmark {benchmark}: use 2021, 2022, 2023 or 2024"
NOT_A_NUMBER: Final = "not a number (got {type})"
NOT_FINITE: Final = "{value} is not a finite number"
OUT_OF_RANGE: Final = "{value} is outside {low} to {high}"

UNITS: Final[Mapping[Metric, str]] = {
    "deployments_per_day": "deployments per day",
    "deployment_frequency": "deployment days per week",
    "lead_time": "minutes",
    "change_failure_rate": "share of deployments",
    "time_to_restore": "minutes",
}


class TierError(ValueError):
    """Input refused: `message` is a stable text, `field` names the argument at fault."""

    def __init__(self, message: str, where: str, **params: object) -> None:
        super().__init__(f"{where}: {message.format(**params)}")
        self.message = message
        self.field = where
        self.params = params


@dataclass(frozen=True)
class Edge:
    """A tier's worse edge: `bound` in the metric's unit, `inclusive` whether it is reached."""

    tier: Tier
    bound: float
    inclusive: bool
    published: str


@dataclass(frozen=True)
class TierResult:
    """The tier (None without a value), the benchmark used and the rule applied."""

    tier: Tier | None
    benchmark: Benchmark
    metric: Metric
    rule: str
    params: Mapping[str, object] = field(default_factory=dict)


DAY: Final = 1440.0
WEEK: Final = 7 * DAY
MONTH: Final = 30 * DAY
SIX_MONTHS: Final = 180 * DAY
# Deployments per day at the edge of each published frequency.
DAILY: Final = 1.0
WEEKLY: Final = 1 / 7
MONTHLY: Final = 1 / 30
TWICE_A_YEAR: Final = 1 / 180

_Name = TypeVar("_Name", Benchmark, Metric)
_Base = Literal["deployments_per_day", "lead_time", "change_failure_rate", "time_to_restore"]
_HIGHER_IS_BETTER: Final = frozenset({"deployments_per_day"})


# Each row: tier, worse edge, edge reached?, the report's words. The last tier of each metric
# also takes every value past its edge.
TABLES: Final[Mapping[Benchmark, Mapping[_Base, tuple[Edge, ...]]]] = {
    # Accelerate State of DevOps 2021 (DORA, Google Cloud), software delivery performance table;
    # as reproduced in Apache DevLake's metric docs (DeploymentFrequency.md, LeadTimeForChanges.md,
    # CFR.md, MTTR.md) and eduklein.com.br/software-delivery-performance-metrics.
    "2021": {
        "deployments_per_day": (
            Edge("elite", DAILY, True, "on-demand (multiple deploys per day)"),
            Edge("high", MONTHLY, True, "between once per week and once per month"),
            Edge("medium", TWICE_A_YEAR, True, "between once per month and once every 6 months"),
            Edge("low", 0.0, True, "fewer than once per six months"),
        ),
        "lead_time": (
            Edge("elite", 60.0, False, "less than one hour"),
            Edge("high", WEEK, True, "between one day and one week"),
            Edge("medium", SIX_MONTHS, True, "between one month and six months"),
            Edge("low", math.inf, True, "more than six months"),
        ),
        "change_failure_rate": (
            Edge("elite", 0.15, True, "0%-15%"),
            Edge("high", 0.30, True, "16%-30%"),
            Edge("medium", 0.30, True, "16%-30%"),
            Edge("low", 0.30, True, "16%-30%"),
        ),
        "time_to_restore": (
            Edge("elite", 60.0, False, "less than one hour"),
            Edge("high", DAY, False, "less than one day"),
            Edge("medium", WEEK, True, "between one day and one week"),
            Edge("low", math.inf, True, "more than six months"),
        ),
    },
    # Accelerate State of DevOps 2022: three clusters, no elite; as reproduced in
    # octopus.com/blog/software-delivery-performance-clusters-2023.
    "2022": {
        "deployments_per_day": (
            Edge("high", DAILY, True, "on-demand (multiple deploys per day)"),
            Edge("medium", MONTHLY, True, "between once per week and once per month"),
            Edge("low", TWICE_A_YEAR, True, "between once per month and once every 6 months"),
        ),
        "lead_time": (
            Edge("high", WEEK, True, "between one day and one week"),
            Edge("medium", MONTH, True, "between one week and one month"),
            Edge("low", SIX_MONTHS, True, "between one month and six months"),
        ),
        "change_failure_rate": (
            Edge("high", 0.15, True, "0%-15%"),
            Edge("medium", 0.30, True, "16%-30%"),
            Edge("low", 0.60, True, "46%-60%"),
        ),
        "time_to_restore": (
            Edge("high", DAY, False, "less than one day"),
            Edge("medium", WEEK, True, "between one day and one week"),
            Edge("low", MONTH, True, "between one week and one month"),
        ),
    },
    # Accelerate State of DevOps 2023 (dora.dev/research/2023/dora-report); as reproduced in
    # octopus.com/blog/software-delivery-performance-clusters-2023 and DevLake's CFR.md and
    # FailedDeploymentRecoveryTime.md. Change failure rates are single values from 2023 on.
    "2023": {
        "deployments_per_day": (
            Edge("elite", DAILY, True, "on demand"),
            Edge("high", WEEKLY, True, "between once per day and once per week"),
            Edge("medium", MONTHLY, True, "between once per week and once per month"),
            Edge("low", MONTHLY, True, "between once per week and once per month"),
        ),
        "lead_time": (
            Edge("elite", DAY, False, "less than one day"),
            Edge("high", WEEK, True, "between one day and one week"),
            Edge("medium", MONTH, True, "between one week and one month"),
            Edge("low", MONTH, True, "between one week and one month"),
        ),
        "change_failure_rate": (
            Edge("elite", 0.05, True, "5%"),
            Edge("high", 0.10, True, "10%"),
            Edge("medium", 0.15, True, "15%"),
            Edge("low", 0.64, True, "64%"),
        ),
        "time_to_restore": (
            Edge("elite", 60.0, False, "less than one hour"),
            Edge("high", DAY, False, "less than one day"),
            Edge("medium", WEEK, True, "between one day and one week"),
            Edge("low", SIX_MONTHS, True, "between one month and six months"),
        ),
    },
    # Accelerate State of DevOps 2024 (dora.dev/research/2024/dora-report); as reproduced in
    # octopus.com/blog/2024-devops-performance-clusters (medium's and high's change failure rates
    # inverted there, as in the report).
    "2024": {
        "deployments_per_day": (
            Edge("elite", DAILY, True, "on demand"),
            Edge("high", WEEKLY, True, "between once per day and once per week"),
            Edge("medium", MONTHLY, True, "between once per week and once per month"),
            Edge("low", TWICE_A_YEAR, True, "between once per month and once every six months"),
        ),
        "lead_time": (
            Edge("elite", DAY, False, "less than one day"),
            Edge("high", WEEK, True, "between one day and one week"),
            Edge("medium", MONTH, True, "between one week and one month"),
            Edge("low", SIX_MONTHS, True, "between one month and six months"),
        ),
        "change_failure_rate": (
            Edge("elite", 0.05, True, "5%"),
            Edge("high", 0.20, True, "20%"),
            Edge("medium", 0.10, True, "10%"),
            Edge("low", 0.40, True, "40%"),
        ),
        "time_to_restore": (
            Edge("elite", 60.0, False, "less than one hour"),
            Edge("high", DAY, False, "less than one day"),
            Edge("medium", DAY, False, "less than one day"),
            Edge("low", MONTH, True, "between one week and one month"),
        ),
    },
}


def tier(
    metric: Metric | str,
    value: float | dt.timedelta | None,
    benchmark: Benchmark | str = DEFAULT_BENCHMARK,
) -> TierResult:
    """The tier of `value` for `metric` under `benchmark`'s published clusters (names as text
    are checked here, so a stored setting can be passed as it is)."""
    benchmark = _known(benchmark, BENCHMARKS, UNKNOWN_BENCHMARK, "benchmark")
    metric = _known(metric, METRICS, UNKNOWN_METRIC, "metric")
    if value is None:
        return TierResult(None, benchmark, metric, NO_VALUE, {"metric": metric})
    number = _number(metric, value)
    base: _Base = "deployments_per_day" if metric == "deployment_frequency" else metric
    rate = number / 7 if metric == "deployment_frequency" else number
    edges = TABLES[benchmark][base]
    params: dict[str, object] = {"value": number, "unit": UNITS[metric], "benchmark": benchmark}
    for edge in edges:
        if _meets(rate, edge, higher_is_better=base in _HIGHER_IS_BETTER):
            params.update(tier=edge.tier, published=edge.published)
            return TierResult(edge.tier, benchmark, metric, WITHIN_TIER, params)
    lowest = edges[-1]
    params.update(tier=lowest.tier, published=lowest.published)
    return TierResult(lowest.tier, benchmark, metric, PAST_EVERY_TIER, params)


def _known(name: str, names: tuple[_Name, ...], problem: str, where: str) -> _Name:
    for known in names:
        if name == known:
            return known
    raise TierError(problem, where, **{where: repr(name)})


def _meets(value: float, edge: Edge, *, higher_is_better: bool) -> bool:
    if higher_is_better:
        return value >= edge.bound if edge.inclusive else value > edge.bound
    return value <= edge.bound if edge.inclusive else value < edge.bound


def _number(metric: Metric, value: object) -> float:
    if isinstance(value, dt.timedelta) and metric in ("lead_time", "time_to_restore"):
        number = value.total_seconds() / 60
    elif isinstance(value, bool) or not isinstance(value, int | float):
        raise TierError(NOT_A_NUMBER, "value", type=type(value).__name__)
    else:
        try:
            number = float(value)
        except OverflowError:
            raise TierError(NOT_FINITE, "value", value=value) from None
    if not math.isfinite(number):
        raise TierError(NOT_FINITE, "value", value=number)
    high = {"change_failure_rate": 1.0, "deployment_frequency": 7.0}.get(metric, math.inf)
    if not 0.0 <= number <= high:
        raise TierError(OUT_OF_RANGE, "value", value=number, low=0, high=high)
    return number
