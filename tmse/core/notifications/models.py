"""A notification addressed to one user."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from tmse.core.db import Base, utcnow
from tmse.core.messages import Message, MessageColumn


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # What happened, e.g. "review-requested", "approvals-reset"; the page shows it as a badge.
    kind: Mapped[str] = mapped_column(String(40))
    # Message ids and parameters, rendered in the reader's language when shown.
    title: Mapped[Message] = mapped_column(MessageColumn)
    url: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[Message | None] = mapped_column(MessageColumn)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column()
