"""JSON routes for APIs and their design-rule conformance."""
# Included by tmse/catalog/api.py under /api/v1/catalog.

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from tmse.catalog.apis import service as apis
from tmse.catalog.apis.schemas import ApiCreate, ApiDetail, ApiOut, ApiUpdate
from tmse.catalog.apis.service import ApiConformance
from tmse.catalog.models import ApiType
from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.input_types import Reference, SearchText, Version
from tmse.core.pagination import ListParams, Page, sorted_by
from tmse.core.permissions import CATALOG_WRITE, READ

router = APIRouter(tags=["catalog"])
Reader = Annotated[Actor, Depends(require(READ))]
Writer = Annotated[Actor, Depends(require(CATALOG_WRITE))]
VersionQuery = Query(None, description="The version you read; a stale one gets 409.")
OwnerQuery = Query(None, description="Owning team's name.")
NameQuery = Query(None, description="Name contains.")
Created = status.HTTP_201_CREATED
Deleted = status.HTTP_204_NO_CONTENT


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
