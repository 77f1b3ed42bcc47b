"""Every change and query of catalog services and dependencies; each write is audited."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Select, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from tmse.catalog.models import Api, DataStore, Dependency, Service, System
from tmse.catalog.references import References, names_by_id, reject_nulls
from tmse.catalog.schemas import (
    DependencyCreate,
    DependencyOut,
    ServiceCreate,
    ServiceOut,
    ServiceUpdate,
    TargetKind,
)
from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.errors import Conflict, InvalidInput, NotFound, check_version
from tmse.core.identity.models import Team
from tmse.core.pagination import ListParams, paginate
from tmse.core.permissions import CATALOG_WRITE

SERVICE_FIELDS = (
    "name",
    "layer",
    "lifecycle",
    "type",
    "owner_team_id",
    "system_id",
    "description",
    "repository",
    "language",
    "tier",
    "kubernetes_namespace",
    "kubernetes_workload",
)
_OUT_FIELDS = tuple(f for f in SERVICE_FIELDS if f != "system_id")
_SHOWN = (*_OUT_FIELDS, "id", "version", "created_at", "updated_at")
_ROW_FIELDS = (*_SHOWN, "system_id")


def _snapshot(service: Service) -> dict[str, Any]:
    return {f: getattr(service, f) for f in SERVICE_FIELDS}


def allowed_actions(actor: Actor, record: Service | None = None) -> frozenset[str]:
    """What `actor` may do now: "create" a service, and "edit" or "delete" `record`."""
    if not actor.can(CATALOG_WRITE):
        return frozenset()
    return frozenset({"create"} if record is None else {"create", "edit", "delete"})


def service_by_name(session: Session, name: str) -> Service | None:
    return session.scalar(select(Service).where(Service.name == name))


def get_service(session: Session, name: str) -> Service:
    """The service named `name`, or 404."""
    service = service_by_name(session, name)
    if service is None:
        raise NotFound(f"Service '{name}' does not exist")
    return service


def create_service(session: Session, actor: Actor, data: ServiceCreate) -> Service:
    """Store a new service; an unknown owner or system is a 422 naming the field."""
    refs = References(session)
    owner_id = refs.id_of(Team, "owner", data.owner)
    system_id = refs.id_of(System, "system", data.system)
    refs.check("Unknown owner" if owner_id is None else "Unknown reference")
    if service_by_name(session, data.name) is not None:
        raise Conflict(f"A service named '{data.name}' already exists", field="name")
    service = Service(
        **data.model_dump(exclude={"owner", "system"}),
        owner_team_id=owner_id,
        system_id=system_id,
        extra={},
    )
    session.add(service)
    session.flush()
    audit.record(session, actor, "create", "service", service.id, None, _snapshot(service))
    return service


def update_service(session: Session, actor: Actor, name: str, data: ServiceUpdate) -> Service:
    """Change the fields sent; a stale `version` is a 409 and stores nothing."""
    service = get_service(session, name)
    check_version("Service", service.version, data.version)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    reject_nulls(changes, ("name", "layer", "owner", "type", "lifecycle", "description"))
    refs = References(session)
    if "owner" in changes:
        changes["owner_team_id"] = refs.id_of(Team, "owner", changes.pop("owner"))
    if "system" in changes:
        changes["system_id"] = refs.id_of(System, "system", changes.pop("system"))
    refs.check()
    new_name = changes.get("name")
    if new_name not in (None, service.name) and service_by_name(session, new_name) is not None:
        raise Conflict(f"A service named '{new_name}' already exists", field="name")
    before = _snapshot(service)
    for key, value in changes.items():
        setattr(service, key, value)
    session.flush()
    audit.record(session, actor, "update", "service", service.id, before, _snapshot(service))
    return service


def delete_service(session: Session, actor: Actor, name: str, version: int | None = None) -> None:
    """Remove a service and every dependency from or to it; the APIs it provided lose their
    provider. The audit entry keeps what was removed."""
    service = get_service(session, name)
    if version is not None:
        check_version("Service", service.version, version)
    before = _snapshot(service)
    dependencies = session.scalars(
        select(Dependency).where(
            or_(Dependency.source_id == service.id, Dependency.target_id == service.id)
        )
    ).all()
    before["dependencies_removed"] = len(dependencies)
    for dependency in dependencies:
        session.delete(dependency)
    session.flush()
    session.delete(service)
    session.flush()
    audit.record(session, actor, "delete", "service", service.id, before, None)


def services_query(
    q: str | None = None,
    layer: str | None = None,
    lifecycle: str | None = None,
    owner: str | None = None,
    system: str | None = None,
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
    if system:
        stmt = stmt.where(Service.system_id.in_(select(System.id).where(System.name == system)))
    return stmt


def list_services(session: Session, params: ListParams, **filters: Any) -> tuple[list[Any], int]:
    """One page of services as rows (cheaper than loading records, and all a list shows);
    filters: q (name contains), layer, lifecycle, owner, system."""
    sortable = {
        "name": Service.name,
        "layer": Service.layer,
        "id": Service.id,
        "created_at": Service.created_at,
    }
    stmt = services_query(**filters).with_only_columns(*Service.__table__.columns)
    return paginate(session, stmt, params, sortable, "name", Service.id, as_rows=True)


def service_out(session: Session, services: Sequence[Any]) -> list[ServiceOut]:
    """Response rows from records or rows; owner and system names for the whole page come in
    two queries."""
    # A row's fields by name at once: reading them one by one off a row costs more than the query.
    values = [
        s._asdict() if isinstance(s, Row) else {f: getattr(s, f) for f in _ROW_FIELDS}
        for s in services
    ]
    teams = names_by_id(session, Team, {v["owner_team_id"] for v in values})
    systems = names_by_id(session, System, {v["system_id"] for v in values})
    return [
        ServiceOut(
            **{f: v[f] for f in _SHOWN},
            owner=teams[v["owner_team_id"]],
            system=systems.get(v["system_id"]) if v["system_id"] is not None else None,
        )
        for v in values
    ]


# --- dependencies ----------------------------------------------------------------------------

_TARGET_MODELS: dict[TargetKind, tuple[type[Any], Any]] = {
    TargetKind.SERVICE: (Service, Dependency.target_id),
    TargetKind.API: (Api, Dependency.target_api_id),
    TargetKind.DATA_STORE: (DataStore, Dependency.target_data_store_id),
}
_TARGET_COLUMNS = {
    TargetKind.SERVICE: "target_id",
    TargetKind.API: "target_api_id",
    TargetKind.DATA_STORE: "target_data_store_id",
}


def create_dependency(session: Session, actor: Actor, data: DependencyCreate) -> DependencyOut:
    """`source` (a service) depends on `target`: a service, an API it consumes or a data store."""
    model, column = _TARGET_MODELS[data.target_kind]
    refs = References(session)
    source_id = refs.id_of(Service, "source", data.source)
    target_id = refs.id_of(model, "target", data.target)
    refs.check("Unknown service" if data.target_kind == TargetKind.SERVICE else "Unknown target")
    if data.target_kind == TargetKind.SERVICE and source_id == target_id:
        raise InvalidInput(
            "A service cannot depend on itself",
            [{"field": "target", "message": "must differ from source"}],
        )
    if data.target_kind == TargetKind.API:
        provider = session.scalar(select(Api.provider_service_id).where(Api.id == target_id))
        if provider == source_id:
            raise InvalidInput(
                "A service cannot consume its own API",
                [{"field": "target", "message": f"'{data.source}' provides '{data.target}'"}],
            )
    exists = session.scalar(
        select(Dependency.id).where(Dependency.source_id == source_id, column == target_id)
    )
    if exists is not None:
        raise Conflict(f"'{data.source}' already depends on '{data.target}'", dependency_id=exists)
    dependency = Dependency(source_id=source_id, protocol=data.protocol)
    setattr(dependency, _TARGET_COLUMNS[data.target_kind], target_id)
    session.add(dependency)
    session.flush()
    after = {
        "source": data.source,
        "target": data.target,
        "target_kind": str(data.target_kind),
        "protocol": data.protocol,
    }
    audit.record(session, actor, "create", "dependency", dependency.id, None, after)
    return DependencyOut(**after, id=dependency.id, created_at=dependency.created_at)


def _dependencies_query() -> tuple[Select[Any], Any, Any]:
    source, target = aliased(Service), aliased(Service)
    kind = case(
        (Dependency.target_api_id.is_not(None), TargetKind.API.value),
        (Dependency.target_data_store_id.is_not(None), TargetKind.DATA_STORE.value),
        else_=TargetKind.SERVICE.value,
    )
    stmt = (
        select(
            Dependency.id,
            source.name.label("source"),
            func.coalesce(target.name, Api.name, DataStore.name).label("target"),
            kind.label("target_kind"),
            Dependency.protocol,
            Dependency.created_at,
        )
        .join(source, source.id == Dependency.source_id)
        .outerjoin(target, target.id == Dependency.target_id)
        .outerjoin(Api, Api.id == Dependency.target_api_id)
        .outerjoin(DataStore, DataStore.id == Dependency.target_data_store_id)
    )
    return stmt, source, target


def list_dependencies(
    session: Session,
    params: ListParams,
    service: str | None = None,
    target_kind: str | None = None,
    api: str | None = None,
    data_store: str | None = None,
) -> tuple[list[DependencyOut], int]:
    """One page of dependencies; `service` matches either end, `api`/`data_store` the target."""
    stmt, source, target = _dependencies_query()
    if service:
        stmt = stmt.where((source.name == service) | (target.name == service))
    if target_kind:
        stmt = stmt.where(_TARGET_MODELS[TargetKind(target_kind)][1].is_not(None))
    if api:
        stmt = stmt.where(Api.name == api)
    if data_store:
        stmt = stmt.where(DataStore.name == data_store)
    sortable = {"id": Dependency.id, "created_at": Dependency.created_at}
    rows, total = paginate(session, stmt, params, sortable, "id", Dependency.id, as_rows=True)
    return [DependencyOut(**row._mapping) for row in rows], total


def get_dependency(session: Session, dependency_id: int) -> DependencyOut:
    """One dependency by id, or 404."""
    stmt, _, _ = _dependencies_query()
    row = session.execute(stmt.where(Dependency.id == dependency_id)).first()
    if row is None:
        raise NotFound(f"Dependency {dependency_id} does not exist")
    return DependencyOut(**row._mapping)


def delete_dependency(session: Session, actor: Actor, dependency_id: int) -> DependencyOut:
    """Remove one dependency; returns what was removed."""
    removed = get_dependency(session, dependency_id)
    dependency = session.get(Dependency, dependency_id)
    session.delete(dependency)
    session.flush()
    before = removed.model_dump(include={"source", "target", "target_kind", "protocol"})
    before["target_kind"] = str(removed.target_kind)
    audit.record(session, actor, "delete", "dependency", dependency_id, before, None)
    return removed
