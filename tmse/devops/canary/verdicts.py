"""What a canary judgement answers: the classification of each metric, group scores, the
verdict and recommendation, with the reason (a stable text and its parameters)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class Direction(StrEnum):
    """Which way of moving is a concern for the metric."""

    INCREASE = "increase"
    DECREASE = "decrease"
    EITHER = "either"


class Classification(StrEnum):
    PASS = "Pass"  # noqa: S105 - a classification, not a password
    HIGH = "High"
    LOW = "Low"
    NO_DATA = "NoData"


class Verdict(StrEnum):
    PASS = "Pass"  # noqa: S105 - a verdict, not a password
    MARGINAL = "Marginal"
    FAIL = "Fail"


class Recommendation(StrEnum):
    PROMOTE = "promote"
    HOLD = "hold"
    ROLL_BACK = "roll back"


@dataclass(frozen=True, slots=True)
class Reason:
    """A stable message text and its parameters; `text` renders it in English."""

    id: str
    params: Mapping[str, object] = field(default_factory=dict)

    @property
    def text(self) -> str:
        shown = {k: f"{v:.4g}" if isinstance(v, float) else v for k, v in self.params.items()}
        return self.id.format(**shown)


@dataclass(frozen=True, slots=True)
class MetricInput:
    """One metric's samples and its configuration (allowed changes are ratios of the means)."""

    name: str
    baseline: Sequence[float]
    canary: Sequence[float]
    direction: Direction | str = Direction.EITHER
    allowed_increase: float = 1.0
    allowed_decrease: float = 1.0
    critical: bool = False
    must_have_data: bool = False
    group: str = "default"


@dataclass(frozen=True, slots=True)
class MetricResult:
    """The evidence of one metric: sizes, means, test, shift, ratio, classification, reason."""

    name: str
    group: str
    classification: Classification
    reason: Reason
    critical: bool
    must_have_data: bool
    baseline_size: int
    canary_size: int
    baseline_mean: float | None = None
    canary_mean: float | None = None
    u_statistic: float | None = None
    p_value: float | None = None
    estimate: float | None = None
    low: float | None = None
    high: float | None = None
    interval_confidence: float | None = None
    effect_ratio: float | None = None

    @property
    def counted(self) -> bool:
        """Whether the metric counts in its group's score (NoData only when it must have data)."""
        return self.classification != Classification.NO_DATA or self.must_have_data

    @property
    def failed(self) -> bool:
        return self.counted and self.classification != Classification.PASS


@dataclass(frozen=True, slots=True)
class GroupScore:
    """A group's passes of its counted metrics; score None when nothing counted."""

    name: str
    weight: float
    passes: int
    counted: int
    metrics: int

    @property
    def score(self) -> float | None:
        return 100 * self.passes / self.counted if self.counted else None


@dataclass(frozen=True, slots=True)
class Judgement:
    score: float
    verdict: Verdict
    recommendation: Recommendation
    reason: Reason
    groups: tuple[GroupScore, ...]
    metrics: tuple[MetricResult, ...]
