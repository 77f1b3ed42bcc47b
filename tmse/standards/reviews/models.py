"""Architecture review requests, their reviewers, checklist and decision."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tmse.core.db import Base, Timestamped, Versioned
from tmse.core.links.registry import register as register_linkable


class ReviewKind(StrEnum):
    NEW_SERVICE = "new-service"
    SIGNIFICANT_CHANGE = "significant-change"


class ReviewStatus(StrEnum):
    REQUESTED = "requested"
    IN_REVIEW = "in-review"
    APPROVED = "approved"
    APPROVED_WITH_CONDITIONS = "approved-with-conditions"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class ArchitectureReview(Versioned, Timestamped, Base):
    __tablename__ = "architecture_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(30), index=True, default=ReviewStatus.REQUESTED)
    # The service under review; for a new service not yet in the catalog, None and `proposal`.
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("catalog_services.id", ondelete="SET NULL"), index=True
    )
    # For a new service: {"name", "layer", "owner", "dependencies": [{"target", "kind"}]}.
    proposal: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    description: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # [{"item", "source", "passed", "severity", "details"}] as last evaluated.
    checklist: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    checklist_evaluated_at: Mapped[dt.datetime | None] = mapped_column()
    decision_note: Mapped[str] = mapped_column(Text, default="")
    # [{"text", "done"}]: what an approval with conditions requires.
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column()


class ReviewReviewer(Timestamped, Base):
    """A reviewer (a user with the architect role) assigned to a review, with their opinion."""

    __tablename__ = "architecture_review_reviewers"
    __table_args__ = (UniqueConstraint("review_id", "user_id", name="uq_review_reviewers"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("architecture_reviews.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # None until they give one: "approve", "approve-with-conditions", "reject".
    opinion: Mapped[str | None] = mapped_column(String(30))
    comment: Mapped[str] = mapped_column(Text, default="")


class ReviewComment(Timestamped, Base):
    """A remark in a review's discussion, by the requester, a reviewer or anyone contributing."""

    __tablename__ = "architecture_review_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("architecture_reviews.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    author_name: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)


register_linkable("review", ArchitectureReview, ("title", "status", "description"), "title")
