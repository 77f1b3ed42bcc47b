"""Change requests against a requirement, and the change board's approvals of them."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tmse.core.db import Base, Timestamped, Versioned


class ChangeRequestStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    # The board's second approval applies the change in the same transaction, so a stored
    # change request normally passes from submitted straight to applied.
    APPROVED = "approved"
    APPLIED = "applied"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


OPEN_STATUSES: frozenset[str] = frozenset(
    {ChangeRequestStatus.DRAFT, ChangeRequestStatus.SUBMITTED}
)


class BoardSeat(StrEnum):
    """The two seats of the change board; one person cannot hold both on one request."""

    COMMITTEE = "committee"
    PRODUCT_MANAGER = "product_manager"


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


class ChangeRequest(Versioned, Timestamped, Base):
    __tablename__ = "change_requests"
    __table_args__ = (
        Index("ix_change_requests_status_release", "status", "release_id"),
        Index("ix_change_requests_project", "project_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requirement_id: Mapped[int] = mapped_column(
        ForeignKey("requirements.id", ondelete="CASCADE"), index=True
    )
    # The requirement's version the proposal was written against; applying refuses a newer one.
    requirement_version: Mapped[int] = mapped_column()
    # {field: proposed value} and {field: value when proposed}, JSON-ready (decimals as strings).
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    before: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(Text)
    emergency: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default=ChangeRequestStatus.DRAFT, index=True)
    # The requirement's project and release when the request was written (for lists and metrics).
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("delivery_projects.id", ondelete="SET NULL")
    )
    release_id: Mapped[int | None] = mapped_column(
        ForeignKey("delivery_releases.id", ondelete="SET NULL")
    )
    # The impact analysis as last computed (see impact.py / impact_queries.py).
    impact: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    impact_computed_at: Mapped[dt.datetime | None] = mapped_column()
    # Proposed effort_days minus the current one; 0 when effort is not changed.
    effort_delta: Mapped[float] = mapped_column(default=0.0)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    requested_by: Mapped[str] = mapped_column(String(80), default="")
    submitted_at: Mapped[dt.datetime | None] = mapped_column()
    approved_at: Mapped[dt.datetime | None] = mapped_column()
    applied_at: Mapped[dt.datetime | None] = mapped_column()
    closed_at: Mapped[dt.datetime | None] = mapped_column()

    @property
    def key(self) -> str:
        return f"CR-{self.id}"


class ChangeRequestApproval(Timestamped, Base):
    """One board member's decision on one change request, in one seat."""

    __tablename__ = "change_request_approvals"
    __table_args__ = (
        UniqueConstraint("change_request_id", "seat", name="uq_change_request_approvals_seat"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    change_request_id: Mapped[int] = mapped_column(
        ForeignKey("change_requests.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    username: Mapped[str] = mapped_column(String(80))
    seat: Mapped[str] = mapped_column(String(20))
    decision: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(Text, default="")
