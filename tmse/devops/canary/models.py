"""Canary analysis records: named metric sets, runs of a service's release, and their stages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tmse.core.db import Base, Timestamped


class CanaryConfig(Timestamped, Base):
    """A named set of metrics (direction, allowed change, critical, must have data, group) with
    the group weights, thresholds, tolerance and confidence a judgement uses."""

    __tablename__ = "devops_canary_configs"
    __table_args__ = (UniqueConstraint("name", name="uq_devops_canary_configs_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # [{"name", "direction", "allowed_increase", "allowed_decrease", "critical",
    #   "must_have_data", "group", "query"}] in the order given.
    metrics: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # {group: weight}; None weighs every group alike.
    group_weights: Mapped[dict[str, float] | None] = mapped_column(JSON)
    tolerance: Mapped[float] = mapped_column(Float)
    confidence: Mapped[float] = mapped_column(Float)
    pass_threshold: Mapped[float] = mapped_column(Float)
    marginal_threshold: Mapped[float] = mapped_column(Float)


class CanaryRun(Timestamped, Base):
    """A canary release of a service, judged stage by stage and closed by a decision; the
    deployment it ships, when named, is `deployment_source` + `deployment_external_id`."""

    __tablename__ = "devops_canary_runs"
    __table_args__ = (
        Index("ix_devops_canary_runs_service", "service_id", "started_at"),
        Index("ix_devops_canary_runs_deployment", "deployment_source", "deployment_external_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("catalog_services.id", ondelete="CASCADE"))
    config_id: Mapped[int | None] = mapped_column(
        ForeignKey("devops_canary_configs.id", ondelete="SET NULL"), index=True
    )
    # The configuration as it was when the run started: later edits do not change a run.
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    deployment_source: Mapped[str | None] = mapped_column(String(20))
    deployment_external_id: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))  # running, passed, marginal, failed
    recommendation: Mapped[str | None] = mapped_column(String(20))  # of the latest stage
    decision: Mapped[str | None] = mapped_column(String(20))  # promote, roll back
    rolled_back: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[dt.datetime] = mapped_column()
    decided_at: Mapped[dt.datetime | None] = mapped_column()
    decided_by: Mapped[str | None] = mapped_column(String(200))


class CanaryStage(Base):
    """One stage of a run: traffic share and duration, the judge's score, verdict and
    recommendation, its reason (message id + params), the evidence per metric and the samples."""

    __tablename__ = "devops_canary_stages"
    __table_args__ = (UniqueConstraint("run_id", "index", name="uq_devops_canary_stages_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("devops_canary_runs.id", ondelete="CASCADE"))
    index: Mapped[int] = mapped_column()
    traffic_percent: Mapped[float] = mapped_column(Float)
    duration_minutes: Mapped[int] = mapped_column()
    started_at: Mapped[dt.datetime | None] = mapped_column()
    finished_at: Mapped[dt.datetime | None] = mapped_column()
    judged_at: Mapped[dt.datetime] = mapped_column()
    score: Mapped[float] = mapped_column(Float)
    verdict: Mapped[str] = mapped_column(String(20))  # Pass, Marginal, Fail
    recommendation: Mapped[str] = mapped_column(String(20))  # promote, hold, roll back
    reason: Mapped[dict[str, Any]] = mapped_column(JSON)  # {"id", "params"}
    # {"groups": [...], "metrics": [...]}: the judge's evidence, reasons as {"id", "params"}.
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    # {metric: {"baseline": [...], "canary": [...]}}, each side at most the judge's sample cap.
    samples: Mapped[dict[str, Any]] = mapped_column(JSON)
    # SHA-256 of the request, so a stage posted again with the same index and content is found.
    content_hash: Mapped[str] = mapped_column(String(64))
