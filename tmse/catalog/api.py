"""JSON routes of the catalog: services in layers and their dependencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from tmse.catalog import checks, service
from tmse.catalog.checks import BlastRadius, DuplicatePairOut, GraphChecks
from tmse.catalog.models import Layer, Lifecycle
from tmse.catalog.schemas import DependencyCreate, DependencyOut, ServiceCreate, ServiceOut
from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.pagination import ListParams, Page, list_params
from tmse.core.permissions import CATALOG_WRITE, READ

router = APIRouter(prefix="/api/v1/catalog", tags=["catalog"])
Reader = Annotated[Actor, Depends(require(READ))]
Writer = Annotated[Actor, Depends(require(CATALOG_WRITE))]
Paging = Annotated[ListParams, Depends(list_params)]


@router.get("/services", response_model=Page[ServiceOut])
def list_services(
    session: DbSession,
    _: Reader,
    paging: Paging,
    q: str | None = Query(None, description="Name contains."),
    layer: Layer | None = None,
    lifecycle: Lifecycle | None = None,
    owner: str | None = Query(None, description="Owning team's name."),
) -> Page[ServiceOut]:
    rows, total = service.list_services(
        session, paging, q=q, layer=layer, lifecycle=lifecycle, owner=owner
    )
    return Page(
        items=service.service_out(session, rows),
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.post("/services", response_model=ServiceOut, status_code=status.HTTP_201_CREATED)
def create_service(data: ServiceCreate, session: DbSession, actor: Writer) -> ServiceOut:
    return service.service_out(session, [service.create_service(session, actor, data)])[0]


@router.get("/services/{name}", response_model=ServiceOut)
def get_service(name: str, session: DbSession, _: Reader) -> ServiceOut:
    return service.service_out(session, [service.get_service(session, name)])[0]


@router.get("/services/{name}/blast-radius", response_model=BlastRadius)
def service_blast_radius(name: str, session: DbSession, _: Reader) -> BlastRadius:
    """Every service that transitively depends on `name`, with its owner."""
    return checks.blast_radius(session, name)


@router.get("/checks/graph", response_model=GraphChecks)
def check_graph(session: DbSession, _: Reader) -> GraphChecks:
    """Cycles, layering violations (default rules), orphans and single points of failure."""
    return checks.graph_checks(session)


@router.get("/checks/duplicates", response_model=list[DuplicatePairOut])
def check_duplicates(
    session: DbSession,
    _: Reader,
    threshold: float = Query(0.5, ge=0, le=1, description="Lowest score reported."),
) -> list[DuplicatePairOut]:
    """Services that likely do the same job, ranked, with the matching evidence."""
    return checks.likely_duplicates(session, threshold)


@router.get("/dependencies", response_model=Page[DependencyOut])
def list_dependencies(
    session: DbSession,
    _: Reader,
    paging: Paging,
    service_name: str | None = Query(None, alias="service", description="Either end."),
) -> Page[DependencyOut]:
    rows, total = service.list_dependencies(session, paging, service=service_name)
    return Page(items=rows, total=total, limit=paging.limit, offset=paging.offset)


@router.post("/dependencies", response_model=DependencyOut, status_code=status.HTTP_201_CREATED)
def create_dependency(data: DependencyCreate, session: DbSession, actor: Writer) -> DependencyOut:
    return service.create_dependency(session, actor, data)
