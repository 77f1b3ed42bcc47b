"""Pydantic models of the read-only code and pipeline lists."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel


class RepositoryOut(BaseModel):
    """A repository a source delivered about; `service` is None while no service matches it."""

    id: int
    source: str
    full_name: str
    url: str | None
    service: str | None


class PullRequestOut(BaseModel):
    id: int
    source: str
    repository: str
    service: str | None
    number: int
    title: str
    branch: str
    base_branch: str
    author: str | None
    state: str
    opened_at: dt.datetime
    first_review_at: dt.datetime | None
    merged_at: dt.datetime | None
    merge_sha: str | None
    url: str | None
    requirement_keys: list[str]


class JobOut(BaseModel):
    job_id: str
    name: str
    stage: str | None
    status: str
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    duration_s: float | None
    url: str | None


class PipelineOut(BaseModel):
    id: int
    source: str
    repository: str
    service: str | None
    run_id: str
    attempt: int
    name: str | None
    status: str
    trigger: str | None
    sha: str | None
    branch: str | None
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    duration_s: float | None
    url: str | None
    jobs: list[JobOut]
