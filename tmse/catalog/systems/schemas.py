"""Request and response models for domains, systems, APIs, data stores and layer rules."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field

from tmse.catalog.models import ApiType, Layer, Lifecycle, StoreKind
from tmse.catalog.schemas import NAME_PATTERN
from tmse.core.input_types import Clearable, PatchModel, Reference, Version, line

MAX_DEFINITION = 2_000_000


class _Stamped(BaseModel):
    id: int
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class DomainCreate(BaseModel):
    name: str = Field(pattern=NAME_PATTERN)
    owner: Reference = Field(description="Name of the owning team.")
    title: str | None = Field(default=None, max_length=200)
    description: str = Field(default="", max_length=4000)


class DomainUpdate(PatchModel):
    version: Version
    name: str | None = Field(default=None, pattern=NAME_PATTERN)
    owner: Reference | None = None
    title: Clearable[Annotated[str, line(200)]] = None
    description: str | None = Field(default=None, max_length=4000)


class DomainOut(_Stamped):
    name: str
    owner: str
    title: str | None
    description: str
    systems: list[str] = Field(description="Names of the systems in this domain.")


class SystemCreate(BaseModel):
    name: str = Field(pattern=NAME_PATTERN)
    owner: Reference = Field(description="Name of the owning team.")
    domain: Reference | None = Field(default=None, description="Name of its domain.")
    title: str | None = Field(default=None, max_length=200)
    description: str = Field(default="", max_length=4000)


class SystemUpdate(PatchModel):
    version: Version
    name: str | None = Field(default=None, pattern=NAME_PATTERN)
    owner: Reference | None = None
    domain: Clearable[Reference] = None
    title: Clearable[Annotated[str, line(200)]] = None
    description: str | None = Field(default=None, max_length=4000)


class SystemOut(_Stamped):
    name: str
    owner: str
    domain: str | None
    title: str | None
    description: str


class ApiCreate(BaseModel):
    name: str = Field(pattern=NAME_PATTERN)
    type: ApiType = ApiType.OPENAPI
    owner: Reference = Field(description="Name of the owning team.")
    provider: Reference | None = Field(
        default=None, description="Name of the service providing it."
    )
    system: Clearable[Reference] = None
    lifecycle: Lifecycle = Lifecycle.PRODUCTION
    description: str = Field(default="", max_length=4000)
    definition: str = Field(
        default="",
        max_length=MAX_DEFINITION,
        description="OpenAPI 3.x / AsyncAPI as JSON or YAML, protobuf or GraphQL SDL text.",
    )


class ApiUpdate(PatchModel):
    version: Version
    name: str | None = Field(default=None, pattern=NAME_PATTERN)
    type: ApiType | None = None
    owner: Reference | None = None
    provider: Clearable[Reference] = None
    system: Clearable[Reference] = None
    lifecycle: Lifecycle | None = None
    description: str | None = Field(default=None, max_length=4000)
    definition: str | None = Field(default=None, max_length=MAX_DEFINITION)


class ApiOut(_Stamped):
    name: str
    type: ApiType
    owner: str
    provider: str | None
    system: str | None
    lifecycle: Lifecycle
    description: str
    has_definition: bool


class ApiDetail(ApiOut):
    definition: str
    consumers: list[str] = Field(description="Names of the services consuming it.")


class DataStoreCreate(BaseModel):
    name: str = Field(pattern=NAME_PATTERN)
    engine: str = Field(min_length=1, max_length=40, description="e.g. postgresql, redis.")
    kind: StoreKind = StoreKind.RELATIONAL
    owner: Reference = Field(description="Name of the owning team.")
    system: Clearable[Reference] = None
    primary: Reference | None = Field(
        default=None, description="For a read replica: the name of its primary data store."
    )
    description: str = Field(default="", max_length=4000)


class DataStoreUpdate(PatchModel):
    version: Version
    name: str | None = Field(default=None, pattern=NAME_PATTERN)
    engine: str | None = Field(default=None, min_length=1, max_length=40)
    kind: StoreKind | None = None
    owner: Reference | None = None
    system: Clearable[Reference] = None
    primary: Clearable[Reference] = None
    description: str | None = Field(default=None, max_length=4000)


class DataStoreOut(_Stamped):
    name: str
    engine: str
    kind: StoreKind
    owner: str
    system: str | None
    primary: str | None
    replicas: list[str] = Field(description="Names of its read replicas.")
    description: str


class LayerRulesIn(BaseModel):
    order: list[Annotated[str, line(20)]] = Field(
        max_length=10, description="The five layers, top first."
    )
    allow: list[list[Annotated[str, line(20)]]] = Field(
        default_factory=list,
        max_length=50,
        description="[[source layer, target layer], ...] allowed anyway.",
    )
    allow_skip_down: bool = False
    version: Version = Field(description="The version you read (0 while the defaults apply).")


class LayerRulesOut(BaseModel):
    order: list[Layer]
    allow: list[list[Layer]]
    allow_skip_down: bool
    version: int = Field(description="0 while no rules are stored and the defaults apply.")
    stored: bool
    updated_at: dt.datetime | None
