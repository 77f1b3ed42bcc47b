"""Canary judgement in the manner of Kayenta's Mann-Whitney judge: each metric classified, groups
scored, a weighted summary score, a verdict and a recommendation, with the evidence.

Classification of a metric (Kayenta's MannWhitneyClassifier; tolerance 0.25 by default):
  NoData  when the baseline or the canary sample is empty (a failure if it must have data);
  Pass    when both samples hold the same values, or every value is one and the same;
  High    when the direction of concern is increase or either, AND the lower end of the
          interval of the shift canary - baseline is above +tolerance * |estimate|, AND the
          mean ratio canary/baseline is at least the allowed increase;
  Low     when the direction of concern is decrease or either, AND the upper end of the
          interval is below -tolerance * |estimate|, AND the mean ratio is at most the
          allowed decrease;
  Pass    otherwise. The mean ratio is 1 when the baseline mean is 0, as in Kayenta.
Kayenta adds a little noise when each sample is constant; here the interval of two constant
samples is the single difference between them, which classifies without noise.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from tmse.devops.canary.statistics import (
    DEFAULT_CONFIDENCE,
    Comparison,
    checked_sample,
    compare_samples,
)
from tmse.devops.canary.statistics import (
    CanaryConfigError as CanaryConfigError,  # raised by the judge too: re-exported
)
from tmse.devops.canary.verdicts import (
    Classification as Classification,
)
from tmse.devops.canary.verdicts import (  # the answer's types, re-exported with the judge
    Direction as Direction,
)
from tmse.devops.canary.verdicts import (
    GroupScore as GroupScore,
)
from tmse.devops.canary.verdicts import (
    Judgement as Judgement,
)
from tmse.devops.canary.verdicts import (
    MetricInput as MetricInput,
)
from tmse.devops.canary.verdicts import (
    MetricResult as MetricResult,
)
from tmse.devops.canary.verdicts import (
    Reason as Reason,
)
from tmse.devops.canary.verdicts import (
    Recommendation as Recommendation,
)
from tmse.devops.canary.verdicts import (
    Verdict as Verdict,
)

DEFAULT_TOLERANCE = 0.25
DEFAULT_PASS_THRESHOLD = 75.0
DEFAULT_MARGINAL_THRESHOLD = 50.0
MAX_WEIGHT = 1e9  # keeps the sum of weights finite

NO_DATA = "No data: the {sample} sample is empty"
NO_DATA_REQUIRED = "No data: the {sample} sample is empty, and this metric must have data"
IDENTICAL = "Pass: canary and baseline hold the same values"
ONE_VALUE = "Pass: every value is {value}"
HIGH = "High: canary above baseline by {shift} (CI {low}..{high})"
LOW = "Low: canary below baseline by {shift} (CI {low}..{high})"
WITHIN = "Pass: no shift beyond ±{band} (CI {low}..{high})"
UP_NOT_A_CONCERN = "Pass: canary above baseline by {shift}, a direction of no concern"
DOWN_NOT_A_CONCERN = "Pass: canary below baseline by {shift}, a direction of no concern"
UP_WITHIN_ALLOWED = "Pass: canary above baseline, mean ratio {ratio} within the allowed {allowed}"
DOWN_WITHIN_ALLOWED = "Pass: canary below baseline, mean ratio {ratio} within the allowed {allowed}"
SCORED = "Score of {groups} weighted groups"
CRITICAL_FAILED = "Score 0: critical metric {metric} is {classification}"
HALF_NO_DATA = "Score 0: {missing} of {total} metrics have no data"
NO_GROUP_SCORED = "Score 0: no group with a positive weight has data"


def _number(value: object, field_name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CanaryConfigError(field_name, "must be a number")
    if not math.isfinite(value):
        raise CanaryConfigError(field_name, "must be a finite number")
    return float(value)


def _checked_metric(metric: object, where: str) -> MetricInput:
    if not isinstance(metric, MetricInput):
        raise CanaryConfigError(where, "must be a metric")
    if not isinstance(metric.name, str) or not metric.name.strip():
        raise CanaryConfigError(f"{where}.name", "must be a non-empty text")
    if not isinstance(metric.group, str) or not metric.group.strip():
        raise CanaryConfigError(f"{where}.group", "must be a non-empty text")
    if metric.direction not in tuple(Direction):
        raise CanaryConfigError(
            f"{where}.direction", "must be one of {choices}", choices="increase, decrease, either"
        )
    if _number(metric.allowed_increase, f"{where}.allowed_increase") < 1:
        raise CanaryConfigError(f"{where}.allowed_increase", "must be at least 1")
    if not 0 <= _number(metric.allowed_decrease, f"{where}.allowed_decrease") <= 1:
        raise CanaryConfigError(f"{where}.allowed_decrease", "must be between 0 and 1")
    for flag in ("critical", "must_have_data"):
        if not isinstance(getattr(metric, flag), bool):
            raise CanaryConfigError(f"{where}.{flag}", "must be true or false")
    return metric


def _no_data(metric: MetricInput, baseline: list[float], canary: list[float]) -> MetricResult:
    sample = " and ".join(name for name, s in (("baseline", baseline), ("canary", canary)) if not s)
    message = NO_DATA_REQUIRED if metric.must_have_data else NO_DATA
    return MetricResult(
        metric.name,
        metric.group,
        Classification.NO_DATA,
        Reason(message, {"sample": sample}),
        metric.critical,
        metric.must_have_data,
        len(baseline),
        len(canary),
        _mean_or_none(baseline),
        _mean_or_none(canary),
    )


def _mean_or_none(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _classify(
    metric: MetricInput,
    baseline: list[float],
    canary: list[float],
    tolerance: float,
    cmp: Comparison,
) -> tuple[Classification, Reason, float]:
    shift = cmp.shift
    ratio = 1.0 if cmp.baseline_mean == 0 else cmp.canary_mean / cmp.baseline_mean
    if sorted(baseline) == sorted(canary):
        return Classification.PASS, Reason(IDENTICAL), ratio
    if len(set(baseline) | set(canary)) == 1:
        return Classification.PASS, Reason(ONE_VALUE, {"value": baseline[0]}), ratio
    band = tolerance * abs(shift.estimate)
    interval = {"low": shift.low, "high": shift.high}
    up = {"shift": shift.estimate, **interval}
    down = {"shift": -shift.estimate, **interval}
    if shift.low > band:
        if metric.direction == Direction.DECREASE:
            return Classification.PASS, Reason(UP_NOT_A_CONCERN, up), ratio
        if ratio < metric.allowed_increase:
            allowed = {"ratio": ratio, "allowed": float(metric.allowed_increase)}
            return Classification.PASS, Reason(UP_WITHIN_ALLOWED, allowed), ratio
        return Classification.HIGH, Reason(HIGH, up), ratio
    if shift.high < -band:
        if metric.direction == Direction.INCREASE:
            return Classification.PASS, Reason(DOWN_NOT_A_CONCERN, down), ratio
        if ratio > metric.allowed_decrease:
            allowed = {"ratio": ratio, "allowed": float(metric.allowed_decrease)}
            return Classification.PASS, Reason(DOWN_WITHIN_ALLOWED, allowed), ratio
        return Classification.LOW, Reason(LOW, down), ratio
    return Classification.PASS, Reason(WITHIN, {"band": band, **interval}), ratio


def classify_metric(
    metric: MetricInput,
    tolerance: float = DEFAULT_TOLERANCE,
    confidence: float = DEFAULT_CONFIDENCE,
    where: str = "metric",
) -> MetricResult:
    """One metric's classification with its evidence (the rule is in this module's docstring)."""
    if _number(tolerance, "tolerance") < 0:
        raise CanaryConfigError("tolerance", "must not be negative")
    metric = _checked_metric(metric, where)
    baseline = checked_sample(metric.baseline, f"{where}.baseline")
    canary = checked_sample(metric.canary, f"{where}.canary")
    if not baseline or not canary:
        return _no_data(metric, baseline, canary)
    cmp = compare_samples(baseline, canary, confidence)
    classification, reason, ratio = _classify(metric, baseline, canary, tolerance, cmp)
    shift = cmp.shift
    return MetricResult(
        metric.name,
        metric.group,
        classification,
        reason,
        metric.critical,
        metric.must_have_data,
        cmp.baseline_size,
        cmp.canary_size,
        cmp.baseline_mean,
        cmp.canary_mean,
        cmp.test.statistic,
        cmp.test.p_value,
        shift.estimate,
        shift.low,
        shift.high,
        shift.confidence,
        ratio,
    )


def _checked_weights(
    weights: Mapping[str, float] | None, groups: Sequence[str]
) -> dict[str, float]:
    if weights is None:
        return dict.fromkeys(groups, 1.0)
    if not isinstance(weights, Mapping):
        raise CanaryConfigError("group_weights", "must map each group to its weight")
    checked: dict[str, float] = {}
    for group, weight in weights.items():
        where = f"group_weights.{group}"
        if group not in groups:
            raise CanaryConfigError(where, "no metric is in group {group}", group=group)
        if not 0 <= _number(weight, where) <= MAX_WEIGHT:
            raise CanaryConfigError(where, "must be between 0 and {limit}", limit=MAX_WEIGHT)
        checked[group] = float(weight)
    for group in groups:
        if group not in checked:
            raise CanaryConfigError(
                f"group_weights.{group}", "no weight for group {group}", group=group
            )
    if sum(checked.values()) <= 0:
        raise CanaryConfigError("group_weights", "must have a positive total")
    return checked


def _checked_settings(
    tolerance: float, confidence: float, pass_threshold: float, marginal_threshold: float
) -> None:
    if _number(tolerance, "tolerance") < 0:
        raise CanaryConfigError("tolerance", "must not be negative")
    if not 0 < _number(confidence, "confidence") < 1:
        raise CanaryConfigError("confidence", "must be a number between 0 and 1 (exclusive)")
    for name, value in (
        ("pass_threshold", pass_threshold),
        ("marginal_threshold", marginal_threshold),
    ):
        if not 0 <= _number(value, name) <= 100:
            raise CanaryConfigError(name, "must be between 0 and 100")
    if marginal_threshold > pass_threshold:
        raise CanaryConfigError(
            "marginal_threshold", "must not exceed the pass threshold {limit}", limit=pass_threshold
        )


def _summary(results: Sequence[MetricResult], groups: Sequence[GroupScore]) -> tuple[float, Reason]:
    for result in results:
        if result.critical and result.failed:
            return 0.0, Reason(
                CRITICAL_FAILED,
                {"metric": result.name, "classification": str(result.classification)},
            )
    missing = sum(1 for result in results if result.classification == Classification.NO_DATA)
    if 2 * missing >= len(results):
        return 0.0, Reason(HALF_NO_DATA, {"missing": missing, "total": len(results)})
    scored = [group for group in groups if group.score is not None and group.weight > 0]
    if not scored:
        return 0.0, Reason(NO_GROUP_SCORED)
    total_weight = sum(group.weight for group in scored)
    score = sum((group.score or 0.0) * group.weight for group in scored) / total_weight
    return score, Reason(SCORED, {"groups": len(scored)})


def judge(
    metrics: Sequence[MetricInput],
    *,
    group_weights: Mapping[str, float] | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    confidence: float = DEFAULT_CONFIDENCE,
    pass_threshold: float = DEFAULT_PASS_THRESHOLD,
    marginal_threshold: float = DEFAULT_MARGINAL_THRESHOLD,
) -> Judgement:
    """Every metric classified, groups scored, the weighted summary score and the verdict.

    A group scores 100 x passes / counted metrics; the summary is the weighted mean of the
    groups that have a score (weights normalised over them), and 0 (Fail, whatever the
    thresholds) when a critical metric fails or at least half of the metrics have no data."""
    _checked_settings(tolerance, confidence, pass_threshold, marginal_threshold)
    if isinstance(metrics, (str, bytes)) or not isinstance(metrics, Sequence) or not metrics:
        raise CanaryConfigError("metrics", "must be a non-empty list of metrics")
    results = tuple(
        classify_metric(metric, tolerance, confidence, f"metrics[{index}]")
        for index, metric in enumerate(metrics)
    )
    seen: set[str] = set()
    for index, result in enumerate(results):
        if result.name in seen:
            raise CanaryConfigError(
                f"metrics[{index}].name", "{name} appears twice", name=result.name
            )
        seen.add(result.name)
    names = list(dict.fromkeys(result.group for result in results))
    weights = _checked_weights(group_weights, names)
    total_weight = sum(weights.values())
    groups = tuple(
        GroupScore(
            name,
            weights[name] / total_weight,
            sum(1 for r in results if r.group == name and r.counted and not r.failed),
            sum(1 for r in results if r.group == name and r.counted),
            sum(1 for r in results if r.group == name),
        )
        for name in names
    )
    score, reason = _summary(results, groups)
    if reason.id != SCORED:  # a score forced to 0 fails whatever the thresholds
        verdict, recommendation = Verdict.FAIL, Recommendation.ROLL_BACK
    elif score >= pass_threshold:
        verdict, recommendation = Verdict.PASS, Recommendation.PROMOTE
    elif score >= marginal_threshold:
        verdict, recommendation = Verdict.MARGINAL, Recommendation.HOLD
    else:
        verdict, recommendation = Verdict.FAIL, Recommendation.ROLL_BACK
    return Judgement(score, verdict, recommendation, reason, groups, results)
