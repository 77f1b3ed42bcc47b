"""Request and response models of requirement transitions, approvals and the review queue."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from tmse.core.input_types import Id, IsoDate, Version, line

CapacityName = Literal["product", "technical"]


class TransitionIn(BaseModel):
    action: Annotated[str, line(40)] = Field(
        description="accept, reject, snooze, unsnooze, mark-duplicate, reopen, request-review, "
        "approve, request-changes, withdraw-review, start or complete."
    )
    version: Version
    reason: str | None = Field(default=None, max_length=5000, description="Required to reject.")
    until: IsoDate | None = Field(default=None, description="Snooze: a future date.")
    original_id: Id | None = Field(default=None, description="Mark-duplicate: the original.")
    reviewers: list[Id] | None = Field(
        default=None,
        max_length=20,
        description="Request-review: user ids, at least one product manager and one architect "
        "or tech lead.",
    )
    capacity: CapacityName | None = Field(
        default=None, description="Approve: product or technical; inferred when only one fits."
    )
    comment: str | None = Field(
        default=None, max_length=5000, description="Approve (optional), request-changes."
    )


class RequirementState(BaseModel):
    id: int
    key: str
    title: str
    status: str
    status_reason: str
    snoozed_until: dt.date | None
    duplicate_of_id: int | None
    version: int


class CapacityOut(BaseModel):
    capacity: CapacityName
    roles: list[str]
    approved: bool
    by: str
    by_id: int | None
    at: dt.datetime | None
    comment: str


class ReviewerOut(BaseModel):
    id: int
    name: str
    requested_at: dt.datetime


class DecisionOut(BaseModel):
    by: str
    capacity: str
    decision: str
    comment: str
    at: dt.datetime
    voided_at: dt.datetime | None
    void_reason: str


class ApprovalsOut(BaseModel):
    requirement_id: int
    status: str
    version: int
    capacities: list[CapacityOut]
    pending_reviewers: list[ReviewerOut]
    history: list[DecisionOut] = Field(description="Voided approvals and requested changes.")
    actions: list[str] = Field(description="The actions you may perform now.")
    my_capacity: str | None
    open_capacities: list[str] = Field(description="Capacities you could approve in now.")


class QueueItem(BaseModel):
    id: int
    key: str
    title: str
    status: str
    version: int
    moscow: str | None
    product_manager: str
    requested_by: str
    requested_at: dt.datetime | None
    product_approved_by: str
    technical_approved_by: str
    my_capacities: list[str]
    updated_at: dt.datetime


class QueueCounts(BaseModel):
    awaiting_me: int
    in_review: int
    missing_product: int
    missing_technical: int
