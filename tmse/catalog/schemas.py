"""Request and response models of the catalog API: services and dependencies."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field

from tmse.catalog.models import Layer, Lifecycle
from tmse.core.input_types import Clearable, PatchModel, Reference, Version, line
from tmse.core.safe_url import SafeUrl

NAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,119}$"
VERSION_FIELD = Field(description="The version you read; a stale one gets 409.")


class TargetKind(StrEnum):
    SERVICE = "service"
    API = "api"
    DATA_STORE = "data-store"


class ServiceCreate(BaseModel):
    name: str = Field(pattern=NAME_PATTERN, description="Lower-case, e.g. payment-gateway.")
    layer: Layer
    owner: Reference = Field(description="Name of the owning team.")
    system: Reference | None = Field(default=None, description="Name of the system it belongs to.")
    type: str = Field(default="service", max_length=40)
    lifecycle: Lifecycle = Lifecycle.PRODUCTION
    description: str = Field(default="", max_length=4000)
    repository: SafeUrl | None = Field(default=None, max_length=300)
    language: str | None = Field(default=None, max_length=40)
    tier: int | None = Field(default=None, ge=0, le=4)
    kubernetes_namespace: str | None = Field(default=None, max_length=120)
    kubernetes_workload: str | None = Field(default=None, max_length=120)


class ServiceUpdate(PatchModel):
    """Only the fields sent change; `system: null` takes the service out of its system."""

    version: Version
    name: str | None = Field(default=None, pattern=NAME_PATTERN)
    layer: Layer | None = None
    owner: Reference | None = None
    system: Clearable[Reference] = None
    type: str | None = Field(default=None, max_length=40)
    lifecycle: Lifecycle | None = None
    description: str | None = Field(default=None, max_length=4000)
    repository: Clearable[SafeUrl] = Field(default=None, max_length=300)
    language: Clearable[Annotated[str, line(40)]] = None
    tier: Clearable[int] = Field(default=None, ge=0, le=4)
    kubernetes_namespace: Clearable[Annotated[str, line(120)]] = None
    kubernetes_workload: Clearable[Annotated[str, line(120)]] = None


class ServiceOut(BaseModel):
    id: int
    name: str
    layer: Layer
    lifecycle: Lifecycle
    type: str
    owner: str
    owner_team_id: int
    system: str | None
    description: str
    repository: str | None
    language: str | None
    tier: int | None
    kubernetes_namespace: str | None
    kubernetes_workload: str | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class DependencyCreate(BaseModel):
    source: Reference = Field(description="Name of the service that depends.")
    target: Reference = Field(description="Name of the service, API or data store depended on.")
    target_kind: TargetKind = Field(
        default=TargetKind.SERVICE, description="What `target` names: service, api or data-store."
    )
    protocol: str = Field(default="http", min_length=1, max_length=40)


class DependencyOut(BaseModel):
    id: int
    source: str
    target: str
    target_kind: TargetKind
    protocol: str
    created_at: dt.datetime


class Stamped(BaseModel):
    """The identity and timestamps every stored catalog record answers with."""

    id: int
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
