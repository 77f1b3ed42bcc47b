"""Request and response models for data stores."""

from __future__ import annotations

from pydantic import BaseModel, Field

from tmse.catalog.models import StoreKind
from tmse.catalog.schemas import NAME_PATTERN, Stamped
from tmse.core.input_types import Clearable, PatchModel, Reference, Version


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


class DataStoreOut(Stamped):
    name: str
    engine: str
    kind: StoreKind
    owner: str
    system: str | None
    primary: str | None
    replicas: list[str] = Field(description="Names of its read replicas.")
    description: str
