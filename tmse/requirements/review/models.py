"""Joint review of a requirement: the approvals given in each capacity and the review requests."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tmse.core.db import Base, utcnow


class Capacity(StrEnum):
    PRODUCT = "product"
    TECHNICAL = "technical"


class Decision(StrEnum):
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes-requested"


class RequirementApproval(Base):
    """One reviewer's decision in one capacity. A content edit voids every live approval (the
    row stays, with `voided_at` and why), so the panel can show what was approved before."""

    __tablename__ = "requirement_approvals"
    __table_args__ = (Index("ix_requirement_approvals_live", "requirement_id", "voided_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    requirement_id: Mapped[int] = mapped_column(
        ForeignKey("requirements.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    capacity: Mapped[str] = mapped_column(String(20))
    decision: Mapped[str] = mapped_column(String(20), default=Decision.APPROVED)
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    voided_at: Mapped[dt.datetime | None] = mapped_column()
    void_reason: Mapped[str] = mapped_column(Text, default="")


class RequirementReviewRequest(Base):
    """A reviewer asked to review a requirement; `done` once they approved or the review ended."""

    __tablename__ = "requirement_review_requests"
    __table_args__ = (Index("ix_requirement_review_requests_queue", "reviewer_id", "done"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    requirement_id: Mapped[int] = mapped_column(
        ForeignKey("requirements.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    done: Mapped[bool] = mapped_column(default=False)
