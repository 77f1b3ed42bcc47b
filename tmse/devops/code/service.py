"""Storing a CI/CD delivery's facts: every fact upserted by its natural key (a redelivery
changes nothing), and finished deployments of known services recorded as deployments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tmse.catalog.queries import service_id_named, service_records, service_ref_by_id
from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.db import Base
from tmse.devops.code.models import Commit, Pipeline, PipelineJob, PullRequest, Repository
from tmse.devops.code.repository_urls import base_url, normalised, without_credentials
from tmse.devops.schemas import GenericDeployment
from tmse.devops.service import record_deployment
from tmse.integrations.cicd_events import (
    CommitFact,
    DeliveryBatch,
    DeliveryRefused,
    DeploymentFact,
    DeploymentStatus,
    PipelineFact,
    PullRequestFact,
    PullRequestState,
)
from tmse.integrations.cicd_events.refusals import TEXT_TOO_LONG

Row = TypeVar("Row", bound=Base)
NAME_LIMIT = 300  # a repository's full name (a Jenkins job's, folders included)
ID_LIMIT = 200  # a run's or a job's id
NOT_A_DEPLOYMENT = "the deployment cannot be recorded: {reason}"


@dataclass
class BatchCounts:
    """What storing one delivery did: rows created, updated, left as they were, and
    deployments not recorded (unfinished, or of no known service)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


def record_batch(
    session: Session, actor: Actor, source_kind: str, batch: DeliveryBatch
) -> BatchCounts:
    """Upsert every fact of `batch` from a source of kind `source_kind`; DeliveryRefused names a
    value that cannot be stored."""
    store = _Store(session, source_kind)
    for commit in batch.commits:
        store.commit(commit)
    for pull_request in batch.pull_requests:
        store.pull_request(pull_request)
    for pipeline in batch.pipelines:
        store.pipeline(pipeline)
    audit.record_many(session, actor, store.changes)
    for deployment in batch.deployments:
        store.deployment(actor, deployment)
    return store.counts


class _Store:
    """One delivery's writes: repositories found once, each row's outcome counted and audited."""

    def __init__(self, session: Session, source_kind: str) -> None:
        self.session = session
        self.source = source_kind
        self.counts = BatchCounts()
        self.changes: list[audit.Change] = []
        self._repositories: dict[str, Repository] = {}

    def repository(
        self, full_name: str, *urls: str | None, own_url: str | None = None
    ) -> Repository:
        """The repository row, its URL taken from `own_url` or cut from one of `urls`."""
        _check_length(full_name, NAME_LIMIT, "repository")
        known = self._repositories.get(full_name)
        new_url = without_credentials(own_url) or base_url(full_name, list(urls))
        if known is not None and (known.url or not new_url):
            return known
        key = {"source": self.source, "full_name": full_name}
        found = known or self.session.scalar(select(Repository).filter_by(**key))
        url = (found.url if found else None) or new_url
        service_id = found.service_id if found else None
        if service_id is None:  # a service may have been added since: look again
            service_id = _matching_service(self.session, full_name, url)
        values = {"url": url, "service_id": service_id}
        row = self._upsert("repository", Repository, key, values)
        self._repositories[full_name] = row
        return row

    def commit(self, fact: CommitFact) -> None:
        repository = self.repository(fact.repository, fact.url)
        key = {"repository_id": repository.id, "sha": fact.sha.lower()}
        values = {
            "author": fact.author_name,
            "author_email": fact.author_email,
            "authored_at": fact.authored_at,
            "committed_at": fact.committed_at,
            "title": fact.message_title,
            "url": fact.url,
        }
        self._upsert("commit", Commit, key, values)

    def pull_request(self, fact: PullRequestFact) -> None:
        repository = self.repository(fact.repository, fact.url)
        key = {"repository_id": repository.id, "number": fact.number}
        found = self.session.scalar(select(PullRequest).filter_by(**key))
        state, merged_at, merge_sha = fact.state.value, fact.merged_at, fact.merge_sha
        if found is not None and found.state == PullRequestState.MERGED and not merged_at:
            # A delivery sent before the merge and received after it: the merge stands.
            state, merged_at, merge_sha = found.state, found.merged_at, found.merge_sha
        reviewed = [t for t in (fact.first_review_at, found and found.first_review_at) if t]
        values = {
            "title": fact.title,
            "branch": fact.branch,
            "base_branch": fact.base_branch,
            "author": fact.author,
            "state": state,
            "opened_at": fact.created_at,
            "first_review_at": min(reviewed) if reviewed else None,
            "merged_at": merged_at,
            "merge_sha": merge_sha.lower() if merge_sha else None,
            "url": fact.url,
            "requirement_keys": list(fact.requirement_keys),
        }
        self._upsert("pull_request", PullRequest, key, values)

    def pipeline(self, fact: PipelineFact) -> None:
        repository = self.repository(fact.repository, fact.url, own_url=fact.repository_url)
        _check_length(fact.run_id, ID_LIMIT, "pipeline.run_id")
        key = {"repository_id": repository.id, "run_id": fact.run_id, "attempt": fact.attempt}
        found = self.session.scalar(select(Pipeline).filter_by(**key))
        if found is not None and _finished(found.status) and not fact.status.finished:
            self.counts.add("unchanged")  # an earlier phase delivered late: the end stands
            return
        values = {
            "name": fact.name,
            "status": fact.status.value,
            "trigger": fact.trigger,
            "sha": fact.sha.lower() if fact.sha else None,
            "branch": fact.branch,
            "started_at": fact.started_at,
            "finished_at": fact.finished_at,
            "duration_s": fact.duration_s,
            "url": fact.url,
        }
        pipeline = self._upsert("pipeline", Pipeline, key, values)
        for job in fact.jobs:
            _check_length(job.job_id, ID_LIMIT, "pipeline.jobs.job_id")
            job_values = {
                "name": job.name,
                "stage": job.stage,
                "status": job.status.value,
                "started_at": job.started_at,
                "finished_at": job.finished_at,
                "duration_s": job.duration_s,
                "url": job.url,
            }
            job_key = {"pipeline_id": pipeline.id, "job_id": job.job_id}
            self._upsert("pipeline_job", PipelineJob, job_key, job_values)

    def deployment(self, actor: Actor, fact: DeploymentFact) -> None:
        repository = self.repository(fact.repository, fact.url)
        service = _deployed_service(self.session, fact, repository)
        finished = fact.finished_at
        result = {DeploymentStatus.SUCCESS: "success", DeploymentStatus.FAILURE: "failure"}
        if service is None or finished is None or fact.status not in result:
            self.counts.add("skipped")
            return
        started = min(fact.started_at or finished, finished)
        commits = [
            {"sha": sha, "authored_at": moment}
            for sha, moment in _commit_moments(self.session, repository.id, fact.sha)
            if moment <= finished
        ]
        try:
            data = GenericDeployment.model_validate(
                {
                    "id": fact.source_id,
                    "service": service,
                    "environment": fact.environment,
                    "result": result[fact.status],
                    "started_at": started,
                    "finished_at": finished,
                    "commits": commits,
                }
            )
        except ValidationError as error:
            first = error.errors()[0]
            where = "deployment." + ".".join(str(part) for part in first["loc"])
            raise DeliveryRefused(NOT_A_DEPLOYMENT, where, reason=first["msg"]) from None
        outcome, _ = record_deployment(self.session, actor, data, source=self.source)
        self.counts.add(outcome)

    def _upsert(
        self, entity: str, model: type[Row], key: dict[str, Any], values: dict[str, Any]
    ) -> Row:
        """The row of `key` holding `values`: created, updated or left unchanged, and counted."""
        row = self.session.scalar(select(model).filter_by(**key))
        if row is None:
            row = model(**key, **values)
            try:
                with self.session.begin_nested():  # delivered twice at once: one row wins
                    self.session.add(row)
                    self.session.flush()
            except IntegrityError:
                return self._upsert(entity, model, key, values)
            self._count(entity, "created", row, {}, {**key, **values})
            return row
        before = {name: getattr(row, name) for name in values}
        changed = {name: value for name, value in values.items() if before[name] != value}
        if not changed:
            self._count(entity, "unchanged", row, {}, {})
            return row
        for name, value in changed.items():
            setattr(row, name, value)
        self.session.flush()
        self._count(entity, "updated", row, before, {**before, **changed})
        return row

    def _count(
        self, entity: str, outcome: str, row: Any, before: dict[str, Any], after: dict[str, Any]
    ) -> None:
        if entity == "repository" and outcome == "unchanged":
            return  # looked up for every fact: only its own changes count
        self.counts.add(outcome)
        if outcome != "unchanged":
            action = "record" if outcome == "created" else "update"
            changes = audit.diff(before or None, after)
            self.changes.append(audit.Change(action, entity, row.id, changes))


def _check_length(value: str, limit: int, field: str) -> None:
    if len(value) > limit:
        raise DeliveryRefused(TEXT_TOO_LONG, field, limit=limit)


def _finished(status: str) -> bool:
    return status in ("success", "failure", "cancelled", "skipped")


def _matching_service(session: Session, full_name: str, url: str | None) -> int | None:
    """The catalog service whose repository URL is this repository's (or ends in its full
    name, when only one does), else the service named as its last path segment."""
    services = [(r.id, normalised(r.repository)) for r in service_records(session)]
    target = normalised(url)
    exact = [service_id for service_id, known in services if target and known == target]
    if len(exact) == 1:
        return exact[0]
    suffix = "/" + full_name.lower().strip("/")
    ending = [service_id for service_id, known in services if known and known.endswith(suffix)]
    if len(ending) == 1:
        return ending[0]
    return service_id_named(session, full_name.rsplit("/", 1)[-1])


def _deployed_service(session: Session, fact: DeploymentFact, repository: Repository) -> str | None:
    """The service a deployment names (when the catalog knows it), else its repository's."""
    if fact.service_hint and service_id_named(session, fact.service_hint) is not None:
        return fact.service_hint
    if repository.service_id is None:
        return None
    ref = service_ref_by_id(session, repository.service_id)
    return ref.name if ref else None


def _commit_moments(
    session: Session, repository_id: int, sha: str | None
) -> list[tuple[str, dt.datetime]]:
    """The deployed commit with the moment it was written, when a push delivered it."""
    if not sha:
        return []
    rows = session.execute(
        select(Commit.sha, Commit.authored_at, Commit.committed_at).where(
            Commit.repository_id == repository_id, Commit.sha == sha.lower()
        )
    )
    return [(row.sha, row.authored_at or row.committed_at) for row in rows if row[1] or row[2]]
