"""Request and response models of the requirements API (intake, backlog, custom fields)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from tmse.core.input_types import (
    Clearable,
    Id,
    Int32,
    PatchModel,
    Text,
    Version,
    amount,
    line,
)

# Field rules (RICE and WSJF scales, non-negative effort, custom values) are checked once, in
# service.validate_changes, for every way in: these models only give the JSON its shape.

VERSION_FIELD = Field(description="The version you read; a stale one gets 409.")


class RequirementFields(BaseModel):
    """What a client may write. Scores (rice_score, wsjf_score) and status are not among them."""

    model_config = ConfigDict(extra="forbid")

    description: Text | None = None
    acceptance_criteria: Text | None = None
    type: Annotated[str, line(20)] | None = Field(
        default=None, description="feature, improvement, bug, technical, non-functional"
    )
    requester: Annotated[str, line(200)] | None = Field(
        default=None, description="Who asked; defaults to you."
    )
    moscow: Clearable[Annotated[str, line(10)]] = Field(
        default=None, description="must, should, could, wont"
    )
    effort_days: Clearable[Annotated[Decimal, amount(10, 2)]] = Field(
        default=None, description="Person-days, ≥ 0."
    )
    rice_reach: Clearable[Int32] = Field(default=None, description="People or events per period.")
    rice_impact: Clearable[Annotated[Decimal, amount(4, 2)]] = Field(
        default=None, description="3, 2, 1, 0.5 or 0.25"
    )
    rice_confidence: Clearable[Int32] = Field(default=None, description="100, 80 or 50 (%)")
    rice_effort: Clearable[Annotated[Decimal, amount(10, 2)]] = Field(
        default=None, description="Person-months, > 0."
    )
    wsjf_value: Clearable[Int32] = Field(default=None, description="1, 2, 3, 5, 8, 13 or 20")
    wsjf_time_criticality: Clearable[Int32] = None
    wsjf_risk_reduction: Clearable[Int32] = None
    wsjf_job_size: Clearable[Int32] = None
    project_id: Clearable[Id] = None
    release_id: Clearable[Id] = None
    milestone_id: Clearable[Id] = None
    product_manager_id: Clearable[Id] = None
    custom: dict[Annotated[str, line(40)], Any] | None = Field(
        default=None, max_length=100, description="Custom field values by key; null removes one."
    )


class RequirementCreate(RequirementFields):
    title: Annotated[str, line(300, min_length=1)]
    external_key: Annotated[str, line(100)] | None = Field(
        default=None, description="Its key in the system it came from."
    )


class RequirementPatch(RequirementFields, PatchModel):
    version: Version
    title: Annotated[str, line(300, min_length=1)] | None = None


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

    key: Annotated[str, line(40, min_length=1)] = Field(description="e.g. customer_tier")
    label_en: Annotated[str, line(120, min_length=1)]
    label_zh: Annotated[str, line(120)] = ""
    kind: Annotated[str, line(20)] = Field(
        description="text, number, date, single_select, multi_select, user"
    )
    options: list[Annotated[str, line(200)]] = Field(default_factory=list, max_length=200)
    types: list[Annotated[str, line(40)]] = Field(
        default_factory=list, max_length=20, description="Requirement types; [] = all."
    )
    required: bool = False
    position: Int32 = 0


class CustomFieldPatch(PatchModel):
    model_config = ConfigDict(extra="forbid")

    version: Version
    label_en: Annotated[str, line(120, min_length=1)] | None = None
    label_zh: Annotated[str, line(120)] | None = None
    options: list[Annotated[str, line(200)]] | None = Field(default=None, max_length=200)
    types: list[Annotated[str, line(40)]] | None = Field(default=None, max_length=20)
    required: bool | None = None
    position: Int32 | None = None


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
