"""JSON routes for data stores and their blast radius."""
# Included by tmse/catalog/api.py under /api/v1/catalog.

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Response, status

from tmse.catalog.data_stores import service as data_stores
from tmse.catalog.data_stores.schemas import DataStoreCreate, DataStoreOut, DataStoreUpdate
from tmse.catalog.graph import checks
from tmse.catalog.graph.checks import DataStoreBlastRadius
from tmse.catalog.models import StoreKind
from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.input_types import Reference, SearchText, Version
from tmse.core.pagination import ListParams, Page, sorted_by
from tmse.core.permissions import CATALOG_WRITE, READ
from tmse.core.responses import json_response
from tmse.core.routing import Router

router = Router(tags=["catalog"])
Reader = Annotated[Actor, Depends(require(READ))]
Writer = Annotated[Actor, Depends(require(CATALOG_WRITE))]
VersionQuery = Query(None, description="The version you read; a stale one gets 409.")
OwnerQuery = Query(None, description="Owning team's name.")
NameQuery = Query(None, description="Name contains.")
Created = status.HTTP_201_CREATED
Deleted = status.HTTP_204_NO_CONTENT


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
) -> Response:
    rows, total = data_stores.list_data_stores(
        session, paging, q=q, owner=owner, system=system, kind=kind, engine=engine
    )
    return json_response(
        Page(
            items=data_stores.data_store_out(session, rows),
            total=total,
            limit=paging.limit,
            offset=paging.offset,
        ),
        Page[DataStoreOut],
    )


@router.post("/data-stores", response_model=DataStoreOut, status_code=Created)
def create_data_store(data: DataStoreCreate, session: DbSession, actor: Writer) -> DataStoreOut:
    row = data_stores.create_data_store(session, actor, data)
    return data_stores.data_store_out(session, [row])[0]


@router.get("/data-stores/{name}", response_model=DataStoreOut)
def get_data_store(name: Reference, session: DbSession, _: Reader) -> Response:
    return json_response(
        data_stores.data_store_out(session, [data_stores.get_data_store(session, name)])[0],
        DataStoreOut,
    )


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
def data_store_blast_radius(name: Reference, session: DbSession, _: Reader) -> Response:
    """Every service depending on the store or its replicas, transitively, with owners."""
    return json_response(checks.data_store_blast_radius(session, name), DataStoreBlastRadius)
