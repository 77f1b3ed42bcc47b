"""Request and response models for APIs."""

from __future__ import annotations

from pydantic import BaseModel, Field

from tmse.catalog.models import ApiType, Lifecycle
from tmse.catalog.schemas import NAME_PATTERN, Stamped
from tmse.core.input_types import Clearable, PatchModel, Reference, Version

MAX_DEFINITION = 2_000_000


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


class ApiOut(Stamped):
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
