"""Every change and query of catalog services and dependencies; each write is audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from tmse.catalog.models import Dependency, Service
from tmse.catalog.schemas import DependencyCreate, DependencyOut, ServiceCreate, ServiceOut
from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.errors import Conflict, InvalidInput, NotFound
from tmse.core.identity.models import Team
from tmse.core.identity.service import team_by_name
from tmse.core.pagination import ListParams, paginate

SERVICE_FIELDS = (
    "name",
    "layer",
    "lifecycle",
    "type",
    "owner_team_id",
    "description",
    "repository",
    "language",
    "tier",
    "kubernetes_namespace",
    "kubernetes_workload",
)


def _snapshot(service: Service) -> dict[str, Any]:
    return {f: getattr(service, f) for f in SERVICE_FIELDS}


def service_by_name(session: Session, name: str) -> Service | None:
    return session.scalar(select(Service).where(Service.name == name))


def get_service(session: Session, name: str) -> Service:
    service = service_by_name(session, name)
    if service is None:
        raise NotFound(f"Service '{name}' does not exist")
    return service


def create_service(session: Session, actor: Actor, data: ServiceCreate) -> Service:
    owner = team_by_name(session, data.owner)
    if owner is None:
        raise InvalidInput(
            "Unknown owner", [{"field": "owner", "message": f"no team named '{data.owner}'"}]
        )
    if service_by_name(session, data.name) is not None:
        raise Conflict(f"A service named '{data.name}' already exists", field="name")
    service = Service(**data.model_dump(exclude={"owner"}), owner_team_id=owner.id, extra={})
    session.add(service)
    session.flush()
    audit.record(session, actor, "create", "service", service.id, None, _snapshot(service))
    return service


def services_query(
    q: str | None = None,
    layer: str | None = None,
    lifecycle: str | None = None,
    owner: str | None = None,
) -> Select[Any]:
    stmt = select(Service)
    if q:
        stmt = stmt.where(Service.name.ilike(f"%{q}%"))
    if layer:
        stmt = stmt.where(Service.layer == layer)
    if lifecycle:
        stmt = stmt.where(Service.lifecycle == lifecycle)
    if owner:
        stmt = stmt.where(Service.owner_team_id.in_(select(Team.id).where(Team.name == owner)))
    return stmt


def list_services(
    session: Session, params: ListParams, **filters: Any
) -> tuple[list[Service], int]:
    sortable = {
        "name": Service.name,
        "layer": Service.layer,
        "id": Service.id,
        "created_at": Service.created_at,
    }
    return paginate(session, services_query(**filters), params, sortable, "name", Service.id)


def service_out(session: Session, services: list[Service]) -> list[ServiceOut]:
    """Response rows; owner names for the whole page come in one query."""
    team_ids = {s.owner_team_id for s in services}
    rows = session.execute(select(Team.id, Team.name).where(Team.id.in_(team_ids)))
    names = {team_id: name for team_id, name in rows}
    return [
        ServiceOut(
            **{
                f: getattr(s, f)
                for f in (*SERVICE_FIELDS, "id", "version", "created_at", "updated_at")
            },
            owner=names[s.owner_team_id],
        )
        for s in services
    ]


def create_dependency(session: Session, actor: Actor, data: DependencyCreate) -> DependencyOut:
    source = service_by_name(session, data.source)
    target = service_by_name(session, data.target)
    errors = [
        {"field": field, "message": f"no service named '{name}'"}
        for field, name, found in (("source", data.source, source), ("target", data.target, target))
        if found is None
    ]
    if errors:
        raise InvalidInput("Unknown service", errors)
    assert source is not None and target is not None
    if source.id == target.id:
        raise InvalidInput(
            "A service cannot depend on itself",
            [{"field": "target", "message": "must differ from source"}],
        )
    exists = session.scalar(
        select(Dependency.id).where(
            Dependency.source_id == source.id, Dependency.target_id == target.id
        )
    )
    if exists is not None:
        raise Conflict(f"'{source.name}' already depends on '{target.name}'", dependency_id=exists)
    dependency = Dependency(source_id=source.id, target_id=target.id, protocol=data.protocol)
    session.add(dependency)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "dependency",
        dependency.id,
        None,
        {"source": source.name, "target": target.name, "protocol": data.protocol},
    )
    return DependencyOut(
        id=dependency.id,
        source=source.name,
        target=target.name,
        protocol=dependency.protocol,
        created_at=dependency.created_at,
    )


def list_dependencies(
    session: Session, params: ListParams, service: str | None = None
) -> tuple[list[DependencyOut], int]:
    source, target = aliased(Service), aliased(Service)
    stmt = (
        select(
            Dependency.id,
            source.name.label("source"),
            target.name.label("target"),
            Dependency.protocol,
            Dependency.created_at,
        )
        .join(source, source.id == Dependency.source_id)
        .join(target, target.id == Dependency.target_id)
    )
    if service:
        stmt = stmt.where((source.name == service) | (target.name == service))
    sortable = {"id": Dependency.id, "created_at": Dependency.created_at}
    rows, total = paginate(session, stmt, params, sortable, "id", Dependency.id, as_rows=True)
    return [
        DependencyOut(
            id=r.id, source=r.source, target=r.target, protocol=r.protocol, created_at=r.created_at
        )
        for r in rows
    ], total
