"""Request and response models of the delivery API (projects' own are planning's)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from tmse.core.input_types import INT32_MAX, Clearable, Id, IsoDate, PatchModel, Version, line
from tmse.delivery.models import GateDecision, PhaseKind
from tmse.planning.schemas import ProjectOut


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- projects ------------------------------------------------------------------------------


class ProjectSummary(ProjectOut):
    mode: str = Field(description="iterative, gated, hybrid, or none (no phases yet).")
    owner: str | None
    team: str | None
    phase_count: int
    requirement_count: int


# --- phases and iterations -------------------------------------------------------------------


class PhaseCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    kind: PhaseKind
    start_on: IsoDate
    end_on: IsoDate
    position: int | None = Field(
        default=None, ge=1, le=INT32_MAX, description="Default: after the last."
    )
    description: str = Field(default="", max_length=20000)


class PhaseUpdate(PatchModel):
    version: Version
    name: str | None = Field(default=None, min_length=1, max_length=200)
    start_on: IsoDate | None = None
    end_on: IsoDate | None = None
    position: int | None = Field(default=None, ge=1, le=INT32_MAX)
    description: str | None = Field(default=None, max_length=20000)


class PhaseOut(_Out):
    id: int
    project_id: int
    name: str
    kind: PhaseKind
    position: int
    start_on: dt.date
    end_on: dt.date
    description: str
    version: int
    gate_id: int | None = None
    gate_status: str | None = None


class IterationCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    start_on: IsoDate
    end_on: IsoDate
    goal: str = Field(default="", max_length=5000)


class IterationUpdate(PatchModel):
    version: Version
    name: str | None = Field(default=None, min_length=1, max_length=100)
    start_on: IsoDate | None = None
    end_on: IsoDate | None = None
    goal: str | None = Field(default=None, max_length=5000)


class IterationOut(_Out):
    id: int
    phase_id: int
    name: str
    start_on: dt.date
    end_on: dt.date
    goal: str
    version: int


class ItemAdd(BaseModel):
    requirement_id: Id


class ItemOut(BaseModel):
    requirement_id: int
    key: str
    title: str
    status: str
    moscow: str | None
    effort_days: float | None
    added_at: dt.datetime
    scope_added: bool = Field(description="Added on a day after the iteration started.")
    completed_at: dt.datetime | None
    completed: bool = Field(description="Done on or before the iteration's last day.")


class VelocityOut(BaseModel):
    iteration_id: int
    name: str
    start_on: dt.date
    end_on: dt.date
    planned_count: int
    planned_effort: float
    added_count: int
    added_effort: float
    completed_count: int
    completed_effort: float
    completed_planned_count: int
    finished: bool


class VelocitySummaryOut(BaseModel):
    iterations: list[VelocityOut]
    average_effort: float | None = Field(description="Mean over the last finished iterations.")
    average_count: float | None
    window: int


class IterationDetail(IterationOut):
    items: list[ItemOut]
    velocity: VelocityOut


# --- gates -----------------------------------------------------------------------------------


class CriterionIn(BaseModel):
    key: str = Field(min_length=1, max_length=100)
    params: dict[Annotated[str, line(40)], Any] = Field(default_factory=dict, max_length=20)


class GateCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    criteria: list[CriterionIn] = Field(default_factory=list, max_length=50)
    required_baseline_id: Id | None = None
    approver_ids: list[Id] = Field(min_length=1, max_length=50)


class GateUpdate(PatchModel):
    version: Version
    name: str | None = Field(default=None, min_length=1, max_length=200)
    criteria: list[CriterionIn] | None = Field(default=None, max_length=50)
    required_baseline_id: Clearable[Id] = None
    approver_ids: list[Id] | None = Field(default=None, min_length=1, max_length=50)


class CriterionResultOut(BaseModel):
    key: str
    label: str
    params: dict[str, Any]
    passed: bool
    detail: str = Field(description="In English; detail_message renders in any language.")
    detail_message: dict[str, Any] = Field(description="The detail as a message id and params.")


class ApproverOut(BaseModel):
    id: int
    username: str
    display_name: str


class VoteOut(BaseModel):
    id: int
    username: str
    decision: GateDecision
    note: str
    criteria_results: list[dict[str, Any]]
    decided_at: dt.datetime


class GateOut(BaseModel):
    id: int
    phase_id: int
    project_id: int
    name: str
    criteria: list[CriterionIn]
    required_baseline_id: int | None
    approvers: list[ApproverOut]
    status: str
    decision_note: str
    decided_by: str | None
    decided_at: dt.datetime | None
    version: int
    decisions: list[VoteOut]


class GateEvaluation(BaseModel):
    gate_id: int
    passed: bool = Field(description="Every criterion passes: Go is allowed.")
    results: list[CriterionResultOut]


class DecisionIn(BaseModel):
    version: Version
    decision: GateDecision
    note: str = Field(default="", max_length=10000)


class CriterionOut(BaseModel):
    key: str
    label: str
    description: str


class MustShareOut(BaseModel):
    """The MoSCoW balance of the project, as the requirements module computes it."""

    must_effort: float | None = None
    total_effort: float | None = None
    share_pct: float | None = None
    limit_pct: int
    over_limit: bool
