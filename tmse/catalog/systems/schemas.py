"""Request and response models for domains and systems."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from tmse.catalog.schemas import NAME_PATTERN, Stamped
from tmse.core.input_types import Clearable, PatchModel, Reference, Version, line


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


class DomainOut(Stamped):
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


class SystemOut(Stamped):
    name: str
    owner: str
    domain: str | None
    title: str | None
    description: str
