"""Pydantic models of the DevOps JSON API: the generic hooks' deliveries and what they answer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from tmse.core.input_types import Moment, Reference, line

ExternalId = Annotated[str, line(200, min_length=1)]
Environment = Annotated[str, line(60, min_length=1)]
Severity = Annotated[str, line(40, min_length=1)]
# A commit id as Git prints it: 7 to 64 hexadecimal digits (SHA-1 or SHA-256, maybe abbreviated).
Sha = Annotated[str, Field(min_length=7, max_length=64, pattern="^[0-9a-fA-F]+$")]
MAX_COMMITS = 10_000
Outcome = Literal["created", "updated", "unchanged"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class GenericCommit(_Strict):
    sha: Sha
    authored_at: Moment


class GenericDeployment(_Strict):
    """A deployment finished by any CI/CD system; `id` is its id there (a redelivery with the
    same id and content changes nothing; with new content, it updates the deployment)."""

    id: ExternalId
    service: Reference = Field(description="The catalog service's name.")
    environment: Environment = Field(description="e.g. production, staging.")
    result: Literal["success", "failure"]
    ref: Annotated[str, line(200)] | None = Field(None, description="Branch or tag deployed.")
    title: Annotated[str, line(300)] | None = Field(
        None, description="e.g. the release or pipeline title; rework rules read it with `ref`."
    )
    started_at: Moment
    finished_at: Moment
    commits: list[GenericCommit] = Field(default_factory=list, max_length=MAX_COMMITS)

    @field_validator("finished_at")
    @classmethod
    def _after_start(cls, value: dt.datetime, info: ValidationInfo) -> dt.datetime:
        started = info.data.get("started_at")
        if started is not None and value < started:
            raise ValueError("finished_at is before started_at")
        return value

    @field_validator("commits")
    @classmethod
    def _authored_before(
        cls, value: list[GenericCommit], info: ValidationInfo
    ) -> list[GenericCommit]:
        finished = info.data.get("finished_at")
        for commit in value:
            if finished is not None and commit.authored_at > finished:
                raise ValueError(f"commit {commit.sha} was authored after the deployment finished")
        return value


MAX_BATCH = 1_000


class GenericDeploymentBatch(_Strict):
    """Up to 1,000 deployments in one delivery, stored all together or not at all."""

    deployments: list[GenericDeployment] = Field(min_length=1, max_length=MAX_BATCH)

    @field_validator("deployments")
    @classmethod
    def _distinct_ids(cls, value: list[GenericDeployment]) -> list[GenericDeployment]:
        seen: set[str] = set()
        for item in value:
            if item.id in seen:
                raise ValueError(f"deployment id {item.id!r} appears twice in the batch")
            seen.add(item.id)
        return value


class GenericIncident(_Strict):
    """An incident from any tool; `deployment_id` names the deployment (its `id` as delivered)
    that caused it, when known."""

    id: ExternalId
    service: Reference = Field(description="The catalog service's name.")
    created_at: Moment
    resolved_at: Moment | None = None
    severity: Severity
    deployment_id: ExternalId | None = None

    @field_validator("resolved_at")
    @classmethod
    def _after_creation(cls, value: dt.datetime | None, info: ValidationInfo) -> dt.datetime | None:
        created = info.data.get("created_at")
        if value is not None and created is not None and value < created:
            raise ValueError("resolved_at is before created_at")
        return value


class BatchAnswer(BaseModel):
    """Each deployment's outcome, in the order delivered, and how many of each."""

    outcomes: list[Outcome]
    created: int
    updated: int
    unchanged: int


class HookAnswer(BaseModel):
    """What a hook did with a delivery: `created`, `updated` or `unchanged` (a redelivery)."""

    outcome: Outcome
    id: str
    source: str
