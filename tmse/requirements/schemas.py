"""Request and response models of the requirements API (intake, backlog, custom fields).

Field rules (RICE and WSJF scales, non-negative effort, custom values) are checked once, in
service.validate_changes, for every way in: these models only give the JSON its shape."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

VERSION_FIELD = Field(description="The version you read; a stale one gets 409.")


class RequirementFields(BaseModel):
    """What a client may write. Scores (rice_score, wsjf_score) and status are not among them."""

    model_config = ConfigDict(extra="forbid")

    description: str | None = Field(default=None, max_length=20000)
    acceptance_criteria: str | None = Field(default=None, max_length=20000)
    type: str | None = Field(
        default=None, description="feature, improvement, bug, technical, non-functional"
    )
    requester: str | None = Field(
        default=None, max_length=200, description="Who asked; defaults to you."
    )
    moscow: str | None = Field(default=None, description="must, should, could, wont")
    effort_days: Decimal | None = Field(default=None, description="Person-days, ≥ 0.")
    rice_reach: int | None = Field(default=None, description="People or events per period.")
    rice_impact: Decimal | None = Field(default=None, description="3, 2, 1, 0.5 or 0.25")
    rice_confidence: int | None = Field(default=None, description="100, 80 or 50 (%)")
    rice_effort: Decimal | None = Field(default=None, description="Person-months, > 0.")
    wsjf_value: int | None = Field(default=None, description="1, 2, 3, 5, 8, 13 or 20")
    wsjf_time_criticality: int | None = None
    wsjf_risk_reduction: int | None = None
    wsjf_job_size: int | None = None
    project_id: int | None = None
    release_id: int | None = None
    milestone_id: int | None = None
    product_manager_id: int | None = None
    custom: dict[str, Any] | None = Field(
        default=None, description="Custom field values by key; null removes one."
    )


class RequirementCreate(RequirementFields):
    title: str = Field(min_length=1, max_length=300)
    external_key: str | None = Field(
        default=None, max_length=100, description="Its key in the system it came from."
    )


class RequirementPatch(RequirementFields):
    version: int = VERSION_FIELD
    title: str | None = Field(default=None, min_length=1, max_length=300)


class RequirementSummary(BaseModel):
    """One backlog row: the requirement with every priority component next to its score."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    key: str
    title: str
    type: str
    status: str
    channel: str
    requester: str
    external_key: str | None
    project_id: int | None
    release_id: int | None
    milestone_id: int | None
    product_manager_id: int | None
    moscow: str | None
    effort_days: float | None
    rice_reach: int | None
    rice_impact: float | None
    rice_confidence: int | None
    rice_effort: float | None
    rice_score: float | None
    wsjf_value: int | None
    wsjf_time_criticality: int | None
    wsjf_risk_reduction: int | None
    wsjf_job_size: int | None
    wsjf_score: float | None
    custom: dict[str, Any]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class RequirementOut(RequirementSummary):
    description: str
    acceptance_criteria: str
    requester_id: int | None
    created_by_id: int | None
    status_reason: str
    snoozed_until: dt.date | None
    duplicate_of_id: int | None


class BacklogPage(BaseModel):
    items: list[RequirementSummary]
    total: int = Field(description="Counted once per data version and filter set.")
    limit: int
    offset: int
    model: str | None


class MustShareOut(BaseModel):
    project_id: int | None
    release_id: int | None
    total_effort: float
    must_effort: float
    share_pct: float
    limit_pct: int
    over_limit: bool


class HistoryEntry(BaseModel):
    id: int
    at: dt.datetime
    actor: str
    action: str
    changes: dict[str, Any]


class ImportRowError(BaseModel):
    line: int
    field: str
    message: str


class ImportResult(BaseModel):
    mapping: str
    rows: int
    created: int
    updated: int
    unchanged: int
    ids: list[int]


class CustomFieldIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(min_length=1, max_length=40, description="e.g. customer_tier")
    label_en: str = Field(min_length=1, max_length=120)
    label_zh: str = Field(default="", max_length=120)
    kind: str = Field(description="text, number, date, single_select, multi_select, user")
    options: list[str] = Field(default_factory=list, max_length=200)
    types: list[str] = Field(default_factory=list, description="Requirement types; [] = all.")
    required: bool = False
    position: int = 0


class CustomFieldPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = VERSION_FIELD
    label_en: str | None = Field(default=None, min_length=1, max_length=120)
    label_zh: str | None = Field(default=None, max_length=120)
    options: list[str] | None = None
    types: list[str] | None = None
    required: bool | None = None
    position: int | None = None


class CustomFieldOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    key: str
    label_en: str
    label_zh: str
    kind: str
    options: list[str]
    types: list[str]
    required: bool
    position: int
    version: int
