"""Delivery records: deployments with the commits they carry, and incidents against services."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tmse.core.db import Base, Timestamped


class Deployment(Timestamped, Base):
    """One deployment of a service to an environment, as a CI/CD source reported it; `source`
    and `external_id` name it there, so a redelivered event finds the same row."""

    __tablename__ = "devops_deployments"
    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_devops_deployments_source_id"),
        # A scope's deployments in a date range: one service's, or every service's by day.
        Index("ix_devops_deployments_service_day", "service_id", "finished_day"),
        Index("ix_devops_deployments_day", "finished_day"),
        Index("ix_devops_deployments_service_moment", "service_id", "finished_s"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(200))
    service_id: Mapped[int] = mapped_column(ForeignKey("catalog_services.id", ondelete="CASCADE"))
    environment: Mapped[str] = mapped_column(String(60))
    result: Mapped[str] = mapped_column(String(20))
    # The branch or tag deployed and a title (a release name, a pipeline's title), when the
    # source gave them: what rework rules (hotfix, revert, rollback) read.
    ref: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(300))
    started_at: Mapped[dt.datetime] = mapped_column()
    finished_at: Mapped[dt.datetime] = mapped_column()
    # The UTC day it finished on, and the moment in seconds since 1970: kept so deploy days
    # count, and incidents match deployments within a window, in SQL on every database.
    finished_day: Mapped[dt.date] = mapped_column(Date)
    finished_s: Mapped[int] = mapped_column(BigInteger)


class DeploymentCommit(Base):
    """A commit a deployment carried, with its lead time (finished − authored, in seconds)
    kept beside it so lead-time figures aggregate in SQL."""

    __tablename__ = "devops_deployment_commits"
    __table_args__ = (
        UniqueConstraint("deployment_id", "sha", name="uq_devops_deployment_commits_sha"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(
        ForeignKey("devops_deployments.id", ondelete="CASCADE"), index=True
    )
    sha: Mapped[str] = mapped_column(String(64), index=True)
    authored_at: Mapped[dt.datetime] = mapped_column()
    lead_time_s: Mapped[int] = mapped_column()


class Incident(Timestamped, Base):
    """A production incident of a service: opened, maybe resolved, maybe caused by a named
    deployment (`deployment_ref` as the source gave it; `deployment_id` once it is known)."""

    __tablename__ = "devops_incidents"
    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_devops_incidents_source_id"),
        Index("ix_devops_incidents_service_opened", "service_id", "opened_s"),
        # Incidents waiting for the deployment they name, found when it arrives.
        Index("ix_devops_incidents_source_ref", "source", "deployment_ref"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(200))
    service_id: Mapped[int] = mapped_column(ForeignKey("catalog_services.id", ondelete="CASCADE"))
    severity: Mapped[str] = mapped_column(String(40))
    opened_at: Mapped[dt.datetime] = mapped_column()
    opened_s: Mapped[int] = mapped_column(BigInteger, index=True)
    resolved_at: Mapped[dt.datetime | None] = mapped_column()
    # Time to restore in seconds, kept when resolved so restore figures aggregate in SQL.
    restore_s: Mapped[int | None] = mapped_column()
    deployment_ref: Mapped[str | None] = mapped_column(String(200))
    deployment_id: Mapped[int | None] = mapped_column(
        ForeignKey("devops_deployments.id", ondelete="SET NULL"), index=True
    )
