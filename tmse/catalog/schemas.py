"""Request and response models of the catalog API."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from tmse.catalog.models import Layer, Lifecycle

NAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,119}$"


class ServiceCreate(BaseModel):
    name: str = Field(pattern=NAME_PATTERN, description="Lower-case, e.g. payment-gateway.")
    layer: Layer
    owner: str = Field(min_length=1, description="Name of the owning team.")
    type: str = Field(default="service", max_length=40)
    lifecycle: Lifecycle = Lifecycle.PRODUCTION
    description: str = Field(default="", max_length=4000)
    repository: str | None = Field(default=None, max_length=300)
    language: str | None = Field(default=None, max_length=40)
    tier: int | None = Field(default=None, ge=0, le=4)
    kubernetes_namespace: str | None = Field(default=None, max_length=120)
    kubernetes_workload: str | None = Field(default=None, max_length=120)


class ServiceOut(BaseModel):
    id: int
    name: str
    layer: Layer
    lifecycle: Lifecycle
    type: str
    owner: str
    owner_team_id: int
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
    source: str = Field(min_length=1, description="Name of the service that depends.")
    target: str = Field(min_length=1, description="Name of the service depended on.")
    protocol: str = Field(default="http", max_length=40)


class DependencyOut(BaseModel):
    id: int
    source: str
    target: str
    protocol: str
    created_at: dt.datetime
