"""JSON routes of the catalog: services and dependencies; the sub-features' routes included."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Response, status

from tmse.catalog import service
from tmse.catalog.apis import api as apis_api
from tmse.catalog.data_stores import api as data_stores_api
from tmse.catalog.duplicates import api as duplicates_api
from tmse.catalog.graph import api as graph_api
from tmse.catalog.graph import checks, overview
from tmse.catalog.graph.checks import BlastRadius
from tmse.catalog.graph.overview import ServiceDetail
from tmse.catalog.layer_rules import api as layer_rules_api
from tmse.catalog.models import Layer, Lifecycle
from tmse.catalog.schemas import (
    DependencyCreate,
    DependencyOut,
    ServiceCreate,
    ServiceOut,
    ServiceUpdate,
    TargetKind,
)
from tmse.catalog.systems import api as systems_api
from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.input_types import Id, Reference, Version
from tmse.core.pagination import ListParams, Page, sorted_by
from tmse.core.permissions import CATALOG_WRITE, READ
from tmse.core.responses import json_response
from tmse.core.routing import Router

router = Router(prefix="/api/v1/catalog", tags=["catalog"])
Reader = Annotated[Actor, Depends(require(READ))]
Writer = Annotated[Actor, Depends(require(CATALOG_WRITE))]


@router.get("/services", response_model=Page[ServiceOut])
def list_services(
    session: DbSession,
    _: Reader,
    paging: Annotated[ListParams, Depends(sorted_by("created_at", "id", "layer", "name"))],
    q: str | None = Query(None, max_length=200, description="Name contains."),
    layer: Layer | None = None,
    lifecycle: Lifecycle | None = None,
    owner: str | None = Query(None, max_length=200, description="Owning team's name."),
    system: str | None = Query(None, max_length=200, description="System's name."),
) -> Response:
    rows, total = service.list_services(
        session, paging, q=q, layer=layer, lifecycle=lifecycle, owner=owner, system=system
    )
    page = Page[ServiceOut](
        items=service.service_out(session, rows),
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )
    return json_response(page, Page[ServiceOut])


@router.post("/services", response_model=ServiceOut, status_code=status.HTTP_201_CREATED)
def create_service(data: ServiceCreate, session: DbSession, actor: Writer) -> ServiceOut:
    return service.service_out(session, [service.create_service(session, actor, data)])[0]


@router.get("/services/{name}", response_model=ServiceOut)
def get_service(name: Reference, session: DbSession, _: Reader) -> Response:
    return json_response(
        service.service_out(session, [service.get_service(session, name)])[0], ServiceOut
    )


@router.patch("/services/{name}", response_model=ServiceOut)
def update_service(
    name: Reference, data: ServiceUpdate, session: DbSession, actor: Writer
) -> ServiceOut:
    return service.service_out(session, [service.update_service(session, actor, name, data)])[0]


@router.delete("/services/{name}", status_code=status.HTTP_204_NO_CONTENT)
def delete_service(
    name: Reference,
    session: DbSession,
    actor: Writer,
    version: Version | None = Query(
        None, description="The version you read; a stale one gets 409."
    ),
) -> None:
    """Remove a service with its dependencies; the APIs it provided lose their provider."""
    service.delete_service(session, actor, name, version)


@router.get("/services/{name}/detail", response_model=ServiceDetail)
def service_detail(name: Reference, session: DbSession, _: Reader) -> ServiceDetail:
    """Owners, system, dependencies both ways, APIs, data stores, blast radius, violations."""
    return overview.service_detail(session, name)


@router.get(
    "/services/{name}/blast-radius",
    response_model=None,
    responses={200: {"model": BlastRadius, "description": "The services hit, with owners."}},
)
def service_blast_radius(name: Reference, session: DbSession, _: Reader) -> Response:
    """Every service that transitively depends on `name` (also through its APIs), with owner."""
    # Thousands of services for a core one: the JSON is encoded once and kept until the next
    # write, rather than a model per service validated again against a response model.
    return Response(checks.blast_radius(session, name).json, media_type="application/json")


@router.get("/dependencies", response_model=Page[DependencyOut])
def list_dependencies(
    session: DbSession,
    _: Reader,
    paging: Annotated[ListParams, Depends(sorted_by("created_at", "id"))],
    service_name: str | None = Query(
        None, alias="service", max_length=200, description="Either end."
    ),
    target_kind: TargetKind | None = None,
    api: str | None = Query(None, max_length=200, description="Consumers of this API."),
    data_store: str | None = Query(None, max_length=200, description="Users of this data store."),
) -> Page[DependencyOut]:
    rows, total = service.list_dependencies(
        session,
        paging,
        service=service_name,
        target_kind=target_kind,
        api=api,
        data_store=data_store,
    )
    return Page(items=rows, total=total, limit=paging.limit, offset=paging.offset)


@router.post("/dependencies", response_model=DependencyOut, status_code=status.HTTP_201_CREATED)
def create_dependency(data: DependencyCreate, session: DbSession, actor: Writer) -> DependencyOut:
    return service.create_dependency(session, actor, data)


@router.get("/dependencies/{dependency_id}", response_model=DependencyOut)
def get_dependency(dependency_id: Id, session: DbSession, _: Reader) -> DependencyOut:
    return service.get_dependency(session, dependency_id)


@router.delete("/dependencies/{dependency_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_dependency(dependency_id: Id, session: DbSession, actor: Writer) -> None:
    service.delete_dependency(session, actor, dependency_id)


for part in (graph_api, duplicates_api, systems_api, apis_api, data_stores_api, layer_rules_api):
    router.include_router(part.router)
