"""Request and response models of change requests, freeze windows and change metrics."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, Field, field_validator

from tmse.core.input_types import Id, PatchModel, Version, line
from tmse.requirements.changes.models import ChangeRequestStatus, Decision

VERSION_FIELD = Field(description="The version you read; a stale one gets 409.")


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class ChangeRequestCreate(BaseModel):
    requirement_id: Id
    changes: dict[Annotated[str, line(40)], Any] = Field(
        max_length=50,
        description='Proposed content fields and their new values, e.g. {"effort_days": 8}.',
    )
    reason: str = Field(min_length=1, max_length=10000, description="Why the change is needed.")
    emergency: bool = Field(
        default=False, description="An emergency change may be approved during a freeze window."
    )
    submit: bool = Field(default=False, description="Submit to the change board at once.")

    _strip = field_validator("reason", mode="before")(_stripped)


class ChangeRequestEdit(PatchModel):
    version: Version
    changes: dict[Annotated[str, line(40)], Any] | None = Field(default=None, max_length=50)
    reason: str | None = Field(default=None, min_length=1, max_length=10000)
    emergency: bool | None = None

    _strip = field_validator("reason", mode="before")(_stripped)


class VersionIn(BaseModel):
    version: Version


class DecisionIn(BaseModel):
    decision: Decision
    comment: str = Field(default="", max_length=10000)
    version: Version | None = Field(
        default=None, description="The version you read; when given, a stale one gets 409."
    )

    _strip = field_validator("comment", mode="before")(_stripped)


class ApprovalOut(BaseModel):
    username: str
    seat: str
    decision: str
    comment: str
    created_at: dt.datetime


class FreezeOut(BaseModel):
    id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date
    reason: str
    project_id: int | None
    release_id: int | None


class ChangeRequestSummary(BaseModel):
    id: int
    key: str
    requirement_id: int
    requirement_key: str
    requirement_title: str
    status: ChangeRequestStatus
    emergency: bool
    reason: str
    project_id: int | None
    release_id: int | None
    effort_delta: float
    impact_counts: dict[str, int]
    requested_by: str
    # The freeze window that blocks approval today (None for emergencies and closed requests).
    blocked_by: FreezeOut | None = None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    applied_at: dt.datetime | None


class ChangeRequestOut(ChangeRequestSummary):
    requirement_version: int
    changes: dict[str, Any]
    before: dict[str, Any]
    impact: dict[str, Any]
    impact_computed_at: dt.datetime | None
    approvals: list[ApprovalOut]


class ImpactOut(BaseModel):
    requirement_id: int
    counts: dict[str, int]
    requirements: list[int]
    entities: dict[str, list[int]]
    projects: list[int]
    releases: list[int]
    milestones: list[int]
    effort_delta: float
    downstream_effort_days: float
    depth: int
    computed_at: dt.datetime
    elapsed_ms: float


class FreezeWindowOut(FreezeOut):
    active: bool = Field(description="Whether today (UTC) falls inside the window.")
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class LeadTimeOut(BaseModel):
    count: int
    median_hours: float | None
    mean_hours: float | None


class ChangeMetricsOut(BaseModel):
    release_id: int
    release: str
    project_id: int
    count: int
    by_status: dict[str, int]
    approval_lead_time: LeadTimeOut
    applied_effort_churn_days: float
    baselined_effort_days: float | None
    scope_churn_pct: float | None
