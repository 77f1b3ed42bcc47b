"""Delivery efficiency before and after a date (an improvement programme's start): lead time,
throughput, deployment frequency, change failure rate and time to restore, as a percentage
change with the numbers behind both sides."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select
from sqlalchemy.orm import Session

from tmse.devops.dora import queries
from tmse.devops.dora.queries import Definitions, Scope


@dataclass(frozen=True)
class Side:
    start: dt.date
    end: dt.date
    lead_time_median_minutes: float | None
    changes: int
    deployments: int
    weeks: float
    deploy_days_per_week_median: float | None
    failed_deployments: int
    production_deployments: int
    restore_median_minutes: float | None
    incidents_resolved: int

    @property
    def changes_per_week(self) -> float:
        return self.changes / self.weeks

    @property
    def deployments_per_week(self) -> float:
        return self.deployments / self.weeks

    @property
    def change_failure_rate(self) -> float | None:
        if not self.production_deployments:
            return None
        return self.failed_deployments / self.production_deployments


@dataclass(frozen=True)
class Delta:
    metric: str
    before: float | None
    after: float | None
    # Which way is better: lead time, failure rate and restore time fall, the others rise.
    lower_is_better: bool

    @property
    def percent(self) -> float | None:
        """(after − before) ÷ before × 100; None when either side is missing or before is 0."""
        if self.before is None or self.after is None or self.before == 0:
            return None
        return round((self.after - self.before) / self.before * 100, 1)

    @property
    def improved(self) -> bool | None:
        if self.before is None or self.after is None or self.before == self.after:
            return None
        return (self.after < self.before) == self.lower_is_better


def side(
    session: Session,
    start: dt.date,
    end: dt.date,
    service_ids: Select[int] | list[int] | None,
    definitions: Definitions,
) -> Side:
    scope = Scope(start=start, end=end, service_ids=service_ids)
    frequency = queries.deployment_frequency(session, scope, definitions)
    lead = queries.lead_time(session, scope, definitions)
    failures = queries.change_failure_rate(session, scope, definitions)
    restore = queries.time_to_restore(session, scope, definitions)
    return Side(
        start=start,
        end=end,
        lead_time_median_minutes=lead.median,
        changes=lead.count,
        deployments=frequency.deployments,
        weeks=((end - start).days + 1) / 7,
        deploy_days_per_week_median=frequency.deploy_days_per_week_median,
        failed_deployments=failures.failed_deployments,
        production_deployments=failures.deployments,
        restore_median_minutes=restore.minutes.median,
        incidents_resolved=restore.minutes.count,
    )


def changes(before: Side, after: Side) -> list[Delta]:
    return [
        Delta(
            "lead_time_median_minutes",
            before.lead_time_median_minutes,
            after.lead_time_median_minutes,
            lower_is_better=True,
        ),
        Delta(
            "changes_per_week",
            before.changes_per_week,
            after.changes_per_week,
            lower_is_better=False,
        ),
        Delta(
            "deployments_per_week",
            before.deployments_per_week,
            after.deployments_per_week,
            lower_is_better=False,
        ),
        Delta(
            "deploy_days_per_week_median",
            before.deploy_days_per_week_median,
            after.deploy_days_per_week_median,
            lower_is_better=False,
        ),
        Delta(
            "change_failure_rate",
            before.change_failure_rate,
            after.change_failure_rate,
            lower_is_better=True,
        ),
        Delta(
            "restore_median_minutes",
            before.restore_median_minutes,
            after.restore_median_minutes,
            lower_is_better=True,
        ),
    ]
