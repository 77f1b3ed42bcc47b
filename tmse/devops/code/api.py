"""Read-only JSON lists of the repositories, pull requests and pipelines deliveries reported."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.pagination import ListParams, Page, sorted_by
from tmse.core.permissions import READ
from tmse.core.routing import Router
from tmse.devops.code import queries
from tmse.devops.code.schemas import PipelineOut, PullRequestOut, RepositoryOut

router = Router(prefix="/api/v1/devops", tags=["devops"])
Reader = Annotated[Actor, Depends(require(READ))]
ServiceFilter = Annotated[str | None, Query(max_length=200, description="A service's name.")]
RepositoryFilter = Annotated[
    str | None, Query(max_length=300, description="A repository's full name (owner/name).")
]


@router.get("/repositories", response_model=Page[RepositoryOut])
def list_repositories(
    session: DbSession,
    actor: Reader,
    params: Annotated[ListParams, Depends(sorted_by("full_name", "id"))],
    service: ServiceFilter = None,
) -> Page[RepositoryOut]:
    """Repositories deliveries named, with the catalog service each matched (or none)."""
    items, total = queries.repositories(session, params, service)
    return Page(items=items, total=total, limit=params.limit, offset=params.offset)


@router.get("/pull-requests", response_model=Page[PullRequestOut])
def list_pull_requests(
    session: DbSession,
    actor: Reader,
    params: Annotated[ListParams, Depends(sorted_by("opened_at", "merged_at"))],
    service: ServiceFilter = None,
    repository: RepositoryFilter = None,
) -> Page[PullRequestOut]:
    """Pull (merge) requests as they last stood, newest first."""
    items, total = queries.pull_requests(session, params, service, repository)
    return Page(items=items, total=total, limit=params.limit, offset=params.offset)


@router.get("/pipelines", response_model=Page[PipelineOut])
def list_pipelines(
    session: DbSession,
    actor: Reader,
    params: Annotated[ListParams, Depends(sorted_by("started_at", "id"))],
    service: ServiceFilter = None,
    repository: RepositoryFilter = None,
) -> Page[PipelineOut]:
    """Pipeline runs (one per attempt) with their jobs, latest first."""
    items, total = queries.pipelines(session, params, service, repository)
    return Page(items=items, total=total, limit=params.limit, offset=params.offset)
