"""JSON routes for trace links: create, list by entity, clear a Suspect link, delete."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import Depends, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.input_types import Id, SearchText, Version, line
from tmse.core.links import service
from tmse.core.links.models import LinkState
from tmse.core.links.registry import registered_types
from tmse.core.pagination import ListParams, Page, sorted_by
from tmse.core.permissions import LINKS_CLEAR, LINKS_WRITE, READ
from tmse.core.responses import json_response
from tmse.core.routing import Router

router = Router(prefix="/api/v1/links", tags=["links"])


class LinkCreate(BaseModel):
    source: Annotated[str, line(60, min_length=1)] = Field(
        description="TYPE:ID of the upstream end, e.g. goal:3"
    )
    target: Annotated[str, line(60, min_length=1)] = Field(
        description="TYPE:ID of the downstream end, e.g. requirement:17"
    )
    link_type: str = Field(default="traces_to", min_length=1, max_length=60)


class LinkClear(BaseModel):
    comment: str = Field(
        min_length=3, max_length=2000, description="Why the link still holds after the change."
    )
    version: Version | None = None


class LinkOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    link_type: str
    source_type: str
    source_id: Id
    target_type: str
    target_id: Id
    state: LinkState
    state_reason: str
    created_by: str
    cleared_by: str | None
    cleared_at: dt.datetime | None
    clear_comment: str | None
    version: Version
    created_at: dt.datetime
    updated_at: dt.datetime


@router.get("", response_model=Page[LinkOut])
def list_links(
    session: DbSession,
    _: Annotated[Actor, Depends(require(READ))],
    paging: Annotated[ListParams, Depends(sorted_by("id", "state", "updated_at"))],
    entity: str | None = Query(
        None, max_length=200, description="TYPE:ID; links at either end of it."
    ),
    direction: Literal["in", "out", "both"] = "both",
    state: LinkState | None = None,
    link_type: SearchText | None = None,
) -> Response:
    rows, total = service.list_links(
        session, paging, entity=entity, direction=direction, state=state, link_type=link_type
    )
    return json_response(
        Page(
            items=[LinkOut.model_validate(r) for r in rows],
            total=total,
            limit=paging.limit,
            offset=paging.offset,
        ),
        Page[LinkOut],
    )


@router.get("/types", response_model=list[str])
def linkable_types(_: Annotated[Actor, Depends(require(READ))]) -> Response:
    return json_response(sorted(registered_types()), list[str])


@router.post("", response_model=LinkOut, status_code=status.HTTP_201_CREATED)
def create_link(
    data: LinkCreate, session: DbSession, actor: Annotated[Actor, Depends(require(LINKS_WRITE))]
) -> LinkOut:
    link = service.create_link(session, actor, data.source, data.target, data.link_type)
    return LinkOut.model_validate(link)


@router.get("/{link_id}", response_model=LinkOut)
def get_link(
    link_id: Id, session: DbSession, _: Annotated[Actor, Depends(require(READ))]
) -> Response:
    return json_response(LinkOut.model_validate(service.get_link(session, link_id)), LinkOut)


@router.post("/{link_id}/clear", response_model=LinkOut)
def clear_link(
    link_id: Id,
    data: LinkClear,
    session: DbSession,
    actor: Annotated[Actor, Depends(require(LINKS_CLEAR))],
) -> LinkOut:
    return LinkOut.model_validate(
        service.clear_link(session, actor, link_id, data.comment, data.version)
    )


@router.delete("/{link_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_link(
    link_id: Id, session: DbSession, actor: Annotated[Actor, Depends(require(LINKS_WRITE))]
) -> None:
    service.delete_link(session, actor, link_id)
