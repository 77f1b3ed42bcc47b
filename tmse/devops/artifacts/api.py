"""JSON routes reading the artifacts registries reported, with their latest scans."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.pagination import ListParams, Page, sorted_by
from tmse.core.permissions import READ
from tmse.core.routing import Router
from tmse.devops.artifacts import queries
from tmse.devops.artifacts.schemas import ArtifactOut

router = Router(prefix="/api/v1/devops/artifacts", tags=["devops"])
Reader = Annotated[Actor, Depends(require(READ))]


@router.get("", response_model=Page[ArtifactOut])
def list_artifacts(
    session: DbSession,
    _: Reader,
    paging: Annotated[ListParams, Depends(sorted_by(*queries.SORTABLE))],
    service: str | None = Query(None, max_length=200, description="Service name."),
    repository: str | None = Query(
        None, max_length=511, description='Repository, e.g. "alpine" or "harbor/alpine".'
    ),
) -> Page[ArtifactOut]:
    """Artifacts pushed to the registries, newest first, each with its latest scan summary."""
    rows, total = queries.list_artifacts(session, paging, service, repository)
    return Page(items=rows, total=total, limit=paging.limit, offset=paging.offset)
