"""From requirement keys to delivery: the pull requests naming a key, the production
deployments that carried their merge commits, and when each requirement first reached
production. Read in SQL a batch of requirements at a time."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import Text, cast, func, or_, select
from sqlalchemy.orm import Session

from tmse.devops.code.models import PullRequest, Repository
from tmse.devops.models import Deployment, DeploymentCommit

PRODUCTION_ENVIRONMENTS = ("production", "prod")
SUCCESS = "success"
# Keys (or merge commits) per query: a page of requirements is a few such batches.
BATCH = 100

T = TypeVar("T")


@dataclass(frozen=True)
class DeliveredPullRequest:
    number: int
    title: str
    state: str
    url: str | None
    merged_at: dt.datetime | None
    repository: str
    merge_sha: str | None


@dataclass(frozen=True)
class ProductionDeployment:
    id: int
    service_id: int
    environment: str
    finished_at: dt.datetime
    sha: str


@dataclass
class Delivery:
    """A requirement's pull requests (newest first), the production deployments that carried
    their merge commits (earliest first), and the first of those deployments' finish."""

    pull_requests: list[DeliveredPullRequest] = field(default_factory=list)
    deployments: list[ProductionDeployment] = field(default_factory=list)

    @property
    def in_production_at(self) -> dt.datetime | None:
        return self.deployments[0].finished_at if self.deployments else None


def requirement_delivery(
    session: Session, keys_by_requirement: Mapping[int, Sequence[str]]
) -> dict[int, Delivery]:
    """Each requirement's delivery, looked up by its keys (`REQ-12`, `PAY-7`; any case)."""
    wanted = {rid: {k.upper() for k in keys if k} for rid, keys in keys_by_requirement.items()}
    all_keys = sorted({key for keys in wanted.values() for key in keys})
    pulls = _pull_requests(session, all_keys)
    shas = sorted({pr.merge_sha for pr, _ in pulls if pr.merge_sha})
    carried = _production_deployments(session, shas)
    found: dict[int, Delivery] = {}
    for requirement_id, keys in wanted.items():
        delivery = Delivery()
        seen: set[int] = set()
        for pr, repository in pulls:
            if keys.isdisjoint(_keys_of(pr)):
                continue
            delivery.pull_requests.append(_pull_out(pr, repository))
            for deployment in carried.get(pr.merge_sha or "", ()):
                if deployment.id not in seen:
                    seen.add(deployment.id)
                    delivery.deployments.append(deployment)
        delivery.deployments.sort(key=lambda d: (d.finished_at, d.id))
        found[requirement_id] = delivery
    return found


def _keys_of(pr: PullRequest) -> set[str]:
    keys = pr.requirement_keys if isinstance(pr.requirement_keys, list) else []
    return {key.upper() for key in keys if isinstance(key, str)}


def _pull_out(pr: PullRequest, repository: str) -> DeliveredPullRequest:
    return DeliveredPullRequest(
        pr.number, pr.title, pr.state, pr.url, pr.merged_at, repository, pr.merge_sha
    )


def _like(key: str) -> str:
    """A LIKE pattern finding the key as one JSON string inside the stored list."""
    quoted = json.dumps(key).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{quoted}%"


def _pull_requests(session: Session, keys: list[str]) -> list[tuple[PullRequest, str]]:
    """Pull requests whose key list may hold one of `keys` (confirmed by the caller), newest
    first; LIKE on the list's JSON text reads the same on SQLite and PostgreSQL."""
    found: dict[int, tuple[PullRequest, str]] = {}
    text = cast(PullRequest.requirement_keys, Text)
    for batch in _batches(keys):
        query = (
            select(PullRequest, Repository.full_name)
            .join(Repository, Repository.id == PullRequest.repository_id)
            .where(or_(*[text.like(_like(key), escape="\\") for key in batch]))
        )
        for pr, repository in session.execute(query):
            found[pr.id] = (pr, repository)
    return sorted(found.values(), key=lambda row: (row[0].opened_at, row[0].id), reverse=True)


def _production_deployments(
    session: Session, shas: list[str]
) -> dict[str, list[ProductionDeployment]]:
    """Successful production deployments by the merge commit they carried."""
    carried: dict[str, list[ProductionDeployment]] = {}
    for batch in _batches(shas):
        query = (
            select(Deployment, DeploymentCommit.sha)
            .join(DeploymentCommit, DeploymentCommit.deployment_id == Deployment.id)
            .where(
                DeploymentCommit.sha.in_(batch),
                func.lower(Deployment.environment).in_(PRODUCTION_ENVIRONMENTS),
                Deployment.result == SUCCESS,
            )
            .order_by(Deployment.finished_s, Deployment.id)
        )
        for deployment, sha in session.execute(query):
            carried.setdefault(sha, []).append(
                ProductionDeployment(
                    deployment.id,
                    deployment.service_id,
                    deployment.environment,
                    deployment.finished_at,
                    sha,
                )
            )
    return carried


def _batches(values: Iterable[T]) -> Iterator[list[T]]:
    batch: list[T] = []
    for value in values:
        batch.append(value)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
