"""Repositories and what CI/CD deliveries say happened in them: commits, pull requests,
pipeline runs and their jobs. Each row has the natural key its source gives it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tmse.core.db import Base, Timestamped


class Repository(Timestamped, Base):
    """A repository (or, for Jenkins, a job) a source delivered about; `service_id` is the
    catalog service whose repository URL or name it matched, None while none does."""

    __tablename__ = "devops_repositories"
    __table_args__ = (
        UniqueConstraint("source", "full_name", name="uq_devops_repositories_source_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    full_name: Mapped[str] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(Text)
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("catalog_services.id", ondelete="SET NULL"), index=True
    )


class Commit(Base):
    """A commit pushed to a repository."""

    __tablename__ = "devops_commits"
    __table_args__ = (UniqueConstraint("repository_id", "sha", name="uq_devops_commits_sha"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    repository_id: Mapped[int] = mapped_column(
        ForeignKey("devops_repositories.id", ondelete="CASCADE")
    )
    sha: Mapped[str] = mapped_column(String(64), index=True)
    author: Mapped[str | None] = mapped_column(Text)
    author_email: Mapped[str | None] = mapped_column(Text)
    authored_at: Mapped[dt.datetime | None] = mapped_column()
    committed_at: Mapped[dt.datetime | None] = mapped_column()
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)


class PullRequest(Timestamped, Base):
    """A pull (merge) request as it last stood; `first_review_at` is the earliest review by
    someone other than its author that any delivery showed."""

    __tablename__ = "devops_pull_requests"
    __table_args__ = (
        UniqueConstraint("repository_id", "number", name="uq_devops_pull_requests_number"),
        Index("ix_devops_pull_requests_opened", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    repository_id: Mapped[int] = mapped_column(
        ForeignKey("devops_repositories.id", ondelete="CASCADE")
    )
    number: Mapped[int] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(Text)
    branch: Mapped[str] = mapped_column(Text)
    base_branch: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20))  # open, closed, merged
    opened_at: Mapped[dt.datetime] = mapped_column()
    first_review_at: Mapped[dt.datetime | None] = mapped_column()
    merged_at: Mapped[dt.datetime | None] = mapped_column()
    merge_sha: Mapped[str | None] = mapped_column(String(64))
    url: Mapped[str | None] = mapped_column(Text)
    requirement_keys: Mapped[list[str]] = mapped_column(JSON, default=list)


class Pipeline(Timestamped, Base):
    """One attempt of a pipeline run as it last stood."""

    __tablename__ = "devops_pipelines"
    __table_args__ = (
        UniqueConstraint(
            "repository_id", "run_id", "attempt", name="uq_devops_pipelines_run_attempt"
        ),
        Index("ix_devops_pipelines_started", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    repository_id: Mapped[int] = mapped_column(
        ForeignKey("devops_repositories.id", ondelete="CASCADE")
    )
    run_id: Mapped[str] = mapped_column(String(200))
    attempt: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    trigger: Mapped[str | None] = mapped_column(Text)
    sha: Mapped[str | None] = mapped_column(String(64))
    branch: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[dt.datetime | None] = mapped_column()
    finished_at: Mapped[dt.datetime | None] = mapped_column()
    duration_s: Mapped[float | None] = mapped_column(Float)
    url: Mapped[str | None] = mapped_column(Text)


class PipelineJob(Base):
    """One job (build) of a pipeline run."""

    __tablename__ = "devops_pipeline_jobs"
    __table_args__ = (
        UniqueConstraint("pipeline_id", "job_id", name="uq_devops_pipeline_jobs_job"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pipeline_id: Mapped[int] = mapped_column(ForeignKey("devops_pipelines.id", ondelete="CASCADE"))
    job_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(Text)
    stage: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[dt.datetime | None] = mapped_column()
    finished_at: Mapped[dt.datetime | None] = mapped_column()
    duration_s: Mapped[float | None] = mapped_column(Float)
    url: Mapped[str | None] = mapped_column(Text)
