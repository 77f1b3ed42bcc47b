"""Quality gate records: each service's rule configuration, and every gate run with its figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tmse.core.db import Base, Timestamped
from tmse.core.messages import Message, MessageColumn


class GateConfig(Timestamped, Base):
    """A service's gate rules as `gate_rules` reads them (metric → threshold, null switches a
    rule off); a service without a row has the default rules."""

    __tablename__ = "devops_quality_gate_configs"
    __table_args__ = (
        UniqueConstraint("service_id", name="uq_devops_quality_gate_configs_service"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("catalog_services.id", ondelete="CASCADE"))
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(default=1)
    updated_by: Mapped[str] = mapped_column(String(200))


class QualityRun(Timestamped, Base):
    """One pipeline run's gate: its figures, each condition's result and the status. The service
    and the run id name it, so a re-upload of the same run replaces it; other runs are history."""

    __tablename__ = "devops_quality_runs"
    __table_args__ = (
        UniqueConstraint("service_id", "run_id", name="uq_devops_quality_runs_service_run"),
        # A service's history, newest first, and its latest gate.
        Index("ix_devops_quality_runs_service_uploaded", "service_id", "uploaded_at", "id"),
        Index("ix_devops_quality_runs_uploaded", "uploaded_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("catalog_services.id", ondelete="CASCADE"))
    run_id: Mapped[str] = mapped_column(String(200))
    sha: Mapped[str] = mapped_column(String(64), index=True)
    branch: Mapped[str] = mapped_column(String(255))
    uploaded_at: Mapped[dt.datetime] = mapped_column()
    uploaded_by: Mapped[str] = mapped_column(String(200))
    # "passed", "failed" or "no-data".
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[Message] = mapped_column(MessageColumn)
    # The report formats read ("cobertura", "junit", ...), and the rules the gate applied.
    formats: Mapped[list[str]] = mapped_column(JSON)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    lines_valid: Mapped[int | None] = mapped_column()
    lines_covered: Mapped[int | None] = mapped_column()
    branches_valid: Mapped[int | None] = mapped_column()
    branches_covered: Mapped[int | None] = mapped_column()
    tests_total: Mapped[int | None] = mapped_column()
    tests_failed: Mapped[int | None] = mapped_column()
    tests_errors: Mapped[int | None] = mapped_column()
    tests_skipped: Mapped[int | None] = mapped_column()
    # Changed lines given with the run (None when none were given).
    changed_lines: Mapped[int | None] = mapped_column()
    # Each condition: metric, operator, threshold, actual, numerator, denominator, status,
    # reason ({"id", "params"}) and the inputs it lacked.
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
