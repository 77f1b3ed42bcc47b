"""The records behind each DORA figure, and the figures over time, as JSON under /api/v1/dora."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request
from pydantic import BaseModel, Field

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, reader_locale, require
from tmse.core.messages import render
from tmse.core.pagination import ListParams, Page, sorted_by
from tmse.core.permissions import READ
from tmse.core.routing import Router
from tmse.devops.dora import drilldown, trend
from tmse.devops.dora.drilldown import DoraQuery
from tmse.devops.dora.params import InForce, Range, Whom
from tmse.devops.dora.queries import Scope

router = Router(prefix="/api/v1/dora", tags=["devops"])
Reader = Annotated[Actor, Depends(require(READ))]


def dora_query(whom: Whom, span: Range, definitions: InForce) -> DoraQuery:
    """The scope, range and definitions of a DORA question, as GET /api/v1/dora reads them."""
    scope = Scope(start=span.start, end=span.end, service_ids=whom.service_ids)
    return DoraQuery(scope, definitions, whom.service, whom.team)


Question = Annotated[DoraQuery, Depends(dora_query)]


class LinkedIncidentOut(BaseModel):
    external_id: str
    rule: str = Field(description="id: it names the deployment; window: the latest before it.")


class DeploymentOut(BaseModel):
    id: int
    external_id: str
    service: str
    environment: str
    result: str
    finished_at: dt.datetime
    changes: int = Field(description="Commits the deployment carried.")
    failed: bool
    failed_by_result: bool = Field(description="Its result is failure (and that counts).")
    rolled_back: bool = Field(description="A canary run of it was rolled back (and that counts).")
    incidents: list[LinkedIncidentOut] = Field(description="Incidents counting against it.")


class ChangeOut(BaseModel):
    deployment_id: int
    deployment: str
    service: str
    finished_at: dt.datetime
    sha: str
    authored_at: dt.datetime
    lead_time_minutes: float


class IncidentOut(BaseModel):
    id: int
    external_id: str
    service: str
    severity: str
    opened_at: dt.datetime
    resolved_at: dt.datetime | None
    restore_minutes: float | None
    deployment_ref: str | None = Field(description="The deployment the source named, if any.")
    deployment: str | None = Field(description="The deployment it counts against.")
    rule: str | None = Field(description="id, window, or null: it counts against none.")
    reason: str | None = Field(description="Why it counts against no deployment.")
    reason_message: dict[str, Any] | None = None


class TrendPointOut(BaseModel):
    start: dt.date
    end: dt.date
    deployments: int
    deploy_days: int
    lead_time_median_minutes: float | None
    lead_time_sample: int
    failed_deployments: int
    production_deployments: int
    change_failure_rate: float | None
    restore_median_minutes: float | None
    restore_sample: int


@router.get("/deployments", response_model=Page[DeploymentOut])
def dora_deployments(
    session: DbSession,
    actor: Reader,
    query: Question,
    paging: Annotated[ListParams, Depends(sorted_by("finished_at"))],
    failed: bool | None = Query(None, description="Only the failed (true) or the others."),
) -> Page[DeploymentOut]:
    """The production deployments behind deployment frequency and change failure rate, with
    the number of changes and why each counts as failed."""
    rows, total = drilldown.deployments(session, query, paging, failed)
    items = [
        DeploymentOut(
            id=r.id,
            external_id=r.external_id,
            service=r.service,
            environment=r.environment,
            result=r.result,
            finished_at=r.finished_at,
            changes=r.changes,
            failed=r.failed,
            failed_by_result=r.failed_by_result,
            rolled_back=r.rolled_back,
            incidents=[
                LinkedIncidentOut(external_id=i.external_id, rule=i.rule) for i in r.incidents
            ],
        )
        for r in rows
    ]
    return Page(items=items, total=total, limit=paging.limit, offset=paging.offset)


@router.get("/changes", response_model=Page[ChangeOut])
def dora_changes(
    session: DbSession,
    actor: Reader,
    query: Question,
    paging: Annotated[ListParams, Depends(sorted_by("lead_time", "finished_at"))],
) -> Page[ChangeOut]:
    """The (deployment, commit) pairs behind lead time for changes; default: longest first."""
    rows, total = drilldown.changes(session, query, paging)
    items = [ChangeOut(**vars(r)) for r in rows]
    return Page(items=items, total=total, limit=paging.limit, offset=paging.offset)


@router.get("/incidents", response_model=Page[IncidentOut])
def dora_incidents(
    request: Request,
    session: DbSession,
    actor: Reader,
    query: Question,
    paging: Annotated[ListParams, Depends(sorted_by("opened_at", "restore"))],
    linked: bool | None = Query(None, description="Only those counting against a deployment."),
) -> Page[IncidentOut]:
    """The scope's incidents opened in the range, with restore minutes, the deployment each
    counts against and the rule, or why it counts against none."""
    locale = reader_locale(request, actor)
    rows, total = drilldown.incidents(session, query, paging, linked)
    items = [
        IncidentOut(
            id=r.id,
            external_id=r.external_id,
            service=r.service,
            severity=r.severity,
            opened_at=r.opened_at,
            resolved_at=r.resolved_at,
            restore_minutes=r.restore_minutes,
            deployment_ref=r.deployment_ref,
            deployment=r.deployment,
            rule=r.rule,
            reason=render(r.reason, locale) if r.reason else None,
            reason_message=r.reason.to_json() if r.reason else None,
        )
        for r in rows
    ]
    return Page(items=items, total=total, limit=paging.limit, offset=paging.offset)


@router.get("/trend", response_model=list[TrendPointOut])
def dora_trend(
    session: DbSession,
    actor: Reader,
    query: Question,
    bucket: Literal["week", "month"] = Query("week", description="7-day weeks or months."),
) -> list[TrendPointOut]:
    """The four figures per week (7 days from the first day) or calendar month of the range."""
    return [TrendPointOut(**vars(point)) for point in trend.trend(session, query, bucket)]
