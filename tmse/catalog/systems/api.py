"""JSON routes for domains and systems."""
# Included by tmse/catalog/api.py under /api/v1/catalog.

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Response, status

from tmse.catalog.systems import service as entities
from tmse.catalog.systems.schemas import (
    DomainCreate,
    DomainOut,
    DomainUpdate,
    SystemCreate,
    SystemOut,
    SystemUpdate,
)
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


@router.get("/domains", response_model=Page[DomainOut])
def list_domains(
    session: DbSession,
    _: Reader,
    paging: Annotated[ListParams, Depends(sorted_by("created_at", "id", "name"))],
    q: SearchText | None = NameQuery,
    owner: SearchText | None = OwnerQuery,
) -> Response:
    rows, total = entities.list_domains(session, paging, q=q, owner=owner)
    return json_response(
        Page(
            items=entities.domain_out(session, rows),
            total=total,
            limit=paging.limit,
            offset=paging.offset,
        ),
        Page[DomainOut],
    )


@router.post("/domains", response_model=DomainOut, status_code=Created)
def create_domain(data: DomainCreate, session: DbSession, actor: Writer) -> DomainOut:
    return entities.domain_out(session, [entities.create_domain(session, actor, data)])[0]


@router.get("/domains/{name}", response_model=DomainOut)
def get_domain(name: Reference, session: DbSession, _: Reader) -> Response:
    return json_response(
        entities.domain_out(session, [entities.get_domain(session, name)])[0], DomainOut
    )


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


@router.get("/systems", response_model=Page[SystemOut])
def list_systems(
    session: DbSession,
    _: Reader,
    paging: Annotated[ListParams, Depends(sorted_by("created_at", "id", "name"))],
    q: SearchText | None = NameQuery,
    owner: SearchText | None = OwnerQuery,
    domain: str | None = Query(None, max_length=200, description="Domain's name."),
) -> Response:
    rows, total = entities.list_systems(session, paging, q=q, owner=owner, domain=domain)
    return json_response(
        Page(
            items=entities.system_out(session, rows),
            total=total,
            limit=paging.limit,
            offset=paging.offset,
        ),
        Page[SystemOut],
    )


@router.post("/systems", response_model=SystemOut, status_code=Created)
def create_system(data: SystemCreate, session: DbSession, actor: Writer) -> SystemOut:
    return entities.system_out(session, [entities.create_system(session, actor, data)])[0]


@router.get("/systems/{name}", response_model=SystemOut)
def get_system(name: Reference, session: DbSession, _: Reader) -> Response:
    return json_response(
        entities.system_out(session, [entities.get_system(session, name)])[0], SystemOut
    )


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
