"""Request and response models of the baseline API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, Field

from tmse.core.input_types import Id, line
from tmse.requirements.baselines.models import BaselineStatus


class BaselineCreate(BaseModel):
    """Either `requirement_ids`, or a selection: a project and/or release, optionally narrowed
    to some statuses (none: every status)."""

    name: str = Field(min_length=1, max_length=200, description="Unique among baselines.")
    description: str = Field(default="", max_length=20000)
    approver: str = Field(min_length=1, max_length=80, description="Username of the signer.")
    project_id: Id | None = None
    release_id: Id | None = None
    statuses: list[Annotated[str, line(20)]] = Field(
        default_factory=list, max_length=20, description="Requirement statuses to select."
    )
    requirement_ids: list[Id] | None = Field(
        default=None, max_length=100_000, description="An explicit set of requirements."
    )


class BaselineOut(BaseModel):
    id: int
    name: str
    description: str
    status: BaselineStatus
    project_id: int | None
    release_id: int | None
    selection: dict[str, Any]
    created_by: str | None
    approver: str
    approver_id: int
    item_count: int
    created_at: dt.datetime
    signed_at: dt.datetime | None
    digest: str | None
    signature: str | None
    discarded_at: dt.datetime | None


class BaselineItemOut(BaseModel):
    requirement_id: int
    fields: dict[str, Any]
    links: list[dict[str, Any]]


class BaselineDetail(BaselineOut):
    items: list[BaselineItemOut]
    items_total: int
    items_limit: int
    items_offset: int


class VerifyOut(BaseModel):
    baseline_id: int
    status: BaselineStatus
    signed: bool
    valid: bool = Field(description="The stored signature matches the snapshot as stored now.")
    digest_matches: bool
    signature_matches: bool
    stored_digest: str | None
    computed_digest: str | None
    checked_at: dt.datetime


class RequirementChangeOut(BaseModel):
    requirement_id: int
    title: str
    fields: dict[str, dict[str, Any]]
    links_added: list[dict[str, Any]]
    links_removed: list[dict[str, Any]]
    links_changed: list[dict[str, Any]]


class ItemSummaryOut(BaseModel):
    requirement_id: int
    title: str
    status: str | None


class DiffOut(BaseModel):
    baseline_id: int
    against: str = Field(description="Another baseline's id, or 'now'.")
    added: list[ItemSummaryOut]
    removed: list[ItemSummaryOut]
    changed: list[RequirementChangeOut]
    unchanged: int
    counts: dict[str, int]


class RequirementBaselineOut(BaseModel):
    """A baseline holding a requirement."""

    id: int
    name: str
    status: BaselineStatus
    signed_at: dt.datetime | None
    project_id: int | None
