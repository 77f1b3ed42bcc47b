"""Request and response models of the strategy API: goals, objectives with key results,
initiatives, and the alignment view."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field

from tmse.core.input_types import (
    Clearable,
    Id,
    IsoDate,
    Measure,
    PatchModel,
    Reference,
    Version,
    amount,
)
from tmse.core.pagination import Page
from tmse.strategy.models import StrategyStatus

VERSION_FIELD = Field(description="The version you read; a stale one gets 409.")
NAME = Field(min_length=2, max_length=200)


class GoalCreate(BaseModel):
    name: str = NAME
    description: str = Field(default="", max_length=20000)
    owner: Reference | None = Field(default=None, description="Username of the owner.")
    period_start: IsoDate
    period_end: IsoDate
    metric: str = Field(min_length=1, max_length=200, description="What is measured.")
    unit: str = Field(default="", max_length=40)
    baseline_value: Measure = Field(default=Decimal(0), description="Where the metric starts.")
    target_value: Measure
    current_value: Measure | None = None
    status: StrategyStatus = StrategyStatus.ACTIVE


class GoalUpdate(PatchModel):
    version: Version
    name: str | None = Field(default=None, min_length=2, max_length=200)
    description: str | None = Field(default=None, max_length=20000)
    owner: Clearable[Reference] = None
    period_start: IsoDate | None = None
    period_end: IsoDate | None = None
    metric: str | None = Field(default=None, min_length=1, max_length=200)
    unit: str | None = Field(default=None, max_length=40)
    baseline_value: Measure | None = None
    target_value: Measure | None = None
    current_value: Clearable[Measure] = None
    status: StrategyStatus | None = None


class KeyResultIn(BaseModel):
    id: Id | None = Field(default=None, description="An existing key result to update.")
    name: str = NAME
    metric: str = Field(default="", max_length=200)
    unit: str = Field(default="", max_length=40)
    start_value: Measure = Decimal(0)
    target_value: Measure
    current_value: Clearable[Measure] = None


class KeyResultUpdate(PatchModel):
    version: Version
    name: str | None = Field(default=None, min_length=2, max_length=200)
    metric: str | None = Field(default=None, max_length=200)
    unit: str | None = Field(default=None, max_length=40)
    start_value: Measure | None = None
    target_value: Measure | None = None
    current_value: Clearable[Measure] = None


class ObjectiveCreate(BaseModel):
    name: str = NAME
    description: str = Field(default="", max_length=20000)
    owner: Clearable[Reference] = None
    period_start: IsoDate
    period_end: IsoDate
    status: StrategyStatus = StrategyStatus.ACTIVE
    goal_ids: list[Id] = Field(
        default_factory=list, max_length=50, description="Goals it supports."
    )
    key_results: list[KeyResultIn] = Field(default_factory=list, max_length=20)


class ObjectiveUpdate(PatchModel):
    version: Version
    name: str | None = Field(default=None, min_length=2, max_length=200)
    description: str | None = Field(default=None, max_length=20000)
    owner: Clearable[Reference] = None
    period_start: IsoDate | None = None
    period_end: IsoDate | None = None
    status: StrategyStatus | None = None
    goal_ids: list[Id] | None = Field(
        default=None, max_length=50, description="Replaces the goals it supports."
    )
    key_results: list[KeyResultIn] | None = Field(
        default=None,
        max_length=20,
        description="Replaces the key results: items with an id update it, without one are "
        "added, and those left out are removed.",
    )


class InitiativeCreate(BaseModel):
    name: str = NAME
    description: str = Field(default="", max_length=20000)
    owner: Clearable[Reference] = None
    planned_person_days: Annotated[Decimal, amount(12, 2, minimum=Decimal(0))] = Decimal(0)
    planned_cost: Annotated[Decimal, amount(16, 2, minimum=Decimal(0))] = Decimal(0)
    currency: str = Field(default="CNY", pattern=r"^[A-Z]{3}$")
    start_on: IsoDate | None = None
    end_on: IsoDate | None = None
    status: StrategyStatus = StrategyStatus.ACTIVE
    objective_ids: list[Id] = Field(
        default_factory=list, max_length=50, description="Objectives that drive it."
    )


class InitiativeUpdate(PatchModel):
    version: Version
    name: str | None = Field(default=None, min_length=2, max_length=200)
    description: str | None = Field(default=None, max_length=20000)
    owner: Clearable[Reference] = None
    planned_person_days: Annotated[Decimal, amount(12, 2, minimum=Decimal(0))] | None = None
    planned_cost: Annotated[Decimal, amount(16, 2, minimum=Decimal(0))] | None = None
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    start_on: IsoDate | None = None
    end_on: IsoDate | None = None
    status: StrategyStatus | None = None
    objective_ids: list[Id] | None = Field(default=None, max_length=50)


class RequirementIdsIn(BaseModel):
    requirement_ids: list[Id] = Field(min_length=1, max_length=1000)


class OwnerOut(BaseModel):
    id: int
    username: str
    display_name: str


class GoalOut(BaseModel):
    id: int
    name: str
    description: str
    owner: OwnerOut | None
    period_start: dt.date
    period_end: dt.date
    metric: str
    unit: str
    baseline_value: float
    target_value: float
    current_value: float | None
    progress: float | None = Field(description="Percent from baseline to target, 0–100.")
    status: str
    objective_ids: list[int]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class KeyResultOut(BaseModel):
    id: int
    objective_id: int
    name: str
    metric: str
    unit: str
    start_value: float
    target_value: float
    current_value: float | None
    progress: float | None
    version: int


class ObjectiveOut(BaseModel):
    id: int
    name: str
    description: str
    owner: OwnerOut | None
    period_start: dt.date
    period_end: dt.date
    status: str
    progress: float | None = Field(description="Mean progress of its key results.")
    key_results: list[KeyResultOut]
    goal_ids: list[int]
    initiative_ids: list[int]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class InitiativeOut(BaseModel):
    id: int
    name: str
    description: str
    owner: OwnerOut | None
    planned_person_days: float
    planned_cost: float
    currency: str
    start_on: dt.date | None
    end_on: dt.date | None
    status: str
    objective_ids: list[int]
    requirement_ids: list[int]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class RequirementCountsOut(BaseModel):
    total: int
    by_status: dict[str, int]


class KeyResultNodeOut(BaseModel):
    id: int
    name: str
    unit: str
    start_value: float
    target_value: float
    current_value: float | None
    progress: float | None


class InitiativeNodeOut(BaseModel):
    id: int
    name: str
    status: str
    planned_person_days: float
    planned_cost: float
    currency: str
    requirements: RequirementCountsOut


class ObjectiveNodeOut(BaseModel):
    id: int
    name: str
    status: str
    progress: float | None
    key_results: list[KeyResultNodeOut]
    initiatives: list[InitiativeNodeOut]


class GoalTotalsOut(BaseModel):
    objectives: int
    initiatives: int
    planned_person_days: float
    planned_cost_by_currency: dict[str, float]
    requirements: RequirementCountsOut


class GoalNodeOut(BaseModel):
    id: int
    name: str
    status: str
    metric: str
    unit: str
    baseline_value: float
    target_value: float
    current_value: float | None
    progress: float | None
    objectives_progress: float | None = Field(description="Mean progress of its objectives.")
    objectives: list[ObjectiveNodeOut]
    totals: GoalTotalsOut


class OrphanEntity(BaseModel):
    id: int
    name: str
    status: str


class OrphansOut(BaseModel):
    objectives: Page[OrphanEntity]
    initiatives: Page[OrphanEntity]
    requirements: Page[OrphanEntity]


class AlignmentOut(BaseModel):
    goals: list[GoalNodeOut]
    orphans: OrphansOut
