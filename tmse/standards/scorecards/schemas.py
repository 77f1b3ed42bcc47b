"""Request and response models of the scorecard API: levels, scorecards, heat map, campaigns."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from tmse.catalog.queries import Layer
from tmse.core.input_types import Clearable, IsoDate, PatchModel, Reference, Version

KEY_PATTERN = r"^[a-z][a-z0-9_-]{0,39}$"
COLOR_PATTERN = r"^(#[0-9a-fA-F]{6})?$"
VERSION_FIELD = Field(description="The version you read; a stale one gets 409.")


class LevelCreate(BaseModel):
    key: str = Field(pattern=KEY_PATTERN, description="What rules name, e.g. 'silver'.")
    name: str = Field(min_length=1, max_length=80)
    rank: int = Field(ge=1, le=100, description="1 is the lowest level.")
    color: str = Field(
        default="", pattern=COLOR_PATTERN, description="#rrggbb, or empty for the default."
    )


class LevelUpdate(PatchModel):
    """The key stays: rules refer to it."""

    version: Version
    name: str | None = Field(default=None, min_length=1, max_length=80)
    rank: int | None = Field(default=None, ge=1, le=100)
    color: str | None = Field(default=None, pattern=COLOR_PATTERN)


class LevelOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    key: str
    name: str
    rank: int
    color: str
    version: int


class ScorecardRow(BaseModel):
    service: str
    owner: str | None
    system: str | None
    layer: str
    level: str | None
    score: float | None = Field(description="None until the service's first snapshot.")
    passed: int
    total: int
    change: float | None = Field(description="Score now minus the score 30 days before.")
    taken_on: dt.date | None


class RuleResultOut(BaseModel):
    standard: str
    standard_version: int
    rule: str
    title: str
    level: str
    severity: str
    passed: bool
    message: str
    fix_hint: str
    location: str | None


class LevelGroup(BaseModel):
    level: str
    name: str
    rank: int
    passed: int
    total: int
    held: bool
    rules: list[RuleResultOut]


class ScorecardDetail(BaseModel):
    service: str
    owner: str | None
    layer: str
    score: float
    level: str | None
    next_level: str | None
    passed: int
    total: int
    by_standard: dict[str, list[int]]
    levels: list[LevelGroup]
    blocking_next_level: list[RuleResultOut] = Field(
        description="Failing rules at or below the next level: fix these to reach it."
    )
    unlevelled: list[RuleResultOut] = Field(
        description="Rules naming a level that is not configured; they count for the score only."
    )


class TrendPoint(BaseModel):
    taken_on: dt.date
    score: float
    level: str | None
    passed: int
    total: int


class Trend(BaseModel):
    service: str
    days: int
    points: list[TrendPoint]


class SnapshotResult(BaseModel):
    taken_on: dt.date
    services: int
    created: int
    updated: int


class HeatCell(BaseModel):
    row: str
    standard: str
    passed: int
    total: int
    services: int
    rate: float


class HeatMapOut(BaseModel):
    by: str
    taken_on: dt.date | None
    rows: list[str]
    standards: list[str]
    cells: list[HeatCell]


class CampaignScope(BaseModel):
    model_config = ConfigDict(extra="forbid")

    team: Reference | None = None
    system: Reference | None = None
    layer: Layer | None = None


class CampaignCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=4000)
    target_level: str = Field(min_length=1, max_length=40)
    due_on: IsoDate
    scope: CampaignScope = Field(default_factory=CampaignScope)
    owner: Reference | None = Field(default=None, description="Name of the team running it.")


class CampaignUpdate(PatchModel):
    version: Version
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=4000)
    target_level: str | None = Field(default=None, min_length=1, max_length=40)
    due_on: IsoDate | None = None
    scope: CampaignScope | None = None
    owner: Clearable[Reference] = None
    closed: bool | None = None


class CampaignOut(BaseModel):
    id: int
    name: str
    description: str
    target_level: str
    due_on: dt.date
    scope: CampaignScope
    owner: str | None
    closed: bool
    started_on: dt.date
    version: int


class CampaignSummary(CampaignOut):
    progress: float
    in_scope: int
    at_target: int
    days_left: int
    status: str


class LaggingService(BaseModel):
    service: str
    owner: str | None
    level: str | None
    score: float
    blocking: list[RuleResultOut]


class ProgressPoint(BaseModel):
    taken_on: dt.date
    at_target: int
    in_scope: int
    progress: float


class CampaignProgress(CampaignSummary):
    expected: float = Field(description="Where a straight line from start to due would be now.")
    lagging: list[LaggingService]
    series: list[ProgressPoint]
