"""JSON routes where pipelines report facts about services, and where they are read."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, status

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.pagination import ListParams, Page, sorted_by
from tmse.core.permissions import FACTS_WRITE, READ
from tmse.core.routing import Router
from tmse.standards.facts import service as facts
from tmse.standards.facts.schemas import FactOut, FactReport

router = Router(prefix="/api/v1/standards/facts", tags=["standards"])
Reader = Annotated[Actor, Depends(require(READ))]
Reporter = Annotated[Actor, Depends(require(FACTS_WRITE))]


@router.post("", response_model=FactOut, status_code=status.HTTP_201_CREATED)
def report_fact(data: FactReport, session: DbSession, actor: Reporter) -> FactOut:
    """Report the latest fact of a kind about a service; it replaces the previous one."""
    fact, name = facts.report_fact(session, actor, data)
    return facts.fact_out(fact, name)


@router.get("", response_model=Page[FactOut])
def list_facts(
    session: DbSession,
    _: Reader,
    paging: Annotated[ListParams, Depends(sorted_by("kind", "reported_at", "service"))],
    service: str | None = Query(None, max_length=200, description="Service name."),
    kind: str | None = Query(None, max_length=80),
) -> Page[FactOut]:
    rows, total = facts.list_facts(session, paging, service=service, kind=kind)
    return Page(items=rows, total=total, limit=paging.limit, offset=paging.offset)
