"""Scorecard levels, daily score snapshots per service, and campaigns towards a level."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tmse.core.db import Base, Timestamped, Versioned


class ScorecardLevel(Versioned, Timestamped, Base):
    """A level such as Bronze; a service holds the highest level whose rules (and all lower
    levels' rules) it passes. Rules name their level by `key`."""

    __tablename__ = "scorecard_levels"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    rank: Mapped[int] = mapped_column(unique=True)  # 1 = lowest
    color: Mapped[str] = mapped_column(String(20), default="")


class ScoreSnapshot(Base):
    """One service's score on one day: the trend is the series of these."""

    __tablename__ = "score_snapshots"
    __table_args__ = (UniqueConstraint("service_id", "taken_on", name="uq_score_snapshots_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("catalog_services.id", ondelete="CASCADE"), index=True
    )
    taken_on: Mapped[dt.date] = mapped_column(Date, index=True)
    score: Mapped[float] = mapped_column()  # 0–100
    level: Mapped[str | None] = mapped_column(String(40))  # key of the level held, or None
    passed: Mapped[int] = mapped_column()
    total: Mapped[int] = mapped_column()
    # {"<standard key>": [passed, total], ...}: the heat map's cells without re-evaluating.
    by_standard: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Campaign(Versioned, Timestamped, Base):
    """An initiative: services in scope should hold `target_level` by `due_on`."""

    __tablename__ = "scorecard_campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(String(4000), default="")
    target_level: Mapped[str] = mapped_column(String(40))
    due_on: Mapped[dt.date] = mapped_column(Date)
    # Optional filters on the catalog: {"team": name, "system": name, "layer": layer}.
    scope: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    owner_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    closed: Mapped[bool] = mapped_column(default=False)
