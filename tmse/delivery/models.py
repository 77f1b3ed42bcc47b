"""A project's phases: iterative ones hold iterations of requirements, gated ones a stage gate
with criteria, a required baseline, approvers and a history of decisions."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tmse.core.db import Base, Timestamped, Versioned, utcnow


class PhaseKind(StrEnum):
    ITERATIVE = "iterative"
    GATED = "gated"


class GateDecision(StrEnum):
    GO = "go"
    KILL = "kill"
    HOLD = "hold"
    RECYCLE = "recycle"


class GateStatus(StrEnum):
    """A gate's state: pending until a decision; hold and recycle leave it open."""

    PENDING = "pending"
    GO = "go"
    KILL = "kill"
    HOLD = "hold"
    RECYCLE = "recycle"


class Phase(Versioned, Timestamped, Base):
    __tablename__ = "delivery_phases"
    __table_args__ = (
        UniqueConstraint("project_id", "name", name="uq_delivery_phases_project_name"),
        CheckConstraint("end_on >= start_on", name="phase_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("delivery_projects.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    # Phases run in this order (1, 2, ...); the timeline and the mode follow it.
    position: Mapped[int] = mapped_column(default=1)
    start_on: Mapped[dt.date] = mapped_column()
    end_on: Mapped[dt.date] = mapped_column()
    description: Mapped[str] = mapped_column(Text, default="")


class Iteration(Versioned, Timestamped, Base):
    __tablename__ = "delivery_iterations"
    __table_args__ = (
        UniqueConstraint("phase_id", "name", name="uq_delivery_iterations_phase_name"),
        CheckConstraint("end_on >= start_on", name="iteration_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    phase_id: Mapped[int] = mapped_column(
        ForeignKey("delivery_phases.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    start_on: Mapped[dt.date] = mapped_column()
    end_on: Mapped[dt.date] = mapped_column()
    goal: Mapped[str] = mapped_column(Text, default="")


class IterationItem(Base):
    """A requirement in an iteration. `added_at` after the iteration's start means scope added;
    `completed_at` is recorded when the requirement is seen turning done (iterations.py)."""

    __tablename__ = "delivery_iteration_items"
    __table_args__ = (
        UniqueConstraint(
            "iteration_id", "requirement_id", name="uq_delivery_iteration_items_requirement"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    iteration_id: Mapped[int] = mapped_column(
        ForeignKey("delivery_iterations.id", ondelete="CASCADE"), index=True
    )
    requirement_id: Mapped[int] = mapped_column(
        ForeignKey("requirements.id", ondelete="CASCADE"), index=True
    )
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    completed_at: Mapped[dt.datetime | None] = mapped_column()


class StageGate(Versioned, Timestamped, Base):
    """The gate that closes a gated phase (one per phase)."""

    __tablename__ = "delivery_stage_gates"

    id: Mapped[int] = mapped_column(primary_key=True)
    phase_id: Mapped[int] = mapped_column(
        ForeignKey("delivery_phases.id", ondelete="CASCADE"), unique=True
    )
    name: Mapped[str] = mapped_column(String(200))
    # [{"key": "all-must-approved", "params": {...}}], keys of the criteria registry.
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    required_baseline_id: Mapped[int | None] = mapped_column(
        ForeignKey("requirement_baselines.id", ondelete="SET NULL"), index=True
    )
    # User ids of the people who may decide this gate.
    approver_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default=GateStatus.PENDING, index=True)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[dt.datetime | None] = mapped_column()


class GateVote(Base):
    """One decision taken at a gate, with the criteria results seen when it was taken."""

    __tablename__ = "delivery_gate_votes"

    id: Mapped[int] = mapped_column(primary_key=True)
    gate_id: Mapped[int] = mapped_column(
        ForeignKey("delivery_stage_gates.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(80))
    decision: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    # [{"key", "passed", "detail"}] as evaluated at the moment of the decision.
    criteria_results: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    decided_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
