"""JSON routes for domains, systems, APIs, data stores and the layering rules.

Included by tmse/catalog/api.py under /api/v1/catalog."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from tmse.catalog import apis, checks, data_stores, entities, rules
from tmse.catalog.apis import ApiConformance
from tmse.catalog.checks import DataStoreBlastRadius
from tmse.catalog.entity_schemas import (
    ApiCreate,
    ApiDetail,
    ApiOut,
    ApiUpdate,
    DataStoreCreate,
    DataStoreOut,
    DataStoreUpdate,
    DomainCreate,
    DomainOut,
    DomainUpdate,
    LayerRulesIn,
    LayerRulesOut,
    SystemCreate,
    SystemOut,
    SystemUpdate,
)
from tmse.catalog.models import ApiType, StoreKind
from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.input_types import Reference, SearchText, Version
from tmse.core.pagination import ListParams, Page, sorted_by
from tmse.core.permissions import CATALOG_WRITE, READ, STANDARDS_WRITE

router = APIRouter(tags=["catalog"])
Reader = Annotated[Actor, Depends(require(READ))]
Writer = Annotated[Actor, Depends(require(CATALOG_WRITE))]
RuleWriter = Annotated[Actor, Depends(require(STANDARDS_WRITE))]
VersionQuery = Query(None, description="The version you read; a stale one gets 409.")
OwnerQuery = Query(None, description="Owning team's name.")
NameQuery = Query(None, description="Name contains.")
Created = status.HTTP_201_CREATED
Deleted = status.HTTP_204_NO_CONTENT


# --- domains ---------------------------------------------------------------------------------


@router.get("/domains", response_model=Page[DomainOut])
def list_domains(
    session: DbSession,
    _: Reader,
    paging: Annotated[ListParams, Depends(sorted_by("created_at", "id", "name"))],
    q: SearchText | None = NameQuery,
    owner: SearchText | None = OwnerQuery,
) -> Page[DomainOut]:
    rows, total = entities.list_domains(session, paging, q=q, owner=owner)
    return Page(
        items=entities.domain_out(session, rows),
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.post("/domains", response_model=DomainOut, status_code=Created)
def create_domain(data: DomainCreate, session: DbSession, actor: Writer) -> DomainOut:
    return entities.domain_out(session, [entities.create_domain(session, actor, data)])[0]


@router.get("/domains/{name}", response_model=DomainOut)
def get_domain(name: Reference, session: DbSession, _: Reader) -> DomainOut:
    return entities.domain_out(session, [entities.get_domain(session, name)])[0]


@router.patch("/domains/{name}", response_model=DomainOut)
def update_domain(
    name: Reference, data: DomainUpdate, session: DbSession, actor: Writer
) -> DomainOut:
    return entities.domain_out(session, [entities.update_domain(session, actor, name, data)])[0]


@router.delete("/domains/{name}", status_code=Deleted)
def delete_domain(
    name: Reference, session: DbSession, actor: Writer, version: Version | None = VersionQuery
) -> None:
    entities.delete_domain(session, actor, name, version)


# --- systems ---------------------------------------------------------------------------------


@router.get("/systems", response_model=Page[SystemOut])
def list_systems(
    session: DbSession,
    _: Reader,
    paging: Annotated[ListParams, Depends(sorted_by("created_at", "id", "name"))],
    q: SearchText | None = NameQuery,
    owner: SearchText | None = OwnerQuery,
    domain: str | None = Query(None, max_length=200, description="Domain's name."),
) -> Page[SystemOut]:
    rows, total = entities.list_systems(session, paging, q=q, owner=owner, domain=domain)
    return Page(
        items=entities.system_out(session, rows),
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.post("/systems", response_model=SystemOut, status_code=Created)
def create_system(data: SystemCreate, session: DbSession, actor: Writer) -> SystemOut:
    return entities.system_out(session, [entities.create_system(session, actor, data)])[0]


@router.get("/systems/{name}", response_model=SystemOut)
def get_system(name: Reference, session: DbSession, _: Reader) -> SystemOut:
    return entities.system_out(session, [entities.get_system(session, name)])[0]


@router.patch("/systems/{name}", response_model=SystemOut)
def update_system(
    name: Reference, data: SystemUpdate, session: DbSession, actor: Writer
) -> SystemOut:
    return entities.system_out(session, [entities.update_system(session, actor, name, data)])[0]


@router.delete("/systems/{name}", status_code=Deleted)
def delete_system(
    name: Reference, session: DbSession, actor: Writer, version: Version | None = VersionQuery
) -> None:
    entities.delete_system(session, actor, name, version)


# --- APIs ------------------------------------------------------------------------------------


@router.get("/apis", response_model=Page[ApiOut])
def list_apis(
    session: DbSession,
    _: Reader,
    paging: Annotated[ListParams, Depends(sorted_by("created_at", "id", "name", "type"))],
    q: SearchText | None = NameQuery,
    owner: SearchText | None = OwnerQuery,
    system: str | None = Query(None, max_length=200, description="System's name."),
    provider: str | None = Query(None, max_length=200, description="Providing service's name."),
    type: ApiType | None = None,
) -> Page[ApiOut]:
    rows, total = apis.list_apis(
        session, paging, q=q, owner=owner, system=system, provider=provider, type=type
    )
    return Page(
        items=apis.api_out(session, rows), total=total, limit=paging.limit, offset=paging.offset
    )


@router.post("/apis", response_model=ApiDetail, status_code=Created)
def create_api(data: ApiCreate, session: DbSession, actor: Writer) -> ApiDetail:
    """An invalid OpenAPI/AsyncAPI definition is a 422 naming `definition` and its line."""
    return apis.api_detail(session, apis.create_api(session, actor, data))


@router.get("/apis/{name}", response_model=ApiDetail)
def get_api(name: Reference, session: DbSession, _: Reader) -> ApiDetail:
    return apis.api_detail(session, apis.get_api(session, name))


@router.patch("/apis/{name}", response_model=ApiDetail)
def update_api(name: Reference, data: ApiUpdate, session: DbSession, actor: Writer) -> ApiDetail:
    return apis.api_detail(session, apis.update_api(session, actor, name, data))


@router.delete("/apis/{name}", status_code=Deleted)
def delete_api(
    name: Reference, session: DbSession, actor: Writer, version: Version | None = VersionQuery
) -> None:
    apis.delete_api(session, actor, name, version)


@router.get("/apis/{name}/conformance", response_model=ApiConformance)
def api_conformance(name: Reference, session: DbSession, _: Reader) -> ApiConformance:
    """The standards' API design rules run on this OpenAPI API's stored definition."""
    return apis.api_conformance(session, name)


# --- data stores -----------------------------------------------------------------------------


@router.get("/data-stores", response_model=Page[DataStoreOut])
def list_data_stores(
    session: DbSession,
    _: Reader,
    paging: Annotated[ListParams, Depends(sorted_by("created_at", "engine", "id", "name"))],
    q: SearchText | None = NameQuery,
    owner: SearchText | None = OwnerQuery,
    system: str | None = Query(None, max_length=200, description="System's name."),
    kind: StoreKind | None = None,
    engine: SearchText | None = None,
) -> Page[DataStoreOut]:
    rows, total = data_stores.list_data_stores(
        session, paging, q=q, owner=owner, system=system, kind=kind, engine=engine
    )
    return Page(
        items=data_stores.data_store_out(session, rows),
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.post("/data-stores", response_model=DataStoreOut, status_code=Created)
def create_data_store(data: DataStoreCreate, session: DbSession, actor: Writer) -> DataStoreOut:
    row = data_stores.create_data_store(session, actor, data)
    return data_stores.data_store_out(session, [row])[0]


@router.get("/data-stores/{name}", response_model=DataStoreOut)
def get_data_store(name: Reference, session: DbSession, _: Reader) -> DataStoreOut:
    return data_stores.data_store_out(session, [data_stores.get_data_store(session, name)])[0]


@router.patch("/data-stores/{name}", response_model=DataStoreOut)
def update_data_store(
    name: Reference, data: DataStoreUpdate, session: DbSession, actor: Writer
) -> DataStoreOut:
    row = data_stores.update_data_store(session, actor, name, data)
    return data_stores.data_store_out(session, [row])[0]


@router.delete("/data-stores/{name}", status_code=Deleted)
def delete_data_store(
    name: Reference, session: DbSession, actor: Writer, version: Version | None = VersionQuery
) -> None:
    """A primary that still has read replicas is kept (409)."""
    data_stores.delete_data_store(session, actor, name, version)


@router.get("/data-stores/{name}/blast-radius", response_model=DataStoreBlastRadius)
def data_store_blast_radius(name: Reference, session: DbSession, _: Reader) -> DataStoreBlastRadius:
    """Every service depending on the store or its replicas, transitively, with owners."""
    return checks.data_store_blast_radius(session, name)


# --- layering rules --------------------------------------------------------------------------


@router.get("/layer-rules", response_model=LayerRulesOut)
def get_layer_rules(session: DbSession, _: Reader) -> LayerRulesOut:
    """The stored layering rules, or the defaults (version 0) when none are stored."""
    return rules.layer_rules_out(session)


@router.put("/layer-rules", response_model=LayerRulesOut)
def put_layer_rules(data: LayerRulesIn, session: DbSession, actor: RuleWriter) -> LayerRulesOut:
    return rules.put_layer_rules(session, actor, data)
