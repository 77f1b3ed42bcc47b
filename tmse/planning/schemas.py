"""Request and response models of projects, releases, milestones and freeze windows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tmse.core.input_types import Clearable, Id, IsoDate, PatchModel, Version
from tmse.planning.models import ProjectStatus

KEY_PATTERN = r"^[A-Z][A-Z0-9]{1,19}$"


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ProjectCreate(BaseModel):
    key: str = Field(pattern=KEY_PATTERN, description="Upper case, e.g. PAY or CRM2.")
    name: str = Field(min_length=2, max_length=200)
    description: str = Field(default="", max_length=20000)
    owner_id: Id | None = None
    team_id: Id | None = None
    status: ProjectStatus = ProjectStatus.ACTIVE
    start_on: IsoDate | None = None
    end_on: IsoDate | None = None
    must_effort_limit_pct: int = Field(default=60, ge=1, le=100)


class ProjectUpdate(PatchModel):
    version: Version
    key: str | None = Field(default=None, pattern=KEY_PATTERN)
    name: str | None = Field(default=None, min_length=2, max_length=200)
    description: str | None = Field(default=None, max_length=20000)
    owner_id: Clearable[Id] = None
    team_id: Clearable[Id] = None
    status: ProjectStatus | None = None
    start_on: Clearable[IsoDate] = None
    end_on: Clearable[IsoDate] = None
    must_effort_limit_pct: int | None = Field(default=None, ge=1, le=100)


class ProjectOut(_Out):
    id: int
    key: str
    name: str
    description: str
    owner_id: int | None
    team_id: int | None
    status: str
    start_on: dt.date | None
    end_on: dt.date | None
    must_effort_limit_pct: int
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class ReleaseCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    planned_on: IsoDate | None = None
    released_on: IsoDate | None = None
    must_effort_limit_pct: int | None = Field(default=None, ge=1, le=100)


class ReleaseUpdate(PatchModel):
    version: Version
    name: str | None = Field(default=None, min_length=1, max_length=100)
    planned_on: Clearable[IsoDate] = None
    released_on: Clearable[IsoDate] = None
    must_effort_limit_pct: Clearable[int] = Field(default=None, ge=1, le=100)


class ReleaseOut(_Out):
    id: int
    project_id: int
    name: str
    planned_on: dt.date | None
    released_on: dt.date | None
    must_effort_limit_pct: int | None
    version: int


class MilestoneCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    due_on: IsoDate
    reached_on: IsoDate | None = None


class MilestoneUpdate(PatchModel):
    version: Version
    name: str | None = Field(default=None, min_length=1, max_length=200)
    due_on: IsoDate | None = None
    reached_on: Clearable[IsoDate] = None


class MilestoneOut(_Out):
    id: int
    project_id: int
    name: str
    due_on: dt.date
    reached_on: dt.date | None
    version: int


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class FreezeWindowCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    project_id: Id | None = None
    release_id: Id | None = None
    starts_on: IsoDate
    ends_on: IsoDate
    reason: str = Field(default="", max_length=2000)

    _strip = field_validator("name", "reason", mode="before")(_stripped)


class FreezeWindowEdit(PatchModel):
    version: Version
    name: str | None = Field(default=None, min_length=1, max_length=200)
    project_id: Clearable[Id] = None
    release_id: Clearable[Id] = None
    starts_on: IsoDate | None = None
    ends_on: IsoDate | None = None
    reason: str | None = Field(default=None, max_length=2000)

    _strip = field_validator("name", "reason", mode="before")(_stripped)
