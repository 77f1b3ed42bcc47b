"""Request and response shapes of the standards registry and its rule results."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from tmse.core.input_types import Clearable, PatchModel, Reference, Version, line, text
from tmse.standards.registry.models import Category

KEY_PATTERN = r"^[a-z0-9][a-z0-9-]{0,79}$"


class StandardCreate(BaseModel):
    key: str = Field(pattern=KEY_PATTERN, description="Lower-case words joined by '-'.")
    name: str = Field(min_length=1, max_length=200)
    category: Category
    owner: Reference | None = Field(None, description="Owning team's name.")


class StandardUpdate(PatchModel):
    version: Version
    name: str | None = Field(None, min_length=1, max_length=200)
    category: Category | None = None
    owner: Clearable[Reference] = None


class StandardRetire(BaseModel):
    version: Version


class RuleIn(BaseModel):
    """A machine-checked rule; `check` names a rule kind (GET .../rule-kinds lists them)."""

    model_config = ConfigDict(extra="forbid")

    key: Annotated[str, line(80, min_length=1)] = Field(
        description="Unique within the standard version, e.g. operation-id."
    )
    check: Annotated[str, line(80)]
    params: dict[Annotated[str, line(80)], Any] = Field(default_factory=dict, max_length=50)
    severity: Annotated[str, line(20)] = "warning"
    level: Annotated[str, line(40)] = "bronze"
    title: Annotated[str, line(300)] = ""
    fix_hint: Annotated[str, text(4000)] = ""


class VersionPublish(BaseModel):
    version: Version
    body: str = Field("", max_length=200_000, description="The standard's text in Markdown.")
    rules: list[RuleIn] = Field(default_factory=list, max_length=200)
    change_note: str = Field("", max_length=2000)


class StandardOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    key: str
    name: str
    category: str
    owner: str | None
    current_version: int | None
    retired: bool
    rule_count: int
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class RuleOut(BaseModel):
    key: str
    check: str
    params: dict[str, Any]
    severity: str
    level: str
    title: str
    fix_hint: str


class VersionOut(BaseModel):
    number: int
    body: str
    rules: list[RuleOut]
    change_note: str
    published_at: dt.datetime
    published_by: str


class StandardDetail(StandardOut):
    current: VersionOut | None


class RuleChange(BaseModel):
    key: str
    fields: list[str]
    before: RuleOut
    after: RuleOut


class VersionDiff(BaseModel):
    standard: str
    from_version: int
    to_version: int
    body_changed: bool
    added: list[RuleOut]
    removed: list[RuleOut]
    changed: list[RuleChange]


class RuleKindOut(BaseModel):
    name: str
    description: str
    params_schema: dict[str, Any]


class RuleResultOut(BaseModel):
    service: str
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


class ServiceResults(BaseModel):
    service: str
    passed: int
    failed: int
    results: list[RuleResultOut]
