"""Leader lock and job run history."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tmse.core.db import Base, utcnow


class LeaderLock(Base):
    __tablename__ = "leader_locks"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    acquired_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column()


class JobRun(Base):
    __tablename__ = "job_runs"
    # One run per job and due time, even if two workers ever believed they led at once.
    __table_args__ = (UniqueConstraint("job", "scheduled_for", name="uq_job_runs_job_due"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(60), index=True)
    holder: Mapped[str] = mapped_column(String(120))
    scheduled_for: Mapped[dt.datetime] = mapped_column()
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column()
    ok: Mapped[bool | None] = mapped_column()
    detail: Mapped[str] = mapped_column(Text, default="")
