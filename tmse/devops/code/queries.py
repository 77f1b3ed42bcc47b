"""Read models of repositories, pull requests and pipelines, filtered by service or repository
and paged in SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from tmse.catalog.queries import service_id_named, service_name_rows
from tmse.core.errors import NotFound
from tmse.core.pagination import ListParams, paginate
from tmse.devops.code.models import Pipeline, PipelineJob, PullRequest, Repository
from tmse.devops.code.schemas import JobOut, PipelineOut, PullRequestOut, RepositoryOut


def _filtered(
    session: Session, stmt: Select[Any], service: str | None, repository: str | None
) -> Select[Any]:
    """`stmt` over repositories narrowed to a service's (404 when unknown) and a full name."""
    if service is not None:
        service_id = service_id_named(session, service)
        if service_id is None:
            raise NotFound(f"No service named '{service}'.")
        stmt = stmt.where(Repository.service_id == service_id)
    if repository is not None:
        stmt = stmt.where(Repository.full_name == repository)
    return stmt


def _with_service(*columns: Any) -> Select[Any]:
    services = service_name_rows()
    return (
        select(*columns, Repository.source, Repository.full_name, services.c.name.label("service"))
        .select_from(Repository)
        .outerjoin(services, services.c.id == Repository.service_id)
    )


def repositories(
    session: Session, params: ListParams, service: str | None
) -> tuple[list[RepositoryOut], int]:
    stmt = _filtered(session, _with_service(Repository.id, Repository.url), service, None)
    sortable = {"full_name": Repository.full_name, "id": Repository.id}
    rows, total = paginate(session, stmt, params, sortable, "full_name", Repository.id, True)
    items = [
        RepositoryOut(
            id=row.id, source=row.source, full_name=row.full_name, url=row.url, service=row.service
        )
        for row in rows
    ]
    return items, total


def pull_requests(
    session: Session, params: ListParams, service: str | None, repository: str | None
) -> tuple[list[PullRequestOut], int]:
    stmt = _with_service(PullRequest).join(PullRequest, PullRequest.repository_id == Repository.id)
    stmt = _filtered(session, stmt, service, repository)
    sortable = {"opened_at": PullRequest.opened_at, "merged_at": PullRequest.merged_at}
    rows, total = paginate(session, stmt, params, sortable, "-opened_at", PullRequest.id, True)
    items = [
        PullRequestOut(
            id=pr.id,
            source=row.source,
            repository=row.full_name,
            service=row.service,
            number=pr.number,
            title=pr.title,
            branch=pr.branch,
            base_branch=pr.base_branch,
            author=pr.author,
            state=pr.state,
            opened_at=pr.opened_at,
            first_review_at=pr.first_review_at,
            merged_at=pr.merged_at,
            merge_sha=pr.merge_sha,
            url=pr.url,
            requirement_keys=list(pr.requirement_keys or []),
        )
        for row in rows
        for pr in (row.PullRequest,)
    ]
    return items, total


def pipelines(
    session: Session, params: ListParams, service: str | None, repository: str | None
) -> tuple[list[PipelineOut], int]:
    stmt = _with_service(Pipeline).join(Pipeline, Pipeline.repository_id == Repository.id)
    stmt = _filtered(session, stmt, service, repository)
    sortable = {"started_at": Pipeline.started_at, "id": Pipeline.id}
    rows, total = paginate(session, stmt, params, sortable, "-id", Pipeline.id, True)
    jobs = _jobs(session, [row.Pipeline.id for row in rows])
    items = [
        PipelineOut(
            id=run.id,
            source=row.source,
            repository=row.full_name,
            service=row.service,
            run_id=run.run_id,
            attempt=run.attempt,
            name=run.name,
            status=run.status,
            trigger=run.trigger,
            sha=run.sha,
            branch=run.branch,
            started_at=run.started_at,
            finished_at=run.finished_at,
            duration_s=run.duration_s,
            url=run.url,
            jobs=jobs.get(run.id, []),
        )
        for row in rows
        for run in (row.Pipeline,)
    ]
    return items, total


def _jobs(session: Session, pipeline_ids: list[int]) -> dict[int, list[JobOut]]:
    found: dict[int, list[JobOut]] = {}
    if not pipeline_ids:
        return found
    stmt = (
        select(PipelineJob)
        .where(PipelineJob.pipeline_id.in_(pipeline_ids))
        .order_by(PipelineJob.pipeline_id, PipelineJob.id)
    )
    for job in session.scalars(stmt):
        found.setdefault(job.pipeline_id, []).append(
            JobOut(
                job_id=job.job_id,
                name=job.name,
                stage=job.stage,
                status=job.status,
                started_at=job.started_at,
                finished_at=job.finished_at,
                duration_s=job.duration_s,
                url=job.url,
            )
        )
    return found
