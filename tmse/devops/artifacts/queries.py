"""Reading artifacts, newest push first, each with the latest scan of its digest."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from tmse.catalog.models import Service
from tmse.core.pagination import ListParams, paginate
from tmse.devops.artifacts.models import Artifact, ArtifactScan
from tmse.devops.artifacts.schemas import ArtifactOut, ScanSummary

SORTABLE: dict[str, Any] = {
    "pushed_at": Artifact.pushed_at,
    "repository": Artifact.repository,
}
_SUMMARY_FIELDS = tuple(ScanSummary.model_fields)


def list_artifacts(
    session: Session, params: ListParams, service: str | None, repository: str | None
) -> tuple[list[ArtifactOut], int]:
    """One page of artifacts; `service` is a catalog name, `repository` a name in the registry
    ("alpine") or with its project ("harbor/alpine")."""
    stmt = select(Artifact, Service.name).outerjoin(Service, Service.id == Artifact.service_id)
    if service:
        stmt = stmt.where(Service.name == service)
    if repository:
        project, _, name = repository.rpartition("/")
        stmt = stmt.where(Artifact.repository == name)
        if project:
            stmt = stmt.where(Artifact.project == project)
    query = cast("Select[Any]", stmt)
    rows, total = paginate(
        session, query, params, SORTABLE, "-pushed_at", Artifact.id, as_rows=True
    )
    return [_out(session, artifact, name) for artifact, name in rows], total


def latest_scan(session: Session, artifact: Artifact) -> ArtifactScan | None:
    """The scan of the artifact's digest that finished last (the last stored when none says)."""
    return session.scalar(
        select(ArtifactScan)
        .where(
            ArtifactScan.registry_host == artifact.registry_host,
            ArtifactScan.project == artifact.project,
            ArtifactScan.repository == artifact.repository,
            ArtifactScan.digest == artifact.digest,
        )
        .order_by(ArtifactScan.finished_at.desc().nulls_last(), ArtifactScan.id.desc())
        .limit(1)
    )


def _out(session: Session, artifact: Artifact, service: str | None) -> ArtifactOut:
    scan = latest_scan(session, artifact)
    summary = None
    if scan is not None:
        summary = ScanSummary(**{name: getattr(scan, name) for name in _SUMMARY_FIELDS})
    return ArtifactOut(
        id=artifact.id,
        registry=artifact.registry_host,
        project=artifact.project,
        repository=artifact.repository,
        digest=artifact.digest,
        tag=artifact.tag,
        pushed_at=artifact.pushed_at,
        operator=artifact.operator,
        service=service,
        latest_scan=summary,
    )
