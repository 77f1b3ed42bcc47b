"""Business goals, tech objectives and their key results, initiatives; the chain between them is
stored as trace links (core/links), so suspect links and traceability cover every level."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tmse.core.db import Base, Timestamped, Versioned
from tmse.core.links.registry import register as register_linkable


class StrategyStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ACHIEVED = "achieved"
    MISSED = "missed"
    CANCELLED = "cancelled"


class BusinessGoal(Versioned, Timestamped, Base):
    __tablename__ = "strategy_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    period_start: Mapped[dt.date] = mapped_column()
    period_end: Mapped[dt.date] = mapped_column()
    # The measurable target: "Online GMV" from 120 to 150 "M CNY".
    metric: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(40), default="")
    baseline_value: Mapped[Decimal] = mapped_column(Numeric(18, 4), default=0)
    target_value: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    current_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    status: Mapped[str] = mapped_column(String(20), default=StrategyStatus.ACTIVE, index=True)


class TechObjective(Versioned, Timestamped, Base):
    __tablename__ = "strategy_objectives"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    period_start: Mapped[dt.date] = mapped_column()
    period_end: Mapped[dt.date] = mapped_column()
    status: Mapped[str] = mapped_column(String(20), default=StrategyStatus.ACTIVE, index=True)


class KeyResult(Versioned, Timestamped, Base):
    __tablename__ = "strategy_key_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(
        ForeignKey("strategy_objectives.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    metric: Mapped[str] = mapped_column(String(200), default="")
    unit: Mapped[str] = mapped_column(String(40), default="")
    start_value: Mapped[Decimal] = mapped_column(Numeric(18, 4), default=0)
    target_value: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    current_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))


class Initiative(Versioned, Timestamped, Base):
    """A tech investment: what it will cost in people and money."""

    __tablename__ = "strategy_initiatives"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    planned_person_days: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=0)
    planned_cost: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=0)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    start_on: Mapped[dt.date | None] = mapped_column()
    end_on: Mapped[dt.date | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(20), default=StrategyStatus.ACTIVE, index=True)


# Link types along the strategy chain (source is upstream, target downstream).
SUPPORTS = "supports"  # goal → objective
DRIVES = "drives"  # objective → initiative
INCLUDES = "includes"  # initiative → requirement

register_linkable(
    "goal", BusinessGoal, ("name", "description", "metric", "target_value", "period_end")
)
register_linkable("objective", TechObjective, ("name", "description", "period_end"))
register_linkable(
    "initiative", Initiative, ("name", "description", "planned_person_days", "planned_cost")
)
