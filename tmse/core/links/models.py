"""The trace_links table."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tmse.core.db import Base, Timestamped, Versioned


class LinkState(StrEnum):
    VALID = "valid"
    SUSPECT = "suspect"
    INVALID = "invalid"


class TraceLink(Versioned, Timestamped, Base):
    __tablename__ = "trace_links"
    __table_args__ = (
        UniqueConstraint(
            "source_type",
            "source_id",
            "target_type",
            "target_id",
            "link_type",
            name="uq_trace_links_ends",
        ),
        Index("ix_trace_links_source", "source_type", "source_id"),
        Index("ix_trace_links_target", "target_type", "target_id"),
        # A record's links, either way: what a kept page showing them depends on.
        {"info": {"read_keys": [("source_type", "source_id"), ("target_type", "target_id")]}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    link_type: Mapped[str] = mapped_column(String(60))
    source_type: Mapped[str] = mapped_column(String(60))
    source_id: Mapped[int] = mapped_column()
    target_type: Mapped[str] = mapped_column(String(60))
    target_id: Mapped[int] = mapped_column()
    source_fingerprint: Mapped[str] = mapped_column(String(64))
    target_fingerprint: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(10), default=LinkState.VALID, index=True)
    state_reason: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[str] = mapped_column(String(80))
    cleared_by: Mapped[str | None] = mapped_column(String(80))
    cleared_at: Mapped[dt.datetime | None] = mapped_column()
    clear_comment: Mapped[str | None] = mapped_column(String(2000))
