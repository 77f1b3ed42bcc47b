"""JSON routes for architecture decision records, with adr-tools import and export."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request, status

from tmse.core.actor import Actor
from tmse.core.body_limit import accepts_import_body
from tmse.core.deps import DbSession, require
from tmse.core.input_types import Id
from tmse.core.pagination import ListParams, Page, sorted_by
from tmse.core.parse_first import import_actor, write_session
from tmse.core.permissions import DECISIONS_WRITE, READ
from tmse.core.routing import Router
from tmse.standards.decisions import service as decisions
from tmse.standards.decisions.schemas import (
    AdrExport,
    AdrFiles,
    AdrImportResult,
    DecisionCreate,
    DecisionOut,
    DecisionStatus,
    DecisionUpdate,
)

router = Router(prefix="/api/v1/decisions", tags=["architecture decisions"])
Reader = Annotated[Actor, Depends(require(READ))]
Writer = Annotated[Actor, Depends(require(DECISIONS_WRITE))]


@router.get("", response_model=Page[DecisionOut])
def list_decisions(
    session: DbSession,
    _: Reader,
    paging: Annotated[ListParams, Depends(sorted_by("number", "status", "title"))],
    status_filter: DecisionStatus | None = Query(None, alias="status"),
    q: str | None = Query(None, max_length=200, description="Title contains."),
) -> Page[DecisionOut]:
    rows, total = decisions.list_decisions(session, paging, status=status_filter, q=q)
    return Page(
        items=[DecisionOut.model_validate(r) for r in rows],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.post("", response_model=DecisionOut, status_code=status.HTTP_201_CREATED)
def create_decision(data: DecisionCreate, session: DbSession, actor: Writer) -> DecisionOut:
    return DecisionOut.model_validate(decisions.create_decision(session, actor, data))


@router.get("/export/adr-tools", response_model=AdrExport)
def export_adr_tools(session: DbSession, _: Reader) -> AdrExport:
    return AdrExport(files=decisions.export_files(session))


@router.post("/import/adr-tools", response_model=AdrImportResult)
@accepts_import_body
def import_adr_tools(
    request: Request,
    data: AdrFiles,
    actor: Annotated[Actor, Depends(import_actor(DECISIONS_WRITE))],
) -> AdrImportResult:
    # Parsed before the write transaction opens: on SQLite it locks out every other writer.
    adrs = decisions.parse_files(data.files)
    with write_session(request) as session:
        created, updated = decisions.store_adrs(session, actor, adrs)
    return AdrImportResult(created=created, updated=updated)


@router.get("/{number}", response_model=DecisionOut)
def get_decision(number: Id, session: DbSession, _: Reader) -> DecisionOut:
    return DecisionOut.model_validate(decisions.get_decision(session, number))


@router.patch("/{number}", response_model=DecisionOut)
def update_decision(
    number: Id, data: DecisionUpdate, session: DbSession, actor: Writer
) -> DecisionOut:
    return DecisionOut.model_validate(decisions.update_decision(session, actor, number, data))
