"""Request and response models of the identity API."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tmse.core.identity.models import TeamKind
from tmse.core.input_types import Clearable, Id, PatchModel, Version
from tmse.core.permissions import Role

USERNAME_PATTERN = r"^[A-Za-z0-9_.\-]{2,80}$"


class TeamCreate(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    kind: TeamKind = TeamKind.TEAM
    parent_id: Id | None = None
    description: str = Field(default="", max_length=2000)


class TeamUpdate(PatchModel):
    version: Version
    name: str | None = Field(default=None, min_length=1, max_length=120)
    kind: TeamKind | None = None
    parent_id: Clearable[Id] = None
    description: str | None = Field(default=None, max_length=2000)


class TeamOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: TeamKind
    parent_id: int | None
    description: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class TeamDetail(TeamOut):
    path: list[str] = Field(description="Names from the company down to this unit.")
    children: list[int]
    member_ids: list[int]


class UserCreate(BaseModel):
    username: str = Field(pattern=USERNAME_PATTERN)
    display_name: str = Field(default="", max_length=120)
    email: str | None = Field(default=None, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")
    password: str | None = Field(default=None, min_length=8, max_length=200)
    roles: list[Role] = Field(default_factory=lambda: [Role.VIEWER], min_length=1)
    team_ids: list[Id] = Field(default_factory=list, max_length=200)

    @field_validator("roles")
    @classmethod
    def _unique_roles(cls, roles: list[Role]) -> list[Role]:
        return sorted(set(roles))


class UserUpdate(PatchModel):
    version: Version
    display_name: str | None = Field(default=None, max_length=120)
    email: Clearable[str] = Field(default=None, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")
    password: str | None = Field(default=None, min_length=8, max_length=200)
    roles: list[Role] | None = Field(default=None, min_length=1)
    team_ids: list[Id] | None = Field(default=None, max_length=200)
    is_active: bool | None = None


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    email: str | None
    roles: list[str]
    team_ids: list[int]
    is_active: bool
    locale: str | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class TokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=120)


class TokenOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    user_id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="Shown once; only its hash is stored.")
