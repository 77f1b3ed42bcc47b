"""Request and response models of the quality gate API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from tmse.core.input_types import Reference, line, text

GateStatus = Literal["passed", "failed", "no-data"]
ConditionStatus = Literal["passed", "failed", "not-applicable", "no-data"]
Sha = Annotated[str, line(64, min_length=1)]
Branch = Annotated[str, line(255, min_length=1)]
RunId = Annotated[str, line(200, min_length=1)]
REPORT_CHARS = 50 * 2**20


class RunMeta(BaseModel):
    """Which run of which service the reports come from."""

    service: Reference = Field(description="Service name in the catalog.")
    sha: Sha = Field(description="The commit the pipeline ran on.")
    branch: Branch
    run_id: RunId = Field(
        description="The pipeline run; uploading the same run again replaces its gate."
    )


class ReportIn(BaseModel):
    filename: Annotated[str, line(200)] = Field("", description="Breaks ties of format only.")
    content: Annotated[str, text(REPORT_CHARS)] = Field(
        description="Cobertura XML, JaCoCo XML, coverage.py JSON or JUnit XML text."
    )


class RunIn(RunMeta):
    """The JSON variant of an upload: reports as text, changed lines as a diff or a mapping."""

    reports: list[ReportIn] = Field(min_length=1, max_length=20)
    changed_lines: dict[Annotated[str, line(1000, min_length=1)], list[int]] | None = Field(
        None, description="Changed (added) lines of the change: {path: [line, ...]}."
    )
    diff: Annotated[str, text(REPORT_CHARS)] | None = Field(
        None, description="A unified diff of the change; its added lines are the new code."
    )


class MessageOut(BaseModel):
    id: str
    params: dict[str, Any]


class ConditionOut(BaseModel):
    metric: str
    operator: str
    threshold: float
    actual: float | None
    numerator: int | None
    denominator: int | None
    status: ConditionStatus
    reason: str = Field(description="The reason in the reader's language.")
    message: MessageOut = Field(description="The reason as message id and parameters.")
    missing_inputs: list[str]


class CoverageOut(BaseModel):
    lines_valid: int
    lines_covered: int
    line_percent: float | None
    branches_valid: int | None
    branches_covered: int | None


class TestsOut(BaseModel):
    __test__ = False  # not a pytest test class

    total: int
    failed: int
    errors: int
    skipped: int


class RunOut(BaseModel):
    id: int
    service: str
    run_id: str
    sha: str
    branch: str
    uploaded_at: dt.datetime
    uploaded_by: str
    status: GateStatus
    reason: str
    message: MessageOut
    formats: list[str]
    rules: dict[str, float | None]
    coverage: CoverageOut | None
    tests: TestsOut | None
    changed_lines: int | None
    conditions: list[ConditionOut]


class UploadOut(RunOut):
    outcome: Literal["created", "replaced"]


class RunPage(BaseModel):
    items: list[RunOut]
    total: int
    limit: int
    offset: int


class GateConfigIn(BaseModel):
    rules: dict[Annotated[str, line(60)], Any] = Field(
        max_length=20,
        description="Metric → threshold; null switches a rule off, a metric left out keeps "
        "its default.",
    )
    version: int | None = Field(
        None, ge=0, le=2**31 - 1, description="The version read; 0 or none before the first."
    )


class GateConfigOut(BaseModel):
    service: str
    rules: dict[str, float | None] = Field(description="Every metric's threshold in force.")
    configured: dict[str, Any] = Field(description="The thresholds set for this service.")
    version: int = Field(description="0 while the service has the default rules.")
