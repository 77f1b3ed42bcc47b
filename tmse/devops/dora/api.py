"""The DORA metrics of a service, a team or the organisation over a date range, and delivery
efficiency before and after a date."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import Depends, Query, Request

from tmse.core.actor import Actor
from tmse.core.db import utctoday
from tmse.core.deps import DbSession, reader_locale, require
from tmse.core.errors import InvalidInput
from tmse.core.input_types import IsoDate
from tmse.core.permissions import READ
from tmse.core.routing import Router
from tmse.devops.dora import breakdown, efficiency, report
from tmse.devops.dora.params import InForce, Range, Whom
from tmse.devops.dora.queries import Scope
from tmse.devops.dora.schemas import (
    BreakdownOut,
    CellOut,
    ChangeOut,
    DoraOut,
    EfficiencyOut,
    SideOut,
)

router = Router(prefix="/api/v1/dora", tags=["devops"])
Reader = Annotated[Actor, Depends(require(READ))]


@router.get("", response_model=DoraOut)
def dora_metrics(
    request: Request,
    session: DbSession,
    actor: Reader,
    whom: Whom,
    span: Range,
    definitions: InForce,
    benchmark: Literal["2021", "2022", "2023", "2024"] = Query(
        "2024", description="Tier tables of that year's report."
    ),
) -> DoraOut:
    """Deployment frequency, lead time for changes, change failure rate, time to restore and
    rework rate, each with its sample and tier; a figure that cannot be computed says why."""
    scope = Scope(start=span.start, end=span.end, service_ids=whom.service_ids)
    locale = reader_locale(request, actor)
    return report.dora_report(
        session, scope, definitions, benchmark, locale, whom.service, whom.team
    )


@router.get("/efficiency", response_model=EfficiencyOut)
def delivery_efficiency(
    session: DbSession,
    _: Reader,
    whom: Whom,
    definitions: InForce,
    since: IsoDate = Query(description="The day the change (e.g. a programme) started."),
    days: int = Query(90, ge=7, le=366, description="Days compared on each side."),
) -> EfficiencyOut:
    """The same figures over `days` before `since` and `days` from it (to today at most), with
    the percentage change and whether it is an improvement."""
    today = utctoday()
    if since > today:
        raise InvalidInput(
            "Invalid efficiency query", [{"field": "since", "message": "since is in the future"}]
        )
    before_start = since - dt.timedelta(days=days)
    after_end = min(since + dt.timedelta(days=days - 1), today)
    before = efficiency.side(
        session, before_start, since - dt.timedelta(days=1), whom.service_ids, definitions
    )
    after = efficiency.side(session, since, after_end, whom.service_ids, definitions)
    return EfficiencyOut(
        service=whom.service,
        team=whom.team,
        since=since,
        before=SideOut.from_side(before),
        after=SideOut.from_side(after),
        changes=[
            ChangeOut(
                metric=c.metric,
                before=c.before,
                after=c.after,
                percent=c.percent,
                improved=c.improved,
                lower_is_better=c.lower_is_better,
            )
            for c in efficiency.changes(before, after)
        ],
    )


@router.get("/breakdown", response_model=BreakdownOut)
def dora_breakdown(
    session: DbSession,
    _: Reader,
    whom: Whom,
    span: Range,
    definitions: InForce,
    by: Literal["team", "service"] = "team",
    bucket: Literal["week", "month"] = "week",
) -> BreakdownOut:
    """Every team's (or service's) figures week by week (or month by month): the numbers behind
    deployment frequency, lead time, change failure rate and time to restore."""
    scope = Scope(start=span.start, end=span.end, service_ids=whom.service_ids)
    cells = breakdown.breakdown(session, scope, definitions, by, bucket)
    return BreakdownOut(
        by=by,
        bucket=bucket,
        start=span.start,
        end=span.end,
        cells=[
            CellOut(
                group=c.group,
                start=c.start,
                end=c.end,
                deployments=c.deployments,
                deploy_days=c.deploy_days,
                production_deployments=c.production_deployments,
                failed_deployments=c.failed_deployments,
                change_failure_rate=c.change_failure_rate,
                changes=c.changes,
                lead_time_median_minutes=c.lead_time_median,
                lead_time_p75_minutes=c.lead_time_p75,
                restores=c.restores,
                restore_median_minutes=c.restore_median,
                restore_p75_minutes=c.restore_p75,
            )
            for c in cells
        ],
    )
