"""Artifacts a registry received and the vulnerability scans of them, keyed as the registry
names them so a redelivered event finds the same row."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tmse.core.db import Base, Timestamped


class Artifact(Timestamped, Base):
    """One push of a digest (under a tag, or by digest only) to a registry's repository; the
    catalog service is the one named like the repository's last segment, when there is one."""

    __tablename__ = "devops_artifacts"
    __table_args__ = (
        UniqueConstraint(
            "registry", "project", "repository", "digest", "tag_key", name="uq_devops_artifacts_key"
        ),
        Index("ix_devops_artifacts_service_pushed", "service_id", "pushed_at"),
        Index("ix_devops_artifacts_repository", "project", "repository"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # "registry" is a name the declarative base keeps for itself.
    registry_host: Mapped[str] = mapped_column("registry", String(255))
    project: Mapped[str] = mapped_column(String(255))
    repository: Mapped[str] = mapped_column(String(255))
    digest: Mapped[str] = mapped_column(String(255))
    tag: Mapped[str | None] = mapped_column(String(255))
    # The tag, or "" for a push by digest: a unique key may not hold NULL and still match.
    tag_key: Mapped[str] = mapped_column(String(255))
    pushed_at: Mapped[dt.datetime] = mapped_column()
    operator: Mapped[str | None] = mapped_column(String(255))
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("catalog_services.id", ondelete="SET NULL")
    )


class ArtifactScan(Timestamped, Base):
    """One vulnerability report of a digest: its status, overall severity, scanner and counts
    by severity. Keyed by digest, so a scan delivered before its push is kept too."""

    __tablename__ = "devops_artifact_scans"
    __table_args__ = (
        UniqueConstraint(
            "registry",
            "project",
            "repository",
            "digest",
            "report_type",
            "report_key",
            name="uq_devops_artifact_scans_key",
        ),
        Index("ix_devops_artifact_scans_digest", "digest", "finished_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # "registry" is a name the declarative base keeps for itself.
    registry_host: Mapped[str] = mapped_column("registry", String(255))
    project: Mapped[str] = mapped_column(String(255))
    repository: Mapped[str] = mapped_column(String(255))
    digest: Mapped[str] = mapped_column(String(255))
    report_type: Mapped[str] = mapped_column(String(255))
    # The report id, or the finish time when Harbor gave none.
    report_key: Mapped[str] = mapped_column(String(255))
    report_id: Mapped[str | None] = mapped_column(String(255))
    scan_status: Mapped[str] = mapped_column(String(255))
    severity: Mapped[str | None] = mapped_column(String(255))
    scanner_name: Mapped[str | None] = mapped_column(String(255))
    scanner_version: Mapped[str | None] = mapped_column(String(255))
    finished_at: Mapped[dt.datetime | None] = mapped_column()
    critical: Mapped[int | None] = mapped_column()
    high: Mapped[int | None] = mapped_column()
    medium: Mapped[int | None] = mapped_column()
    low: Mapped[int | None] = mapped_column()
    negligible: Mapped[int | None] = mapped_column()
    unknown: Mapped[int | None] = mapped_column()
    total: Mapped[int | None] = mapped_column()
    fixable: Mapped[int | None] = mapped_column()
