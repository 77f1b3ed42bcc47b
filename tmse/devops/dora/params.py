"""The query parameters every DORA route shares: whose figures (a service, or a unit of the
organisation and everything below it) and the definitions in force."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Depends, Query
from sqlalchemy import Select

from tmse.catalog.queries import service_id_named, service_ids_owned_by
from tmse.core.db import utctoday
from tmse.core.deps import DbSession
from tmse.core.errors import InvalidInput
from tmse.core.identity.service import team_by_name, unit_and_below
from tmse.core.input_types import IsoDate, Reference
from tmse.devops.dora.queries import Definitions

MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class Whose:
    service: str | None
    team: str | None
    service_ids: Select[Any] | list[int] | None


def whose(
    session: DbSession,
    service: Reference | None = Query(None, description="A catalog service's name."),
    team: Reference | None = Query(
        None, description="A team, department or company: the services of it and every unit below."
    ),
) -> Whose:
    """The services a figure covers; 422 naming `service` or `team` when unknown or both given."""
    if service and team:
        raise InvalidInput(
            "Invalid DORA query",
            [{"field": "team", "message": "give a service or a team, not both"}],
        )
    if service:
        service_id = service_id_named(session, service)
        if service_id is None:
            raise InvalidInput(
                "Invalid DORA query",
                [{"field": "service", "message": f"no service named '{service}'"}],
            )
        return Whose(service, None, [service_id])
    if team:
        if team_by_name(session, team) is None:
            raise InvalidInput(
                "Invalid DORA query", [{"field": "team", "message": f"no team named '{team}'"}]
            )
        return Whose(None, team, service_ids_owned_by(unit_and_below(team)))
    return Whose(None, None, None)


@dataclass(frozen=True)
class Span:
    start: dt.date
    end: dt.date


def span(
    start: IsoDate | None = Query(
        None, alias="from", description="First day (UTC); default: 90 days before `to`."
    ),
    end: IsoDate | None = Query(
        None, alias="to", description="Last day (UTC), included; default: today."
    ),
) -> Span:
    end = end or utctoday()
    start = start or end - dt.timedelta(days=89)
    if start > end:
        raise InvalidInput("Invalid DORA query", [{"field": "from", "message": "from is after to"}])
    if (end - start).days >= MAX_DAYS:
        raise InvalidInput(
            "Invalid DORA query",
            [{"field": "to", "message": f"a range spans at most {MAX_DAYS} days"}],
        )
    return Span(start, end)


def definitions(
    production: list[Annotated[str, Query(max_length=60)]] = Query(
        ["production", "prod"], max_length=20, description="Environments that count as production."
    ),
    incident_window_hours: int = Query(
        24, ge=1, le=720, description="An incident naming no deployment links to one this recent."
    ),
    failed_deployments_count: bool = Query(
        True, description="A failed deployment counts as a failure."
    ),
    rolled_back_canaries_count: bool = Query(
        True, description="A deployment whose canary run was rolled back counts as a failure."
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
) -> Definitions:
    return Definitions(
        production=tuple(production),
        failed_deployments_count=failed_deployments_count,
        rolled_back_canaries_count=rolled_back_canaries_count,
        incident_window_hours=incident_window_hours,
        median_rule=median,
        rework_keywords=tuple(rework),
        rework_window_hours=rework_window_hours,
    )


Whom = Annotated[Whose, Depends(whose)]
Range = Annotated[Span, Depends(span)]
InForce = Annotated[Definitions, Depends(definitions)]
