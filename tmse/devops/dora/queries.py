"""DORA figures of a scope (a service, a team, everyone) over a date range, aggregated in SQL."""

# Definitions, where the published metrics leave a choice (all in `Definitions`):
# - production: deployments to the environments named there (case-insensitive);
# - deployment frequency: successful production deployments; deploy days per week is the median,
#   over the 7-day weeks counted from the first day of the range (a trailing partial week
#   included), of the days with at least one;
# - lead time for changes: one value per (successful production deployment, commit it carried):
#   the deployment's finish − the commit's authored time;
# - change failure rate: production deployments that failed ÷ production deployments; a
#   deployment failed when its result is `failure` (unless `failed_deployments_count` is off), an
#   incident is linked to it, or a canary run of it was rolled back (unless
#   `rolled_back_canaries_count` is off), so it never exceeds 100%;
# - an incident links to the deployment it names (`deployment_id` as delivered); else, naming
#   none, to the latest successful production deployment of its own service finished within
#   `incident_window_hours` before it opened; never to the latest deployment anywhere;
# - time to restore: incidents of the scope opened in the range and resolved: resolved − opened;
# - rework rate (2024): production deployments that were unplanned ÷ production deployments; a
#   deployment is unplanned when its ref or title holds one of `rework_keywords` (hotfix, revert,
#   rollback, ...) or when it follows a failed production deployment of the same service within
#   `rework_window_hours`.

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from tmse.devops.canary.queries import rolled_back_deployment_ids
from tmse.devops.dora.statistics import MedianRule, summarise
from tmse.devops.models import Deployment, DeploymentCommit, Incident

DAY_S = 86_400


@dataclass(frozen=True)
class Definitions:
    production: tuple[str, ...] = ("production", "prod")
    failed_deployments_count: bool = True
    rolled_back_canaries_count: bool = True
    incident_window_hours: int = 24
    median_rule: MedianRule = "interpolated"
    rework_keywords: tuple[str, ...] = ("hotfix", "revert", "rollback", "roll back")
    rework_window_hours: int = 24


@dataclass(frozen=True)
class Scope:
    """Which services (their ids, or a select of them; None: every service) and UTC days."""

    start: dt.date
    end: dt.date
    service_ids: Select[Any] | list[int] | None = None

    @property
    def start_s(self) -> int:
        return int(dt.datetime.combine(self.start, dt.time(), dt.UTC).timestamp())

    @property
    def end_s(self) -> int:
        """The first second after the range."""
        return self.start_s + ((self.end - self.start).days + 1) * DAY_S


@dataclass(frozen=True)
class Distribution:
    """A sample of durations in minutes; every figure None when `count` is 0."""

    count: int
    median: float | None
    p75: float | None
    mean: float | None


@dataclass(frozen=True)
class Frequency:
    deployments: int
    deploy_days: int
    weeks: int
    deploy_days_per_week_median: float | None


@dataclass(frozen=True)
class FailureRate:
    failed_deployments: int
    deployments: int

    @property
    def value(self) -> float | None:
        return self.failed_deployments / self.deployments if self.deployments else None


@dataclass(frozen=True)
class Restore:
    minutes: Distribution
    open_incidents: int


def production_condition(
    definitions: Definitions, deployment: Any = Deployment
) -> ColumnElement[bool]:
    return func.lower(deployment.environment).in_([e.lower() for e in definitions.production])


def production_deployments(scope: Scope, definitions: Definitions) -> Select[int, str, dt.date]:
    """The scope's production deployments finished in the range."""
    stmt = select(Deployment.id, Deployment.result, Deployment.finished_day).where(
        Deployment.finished_day >= scope.start,
        Deployment.finished_day <= scope.end,
        production_condition(definitions),
    )
    if scope.service_ids is not None:
        stmt = stmt.where(Deployment.service_id.in_(scope.service_ids))
    return stmt


def deployment_frequency(session: Session, scope: Scope, definitions: Definitions) -> Frequency:
    days = (
        production_deployments(scope, definitions)
        .where(Deployment.result == "success")
        .with_only_columns(Deployment.finished_day, func.count())
        .group_by(Deployment.finished_day)
    )
    weeks = math.ceil(((scope.end - scope.start).days + 1) / 7)
    per_week = [0] * weeks
    deployments = 0
    for day, count in session.execute(days):  # one row per day, not per deployment
        per_week[(day - scope.start).days // 7] += 1
        deployments += count
    return Frequency(
        deployments=deployments,
        deploy_days=sum(per_week),
        weeks=weeks,
        deploy_days_per_week_median=summarise(per_week, definitions.median_rule).median,
    )


def lead_time(session: Session, scope: Scope, definitions: Definitions) -> Distribution:
    shipped = production_deployments(scope, definitions).where(Deployment.result == "success")
    values = select(DeploymentCommit.lead_time_s).where(
        DeploymentCommit.deployment_id.in_(shipped.with_only_columns(Deployment.id))
    )
    return _distribution(session, values, definitions.median_rule, scale=60)


def linked_deployment(definitions: Definitions) -> ColumnElement[Any]:
    """Per incident: the id of the deployment it counts against, or NULL (see the rules above)."""
    candidate = aliased(Deployment)
    window_s = definitions.incident_window_hours * 3600
    by_window = (
        select(candidate.id)
        .where(
            candidate.service_id == Incident.service_id,
            candidate.result == "success",
            production_condition(definitions, candidate),
            candidate.finished_s <= Incident.opened_s,
            candidate.finished_s >= Incident.opened_s - window_s,
        )
        .order_by(candidate.finished_s.desc(), candidate.id.desc())
        .limit(1)
        .correlate(Incident)
        .scalar_subquery()
    )
    return case(
        (Incident.deployment_id.is_not(None), Incident.deployment_id),
        (Incident.deployment_ref.is_(None), by_window),
        else_=None,
    )


def failed_condition(definitions: Definitions, deployment: Any) -> ColumnElement[bool]:
    """Whether a deployment (the ORM class or a subquery's columns: id, result, service_id,
    environment, finished_s) failed: by its result, by an incident linked to it, or by a canary
    run of it that was rolled back (each as the definitions say). Asked per deployment, so it
    costs what the scope holds, not every incident there is."""
    conditions: list[ColumnElement[bool]] = [
        exists().where(Incident.deployment_id == deployment.id)
    ]
    later = aliased(Deployment)
    window_s = definitions.incident_window_hours * 3600
    newer_shipped = (
        exists()
        .where(
            later.service_id == deployment.service_id,
            later.result == "success",
            production_condition(definitions, later),
            or_(
                later.finished_s > deployment.finished_s,
                and_(later.finished_s == deployment.finished_s, later.id > deployment.id),
            ),
            later.finished_s <= Incident.opened_s,
        )
        .correlate_except(later)
    )
    conditions.append(
        and_(
            deployment.result == "success",
            exists()
            .where(
                Incident.service_id == deployment.service_id,
                Incident.deployment_ref.is_(None),
                Incident.opened_s >= deployment.finished_s,
                Incident.opened_s <= deployment.finished_s + window_s,
                ~newer_shipped,
            )
            .correlate_except(Incident),
        )
    )
    if definitions.failed_deployments_count:
        conditions.append(deployment.result == "failure")
    if definitions.rolled_back_canaries_count:
        conditions.append(deployment.id.in_(rolled_back_deployment_ids()))
    return or_(*conditions)


def change_failure_rate(session: Session, scope: Scope, definitions: Definitions) -> FailureRate:
    deployments = (
        production_deployments(scope, definitions)
        .add_columns(Deployment.service_id, Deployment.environment, Deployment.finished_s)
        .subquery()
    )
    failed = failed_condition(definitions, deployments.c)
    total, failed = session.execute(
        select(func.count(), func.coalesce(func.sum(case((failed, 1), else_=0)), 0)).select_from(
            deployments
        )
    ).one()
    return FailureRate(failed_deployments=int(failed), deployments=int(total))


@dataclass(frozen=True)
class ReworkRate:
    rework_deployments: int
    deployments: int

    @property
    def value(self) -> float | None:
        return self.rework_deployments / self.deployments if self.deployments else None


def rework_rate(session: Session, scope: Scope, definitions: Definitions) -> ReworkRate:
    earlier = aliased(Deployment)
    window_s = definitions.rework_window_hours * 3600
    follows_failure = (
        select(earlier.id)
        .where(
            earlier.service_id == Deployment.service_id,
            earlier.result == "failure",
            production_condition(definitions, earlier),
            earlier.finished_s < Deployment.finished_s,
            earlier.finished_s >= Deployment.finished_s - window_s,
        )
        .correlate(Deployment)
        .exists()
    )
    named = [
        func.lower(func.coalesce(column, "")).contains(keyword.lower(), autoescape=True)
        for keyword in definitions.rework_keywords
        for column in (Deployment.ref, Deployment.title)
    ]
    unplanned = or_(follows_failure, *named)
    total, rework = session.execute(
        production_deployments(scope, definitions).with_only_columns(
            func.count(), func.coalesce(func.sum(case((unplanned, 1), else_=0)), 0)
        )
    ).one()
    return ReworkRate(rework_deployments=int(rework), deployments=int(total))


def incidents_opened(scope: Scope) -> ColumnElement[bool]:
    condition = and_(Incident.opened_s >= scope.start_s, Incident.opened_s < scope.end_s)
    if scope.service_ids is not None:
        condition = and_(condition, Incident.service_id.in_(scope.service_ids))
    return condition


def time_to_restore(session: Session, scope: Scope, definitions: Definitions) -> Restore:
    opened = incidents_opened(scope)
    values = select(Incident.restore_s).where(opened, Incident.restore_s.is_not(None))
    still_open = session.scalar(
        select(func.count()).select_from(Incident).where(opened, Incident.resolved_at.is_(None))
    )
    return Restore(
        minutes=_distribution(session, values, definitions.median_rule, scale=60),
        open_incidents=int(still_open or 0),
    )


@dataclass(frozen=True)
class UnlinkedIncident:
    id: int
    external_id: str
    service_id: int
    opened_at: dt.datetime
    deployment_ref: str | None


def unlinked_incidents(
    session: Session, scope: Scope, definitions: Definitions, limit: int = 100
) -> tuple[int, list[UnlinkedIncident]]:
    """The scope's incidents opened in the range that count against no deployment: how many,
    and the first `limit` of them by time."""
    linked = linked_deployment(definitions)
    where = (incidents_opened(scope), linked.is_(None))
    total = session.scalar(select(func.count()).select_from(Incident).where(*where))
    rows = session.execute(
        select(
            Incident.id,
            Incident.external_id,
            Incident.service_id,
            Incident.opened_at,
            Incident.deployment_ref,
        )
        .where(*where)
        .order_by(Incident.opened_s, Incident.id)
        .limit(limit)
    )
    return int(total or 0), [UnlinkedIncident(*row) for row in rows]


def quantile_ranks(count: int, share: float, rule: MedianRule) -> tuple[int, float]:
    """The 0-based rank of the `share` quantile of `count` sorted values, and the weight of the
    next value in it (0 unless interpolated)."""
    if rule == "nearest-rank":
        return max(math.ceil(share * count) - 1, 0), 0.0
    position = (count - 1) * share
    rank = math.floor(position)
    return rank, (position - rank if rule == "interpolated" else 0.0)


def _distribution(
    session: Session, values: Select[Any], rule: MedianRule, scale: float
) -> Distribution:
    """Count, median, 75th percentile and mean of a one-column select, in units of `scale`
    (60: seconds to minutes); each quantile reads at most two rows, sorted by the database."""
    sample = values.subquery()
    column = sample.c[0]
    count, mean = session.execute(select(func.count(column), func.avg(column))).one()
    if not count:
        return Distribution(0, None, None, None)

    def quantile(share: float) -> float:
        rank, weight = quantile_ranks(count, share, rule)
        pair = list(
            session.scalars(select(column).order_by(column).offset(rank).limit(2 if weight else 1))
        )
        return float(pair[0] + weight * (pair[-1] - pair[0])) / scale

    return Distribution(int(count), quantile(0.5), quantile(0.75), float(mean) / scale)
