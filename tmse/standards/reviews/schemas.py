"""Request and response models of the architecture review API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator

from tmse.catalog.queries import Layer
from tmse.catalog.schemas import NAME_PATTERN, TargetKind
from tmse.core.input_types import Id, Reference, Version, line
from tmse.standards.reviews.models import ReviewKind, ReviewStatus

VERSION_FIELD = Field(description="The version you read; a stale one gets 409.")
Opinion = Literal["approve", "approve-with-conditions", "reject"]
Decision = Literal["approved", "approved-with-conditions", "rejected"]


class DependencyIn(BaseModel):
    target: str = Field(min_length=1, max_length=120, description="Name of what is depended on.")
    kind: TargetKind = Field(default=TargetKind.SERVICE, description="service, api or data-store.")
    protocol: str = Field(default="http", min_length=1, max_length=40)


class ProposalIn(BaseModel):
    """A service not yet in the catalog, as it would be built."""

    name: str = Field(pattern=NAME_PATTERN, description="Lower-case, e.g. loyalty-points.")
    layer: Layer
    owner: Reference = Field(description="Name of the owning team.")
    system: Reference | None = Field(default=None, description="Name of the system it would join.")
    dependencies: list[DependencyIn] = Field(default_factory=list, max_length=200)


class ReviewCreate(BaseModel):
    title: str = Field(min_length=3, max_length=300)
    kind: ReviewKind
    service: Reference | None = Field(
        default=None, description="For a significant change: the existing service's name."
    )
    proposal: ProposalIn | None = Field(default=None, description="For a new service.")
    dependencies: list[DependencyIn] = Field(
        default_factory=list,
        max_length=200,
        description="For a significant change: dependencies the change adds.",
    )
    description: str = Field(default="", max_length=20000)
    reviewers: list[Reference] | None = Field(
        default=None,
        max_length=20,
        description="Usernames holding the architect role; default: the architects of the "
        "owner's department, or all architects.",
    )
    adrs: list[Id] = Field(
        default_factory=list, max_length=50, description="Numbers of related ADRs to link."
    )


class VersionIn(BaseModel):
    version: Version


class CommentIn(BaseModel):
    body: str = Field(min_length=1, max_length=10000)


class OpinionIn(BaseModel):
    opinion: Opinion
    comment: str = Field(default="", max_length=10000)


class ConditionIn(BaseModel):
    text: str = Field(min_length=3, max_length=2000)
    addresses: list[Annotated[str, line(80)]] = Field(
        default_factory=list,
        max_length=50,
        description="Keys of the checklist items this condition resolves.",
    )


class DecisionIn(BaseModel):
    version: Version
    status: Decision
    note: str = Field(default="", max_length=10000)
    conditions: list[ConditionIn] = Field(default_factory=list, max_length=50)

    @field_validator("conditions", mode="before")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        # A condition may be sent as plain text when it resolves no particular item.
        if isinstance(value, list):
            return [{"text": v} if isinstance(v, str) else v for v in value]
        return value


class ConditionTick(BaseModel):
    version: Version
    done: bool = True


class AdrLinkIn(BaseModel):
    number: Id = Field(description="The ADR's number.")


class ChecklistItemOut(BaseModel):
    key: str
    item: str
    source: str
    passed: bool
    severity: str
    details: str
    blocking: bool


class ReviewerOut(BaseModel):
    username: str
    display_name: str
    opinion: str | None
    comment: str
    updated_at: dt.datetime


class ConditionOut(BaseModel):
    index: int
    text: str
    addresses: list[str]
    done: bool
    done_by: str | None = None
    done_at: dt.datetime | None = None


class CommentOut(BaseModel):
    id: int
    author: str
    body: str
    created_at: dt.datetime


class LinkedOut(BaseModel):
    ref: str
    label: str | None
    link_type: str
    state: str


class ReviewSummary(BaseModel):
    id: int
    title: str
    kind: ReviewKind
    status: ReviewStatus
    subject: str = Field(description="The service's name, or the proposed name.")
    service: str | None
    requested_by: str | None
    reviewers: list[str]
    blocking_failures: int
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class ReviewOut(ReviewSummary):
    proposal: dict[str, Any]
    description: str
    reviewer_opinions: list[ReviewerOut]
    checklist: list[ChecklistItemOut]
    checklist_evaluated_at: dt.datetime | None
    decision_note: str
    conditions: list[ConditionOut]
    decided_by: str | None
    decided_at: dt.datetime | None
    comments: list[CommentOut]
    links: list[LinkedOut]


class StatusCounts(BaseModel):
    total: int
    by_status: dict[str, int]


class GateOut(BaseModel):
    service: str
    passed: bool
    review_id: int | None
    status: str | None
    open_conditions: list[str]
    reason: str
