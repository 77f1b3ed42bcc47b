"""Pydantic models of the canary API: configurations, runs, stages with their samples, decisions."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from tmse.core.input_types import Moment, Name, Reference, line, text
from tmse.devops.canary.judge import (
    DEFAULT_MARGINAL_THRESHOLD,
    DEFAULT_PASS_THRESHOLD,
    DEFAULT_TOLERANCE,
    MAX_WEIGHT,
)
from tmse.devops.canary.statistics import DEFAULT_CONFIDENCE, MAX_MAGNITUDE, MAX_SAMPLE_SIZE

MAX_METRICS = 50
MAX_STAGES = 100
# All values of one stage together; the request body limit usually bites first.
MAX_STAGE_VALUES = 200_000
MAX_DURATION_MINUTES = 30 * 24 * 60
MetricName = Annotated[str, line(120, min_length=1)]
GroupName = Annotated[str, line(120, min_length=1)]
Value = Annotated[float, Field(allow_inf_nan=False, ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE)]
Sample = Annotated[list[Value], Field(max_length=MAX_SAMPLE_SIZE)]
Threshold = Annotated[float, Field(allow_inf_nan=False, ge=0, le=100)]
Direction = Literal["increase", "decrease", "either"]
Decision = Literal["promote", "roll back"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class MetricConfig(_In):
    """How one metric is judged; allowed changes are ratios of the canary mean to the baseline's."""

    name: MetricName
    direction: Direction = Field("either", description="Which way of moving is a concern.")
    allowed_increase: float = Field(1.0, allow_inf_nan=False, ge=1, le=MAX_MAGNITUDE)
    allowed_decrease: float = Field(1.0, allow_inf_nan=False, ge=0, le=1)
    critical: bool = Field(False, description="A failure of this metric fails the stage.")
    must_have_data: bool = Field(False, description="No data counts as a failure.")
    group: GroupName = "default"
    query: Annotated[str, text(4000)] | None = Field(
        None, description="Where the samples come from (e.g. a PromQL query), for the record."
    )


class ConfigIn(_In):
    name: Name
    metrics: list[MetricConfig] = Field(min_length=1, max_length=MAX_METRICS)
    group_weights: dict[GroupName, Annotated[float, Field(ge=0, le=MAX_WEIGHT)]] | None = Field(
        None, max_length=MAX_METRICS, description="Weight of each group; default: all alike."
    )
    tolerance: float = Field(DEFAULT_TOLERANCE, allow_inf_nan=False, ge=0, le=MAX_MAGNITUDE)
    confidence: float = Field(
        DEFAULT_CONFIDENCE,
        allow_inf_nan=False,
        ge=0.5,
        le=0.9999,
        description="Confidence of the interval of the shift.",
    )
    pass_threshold: Threshold = DEFAULT_PASS_THRESHOLD
    marginal_threshold: Threshold = DEFAULT_MARGINAL_THRESHOLD


class ConfigOut(BaseModel):
    id: int
    name: str
    metrics: list[MetricConfig]
    group_weights: dict[str, float] | None
    tolerance: float
    confidence: float
    pass_threshold: float
    marginal_threshold: float


class RunIn(_In):
    """A canary release of `service` judged with configuration `config`; the deployment it ships
    may be named by its CI/CD source and id, as the deployment hooks received it."""

    service: Reference
    config: Reference = Field(description="A canary configuration's name.")
    deployment_source: Annotated[str, line(20, min_length=1)] | None = None
    deployment_id: Annotated[str, line(200, min_length=1)] | None = Field(
        None, validate_default=True
    )
    started_at: Moment | None = None

    @field_validator("deployment_id")
    @classmethod
    def _deployment_named_whole(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and info.data.get("deployment_source") is not None:
            raise ValueError("a deployment_source needs a deployment_id")
        return value


class MetricSamples(_In):
    metric: MetricName
    baseline: Sample
    canary: Sample


class StageIn(_In):
    """A stage's traffic share and duration and, per metric, baseline and canary samples; a
    metric of the configuration left out has no data. `index` (from 1) makes a retry safe."""

    index: Annotated[int, Field(ge=1, le=MAX_STAGES)] | None = None
    traffic_percent: float = Field(allow_inf_nan=False, ge=0, le=100)
    duration_minutes: int = Field(ge=1, le=MAX_DURATION_MINUTES)
    started_at: Moment | None = None
    finished_at: Moment | None = None
    samples: list[MetricSamples] = Field(max_length=MAX_METRICS)

    @field_validator("finished_at")
    @classmethod
    def _after_start(cls, value: dt.datetime | None, info: ValidationInfo) -> dt.datetime | None:
        started = info.data.get("started_at")
        if value is not None and started is not None and value < started:
            raise ValueError("finished_at is before started_at")
        return value

    @field_validator("samples")
    @classmethod
    def _bounded(cls, value: list[MetricSamples]) -> list[MetricSamples]:
        if sum(len(s.baseline) + len(s.canary) for s in value) > MAX_STAGE_VALUES:
            raise ValueError(f"a stage holds at most {MAX_STAGE_VALUES} values in all")
        return value


class DecisionIn(_In):
    decision: Decision


class ReasonOut(BaseModel):
    """A generated sentence in the reader's language, with its message id and parameters."""

    text: str
    message: dict[str, Any]


class MetricEvidence(BaseModel):
    name: str
    group: str
    classification: Literal["Pass", "High", "Low", "NoData"]
    reason: ReasonOut
    critical: bool
    must_have_data: bool
    baseline_size: int
    canary_size: int
    baseline_mean: float | None
    canary_mean: float | None
    u_statistic: float | None
    p_value: float | None
    estimate: float | None = Field(description="Hodges-Lehmann shift, canary - baseline.")
    low: float | None
    high: float | None
    interval_confidence: float | None
    effect_ratio: float | None = Field(description="Mean of the canary / mean of the baseline.")


class GroupEvidence(BaseModel):
    name: str
    weight: float
    passes: int
    counted: int
    metrics: int
    score: float | None


class StageOut(BaseModel):
    index: int
    traffic_percent: float
    duration_minutes: int
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    judged_at: dt.datetime
    score: float
    verdict: Literal["Pass", "Marginal", "Fail"]
    recommendation: Literal["promote", "hold", "roll back"]
    reason: ReasonOut
    groups: list[GroupEvidence]
    metrics: list[MetricEvidence]


class RunOut(BaseModel):
    id: int
    service: str
    config: ConfigOut
    deployment_source: str | None
    deployment_id: str | None
    status: Literal["running", "passed", "marginal", "failed"]
    recommendation: Literal["promote", "hold", "roll back"] | None
    decision: Decision | None
    rolled_back: bool
    started_at: dt.datetime
    decided_at: dt.datetime | None
    decided_by: str | None
    stages: list[StageOut]


class RunSummary(BaseModel):
    id: int
    service: str
    config_name: str
    status: str
    recommendation: str | None
    decision: str | None
    rolled_back: bool
    started_at: dt.datetime
    stages: int
