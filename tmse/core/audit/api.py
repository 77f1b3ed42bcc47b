"""GET /api/v1/audit: the audit log, filtered by actor, entity and time range."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Depends, Query, Response
from pydantic import BaseModel, ConfigDict

from tmse.core.actor import Actor
from tmse.core.audit import AuditEntry, entries_query
from tmse.core.deps import DbSession, require
from tmse.core.input_types import Id, IsoDateTime, SearchText
from tmse.core.pagination import ListParams, Page, paginate, sorted_by
from tmse.core.permissions import AUDIT_READ
from tmse.core.responses import json_response
from tmse.core.routing import Router

router = Router(prefix="/api/v1", tags=["audit"])


class AuditEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: dt.datetime
    actor_id: Id | None
    actor_name: str
    via: str
    action: str
    entity_type: str
    entity_id: str
    changes: dict[str, Any]
    request_id: str | None
    hash: str


@router.get("/audit", response_model=Page[AuditEntryOut])
def list_audit(
    session: DbSession,
    _: Annotated[Actor, Depends(require(AUDIT_READ))],
    paging: Annotated[ListParams, Depends(sorted_by("at", "id"))],
    actor: str | None = Query(None, max_length=200, description="Username of the actor."),
    entity: str | None = Query(None, max_length=200, description="Entity type, or TYPE:ID."),
    action: SearchText | None = None,
    since: IsoDateTime | None = Query(None, description="From this time (inclusive)."),
    until: IsoDateTime | None = Query(None, description="Before this time."),
) -> Response:
    stmt = entries_query(actor=actor, entity=entity, action=action, since=since, until=until)
    sortable = {"id": AuditEntry.id, "at": AuditEntry.at}
    rows, total = paginate(session, stmt, paging, sortable, "-id", AuditEntry.id)
    return json_response(
        Page(
            items=[AuditEntryOut.model_validate(r) for r in rows],
            total=total,
            limit=paging.limit,
            offset=paging.offset,
        ),
        Page[AuditEntryOut],
    )
