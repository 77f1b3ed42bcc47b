"""Delivery facts: what a CI/CD webhook says happened, in one vocabulary for every source."""
# Each fact carries a natural key (`key`), so a store can write it idempotently: a redelivered
# payload parses to equal facts with equal keys. Keys are unique within one source; a store
# that mixes sources puts `DeliveryBatch.source` in front of them. Timestamps are aware UTC.

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class PipelineStatus(StrEnum):
    """Where a pipeline run (or one of its jobs) stands."""

    QUEUED = "queued"
    WAITING = "waiting"  # held for a manual action or an approval
    RUNNING = "running"
    SUCCESS = "success"
    FAILURE = "failure"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"

    @property
    def finished(self) -> bool:
        return self in _FINISHED


_FINISHED = {
    PipelineStatus.SUCCESS,
    PipelineStatus.FAILURE,
    PipelineStatus.CANCELLED,
    PipelineStatus.SKIPPED,
}


class DeploymentStatus(StrEnum):
    """Where a deployment stands; `inactive` is a deployment replaced by a later one."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCESS = "success"
    FAILURE = "failure"
    CANCELLED = "cancelled"
    INACTIVE = "inactive"

    @property
    def finished(self) -> bool:
        return self not in (DeploymentStatus.QUEUED, DeploymentStatus.RUNNING)


class PullRequestState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # closed without being merged
    MERGED = "merged"


class ReviewState(StrEnum):
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    COMMENTED = "commented"
    DISMISSED = "dismissed"


@dataclass(frozen=True, slots=True)
class CommitFact:
    """One commit as pushed; `committed_at` is the timestamp the payload gives for it."""

    repository: str
    sha: str
    author_name: str | None
    author_email: str | None
    authored_at: datetime | None
    committed_at: datetime | None
    message_title: str
    url: str | None

    @property
    def key(self) -> tuple[str, str]:
        return (self.repository, self.sha)


@dataclass(frozen=True, slots=True)
class PullRequestFact:
    """A pull (merge) request as it stands after the delivery's action."""

    repository: str
    number: int
    title: str
    branch: str
    base_branch: str
    author: str | None
    state: PullRequestState
    created_at: datetime
    # The earliest review by someone other than the author that this delivery shows (None: it
    # shows none); a store keeps the earliest it has seen.
    first_review_at: datetime | None
    merged_at: datetime | None
    merge_sha: str | None
    url: str | None
    requirement_keys: tuple[str, ...]
    labels: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, int]:
        return (self.repository, self.number)


@dataclass(frozen=True, slots=True)
class ReviewFact:
    """One submitted review of a pull request."""

    repository: str
    number: int
    review_id: str
    reviewer: str | None
    state: ReviewState
    submitted_at: datetime | None
    url: str | None

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.repository, self.number, self.review_id)


@dataclass(frozen=True, slots=True)
class JobFact:
    """One job (build) of a pipeline run."""

    job_id: str
    name: str
    stage: str | None
    status: PipelineStatus
    started_at: datetime | None
    finished_at: datetime | None
    duration_s: float | None
    url: str | None


@dataclass(frozen=True, slots=True)
class PipelineFact:
    """One attempt of a pipeline run, as it stands after the delivery's event."""

    repository: str
    run_id: str
    attempt: int
    name: str | None
    status: PipelineStatus
    trigger: str | None
    sha: str | None
    branch: str | None
    started_at: datetime | None
    finished_at: datetime | None
    duration_s: float | None
    jobs: tuple[JobFact, ...]
    url: str | None
    repository_url: str | None = None

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.repository, self.run_id, self.attempt)


@dataclass(frozen=True, slots=True)
class DeploymentFact:
    """A deployment to an environment, as it stands after the delivery's status change."""

    source_id: str
    repository: str
    environment: str
    status: DeploymentStatus
    sha: str | None
    ref: str | None
    started_at: datetime | None
    finished_at: datetime | None
    url: str | None
    service_hint: str | None

    @property
    def key(self) -> tuple[str, str]:
        return (self.repository, self.source_id)


@dataclass(frozen=True, slots=True)
class DeliveryBatch:
    """Everything one delivery says; an event tmse does not read gives an empty batch."""

    source: str  # "github", "gitlab", "jenkins"
    event: str
    delivery_id: str | None
    commits: tuple[CommitFact, ...] = ()
    pull_requests: tuple[PullRequestFact, ...] = ()
    reviews: tuple[ReviewFact, ...] = ()
    pipelines: tuple[PipelineFact, ...] = ()
    deployments: tuple[DeploymentFact, ...] = ()

    @property
    def empty(self) -> bool:
        return not (
            self.commits or self.pull_requests or self.reviews or self.pipelines or self.deployments
        )
