"""Configured webhook sources and the log of the deliveries each received."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tmse.core.db import Base, Timestamped, utcnow
from tmse.core.messages import Message, MessageColumn

PLAIN = "plain"


class HookSource(Timestamped, Base):
    """One tool instance allowed to deliver: its kind, the name in its URL, and the shared secret
    its deliveries are verified with."""

    __tablename__ = "devops_hook_sources"
    __table_args__ = (UniqueConstraint("kind", "name", name="uq_devops_hook_sources_kind_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(60))
    # Kept readable because a signature is checked against it; `secret_scheme` says how it is
    # stored, so a later scheme can convert the rows it finds.
    secret: Mapped[str] = mapped_column(String(200))
    secret_scheme: Mapped[str] = mapped_column(String(20), default=PLAIN)
    rotated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    enabled: Mapped[bool] = mapped_column(default=True)


class HookDelivery(Base):
    """One delivery received from a source and what became of it. A refused delivery keeps only
    this line: its event, its delivery id and the reason, never its content."""

    __tablename__ = "devops_hook_deliveries"
    __table_args__ = (
        Index("ix_devops_hook_deliveries_source_received", "source_id", "received_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("devops_hook_sources.id", ondelete="CASCADE"))
    event: Mapped[str | None] = mapped_column(String(200))
    delivery_id: Mapped[str | None] = mapped_column(String(200))
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    outcome: Mapped[str] = mapped_column(String(20))  # stored, unchanged, ignored, refused
    status_code: Mapped[int] = mapped_column()
    message: Mapped[Message | None] = mapped_column(MessageColumn)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
