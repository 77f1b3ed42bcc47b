"""The DORA metrics of a service, a team or the organisation over a date range."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request
from sqlalchemy import Select

from tmse.catalog.queries import service_id_named, service_ids_owned_by
from tmse.core.actor import Actor
from tmse.core.db import utctoday
from tmse.core.deps import DbSession, reader_locale, require
from tmse.core.errors import InvalidInput
from tmse.core.identity.service import team_by_name, unit_and_below
from tmse.core.input_types import IsoDate, Reference
from tmse.core.permissions import READ
from tmse.core.routing import Router
from tmse.devops.dora import report
from tmse.devops.dora.queries import Definitions, Scope
from tmse.devops.dora.schemas import DoraOut

router = Router(prefix="/api/v1/dora", tags=["devops"])
Reader = Annotated[Actor, Depends(require(READ))]
MAX_DAYS = 3 * 366


@router.get("", response_model=DoraOut)
def dora_metrics(
    request: Request,
    session: DbSession,
    actor: Reader,
    service: Reference | None = Query(None, description="A catalog service's name."),
    team: Reference | None = Query(
        None, description="A team, department or company: the services of it and every unit below."
    ),
    start: IsoDate | None = Query(
        None, alias="from", description="First day (UTC); default: 90 days ago."
    ),
    end: IsoDate | None = Query(
        None, alias="to", description="Last day (UTC), included; default: today."
    ),
    benchmark: Literal["2021", "2022", "2023", "2024"] = Query(
        "2024", description="Tier tables of that year's report."
    ),
    production: list[Annotated[str, Query(max_length=60)]] = Query(
        ["production", "prod"], max_length=20, description="Environments that count as production."
    ),
    incident_window_hours: int = Query(24, ge=1, le=720),
    failed_deployments_count: bool = Query(
        True, description="A failed deployment counts as a failure."
    ),
    median: Literal["interpolated", "lower", "nearest-rank"] = "interpolated",
    rework: list[Annotated[str, Query(min_length=1, max_length=40)]] = Query(
        ["hotfix", "revert", "rollback", "roll back"],
        max_length=20,
        description="Words in a deployment's ref or title that make it rework (unplanned).",
    ),
    rework_window_hours: int = Query(
        24, ge=0, le=720, description="A deployment this soon after a failed one is rework."
    ),
) -> DoraOut:
    """Deployment frequency, lead time for changes, change failure rate and time to restore,
    each with its sample and tier; a figure that cannot be computed says why."""
    end = end or utctoday()
    start = start or end - dt.timedelta(days=89)
    errors = []
    if start > end:
        errors.append({"field": "from", "message": "from is after to"})
    elif (end - start).days >= MAX_DAYS:
        errors.append({"field": "to", "message": f"a range spans at most {MAX_DAYS} days"})
    if service and team:
        errors.append({"field": "team", "message": "give a service or a team, not both"})
    scope_ids: Select[Any] | list[int] | None = None
    if service:
        service_id = service_id_named(session, service)
        if service_id is None:
            errors.append({"field": "service", "message": f"no service named '{service}'"})
        scope_ids = [service_id or 0]
    elif team:
        if team_by_name(session, team) is None:
            errors.append({"field": "team", "message": f"no team named '{team}'"})
        scope_ids = service_ids_owned_by(unit_and_below(team))
    if errors:
        raise InvalidInput("Invalid DORA query", errors)
    definitions = Definitions(
        production=tuple(production),
        failed_deployments_count=failed_deployments_count,
        incident_window_hours=incident_window_hours,
        median_rule=median,
        rework_keywords=tuple(rework),
        rework_window_hours=rework_window_hours,
    )
    scope = Scope(start=start, end=end, service_ids=scope_ids)
    return report.dora_report(
        session, scope, definitions, benchmark, reader_locale(request, actor), service, team
    )
