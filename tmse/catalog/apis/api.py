"""JSON routes for APIs and their design-rule conformance."""
# Included by tmse/catalog/api.py under /api/v1/catalog.

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Response, status

from tmse.catalog.apis import service as apis
from tmse.catalog.apis.schemas import ApiCreate, ApiDetail, ApiOut, ApiUpdate
from tmse.catalog.apis.service import ApiConformance
from tmse.catalog.models import ApiType
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
) -> Response:
    rows, total = apis.list_apis(
        session, paging, q=q, owner=owner, system=system, provider=provider, type=type
    )
    return json_response(
        Page(
            items=apis.api_out(session, rows), total=total, limit=paging.limit, offset=paging.offset
        ),
        Page[ApiOut],
    )


@router.post("/apis", response_model=ApiDetail, status_code=Created)
def create_api(data: ApiCreate, session: DbSession, actor: Writer) -> ApiDetail:
    """An invalid OpenAPI/AsyncAPI definition is a 422 naming `definition` and its line."""
    return apis.api_detail(session, apis.create_api(session, actor, data))


@router.get("/apis/{name}", response_model=ApiDetail)
def get_api(name: Reference, session: DbSession, _: Reader) -> Response:
    return json_response(apis.api_detail(session, apis.get_api(session, name)), ApiDetail)


@router.patch("/apis/{name}", response_model=ApiDetail)
def update_api(name: Reference, data: ApiUpdate, session: DbSession, actor: Writer) -> ApiDetail:
    return apis.api_detail(session, apis.update_api(session, actor, name, data))


@router.delete("/apis/{name}", status_code=Deleted)
def delete_api(
    name: Reference, session: DbSession, actor: Writer, version: Version | None = VersionQuery
) -> None:
    apis.delete_api(session, actor, name, version)


@router.get("/apis/{name}/conformance", response_model=ApiConformance)
def api_conformance(name: Reference, session: DbSession, _: Reader) -> Response:
    """The standards' API design rules run on this OpenAPI API's stored definition."""
    return json_response(apis.api_conformance(session, name), ApiConformance)
