"""DORA figures broken down by team or service and by week or month, in a handful of SQL
statements whatever the number of teams and weeks (window functions pick each group's medians)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from tmse.catalog.queries import service_rows
from tmse.devops.dora.queries import (
    DAY_S,
    Definitions,
    Scope,
    failed_condition,
    production_condition,
    quantile_ranks,
)
from tmse.devops.models import Deployment, DeploymentCommit, Incident

By = Literal["team", "service"]
Bucket = Literal["week", "month"]


@dataclass(frozen=True)
class Cell:
    """One group's figures in one bucket (durations in minutes)."""

    group: str
    start: dt.date
    end: dt.date
    deployments: int = 0
    deploy_days: int = 0
    production_deployments: int = 0
    failed_deployments: int = 0
    changes: int = 0
    lead_time_median: float | None = None
    lead_time_p75: float | None = None
    restores: int = 0
    restore_median: float | None = None
    restore_p75: float | None = None

    @property
    def change_failure_rate(self) -> float | None:
        if not self.production_deployments:
            return None
        return self.failed_deployments / self.production_deployments


def buckets(start: dt.date, end: dt.date, size: Bucket) -> list[tuple[dt.date, dt.date]]:
    """The range cut into 7-day weeks counted from `start`, or calendar months, both clipped."""
    found, first = [], start
    while first <= end:
        if size == "week":
            last = first + dt.timedelta(days=6)
        else:
            following = (first.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
            last = following - dt.timedelta(days=1)
        found.append((first, min(last, end)))
        first = last + dt.timedelta(days=1)
    return found


def _seconds(day: dt.date) -> int:
    return int(dt.datetime.combine(day, dt.time(), dt.UTC).timestamp())


def _bucket_of(moment_s: Any, cuts: list[tuple[dt.date, dt.date]], size: Bucket) -> Any:
    """The index of the bucket a moment (seconds since 1970, within the range) falls in: by
    arithmetic for 7-day weeks, by comparison for calendar months."""
    if size == "week":
        return (moment_s - _seconds(cuts[0][0])) // (7 * DAY_S)
    return case(
        *(
            (and_(moment_s >= _seconds(a), moment_s < _seconds(b) + DAY_S), literal(i))
            for i, (a, b) in enumerate(cuts)
        ),
        else_=literal(-1),
    )


def breakdown(
    session: Session, scope: Scope, definitions: Definitions, by: By, size: Bucket
) -> list[Cell]:
    """Every group with a deployment or an incident in the range, bucket by bucket (a bucket
    without either is left out: its figures are all empty)."""
    cuts = buckets(scope.start, scope.end, size)
    services = service_rows()
    group = services.c.owner if by == "team" else services.c.name
    cells: dict[tuple[str, int], dict[str, Any]] = defaultdict(dict)
    _deployment_counts(session, scope, definitions, cuts, size, services, group, cells)
    lead_times = _lead_times(scope, definitions, cuts, size, services, group)
    _medians(session, lead_times, definitions, cells, "changes", "lead_time")
    restores = _restores(scope, cuts, size, services, group)
    _medians(session, restores, definitions, cells, "restores", "restore")
    return [
        Cell(group=name, start=cuts[index][0], end=cuts[index][1], **values)
        for (name, index), values in sorted(cells.items())
        if index >= 0
    ]


def _scoped(stmt: Select[Any], service_column: Any, scope: Scope) -> Select[Any]:
    return stmt if scope.service_ids is None else stmt.where(service_column.in_(scope.service_ids))


def _deployment_counts(
    session: Session,
    scope: Scope,
    definitions: Definitions,
    cuts: list[tuple[dt.date, dt.date]],
    size: Bucket,
    services: Any,
    group: Any,
    cells: dict[tuple[str, int], dict[str, Any]],
) -> None:
    failed = failed_condition(definitions, Deployment)
    success = Deployment.result == "success"
    bucket = _bucket_of(Deployment.finished_s, cuts, size)
    stmt = (
        select(
            group,
            bucket,
            func.count(case((success, 1))),
            func.count(func.distinct(case((success, Deployment.finished_day)))),
            func.count(),
            func.count(case((failed, 1))),
        )
        .join(services, services.c.id == Deployment.service_id)
        .where(
            Deployment.finished_day >= scope.start,
            Deployment.finished_day <= scope.end,
            production_condition(definitions),
        )
        .group_by(group, bucket)
    )
    for name, index, shipped, days, total, failed in session.execute(
        _scoped(stmt, Deployment.service_id, scope)
    ):
        cells[(name, index)].update(
            deployments=shipped,
            deploy_days=days,
            production_deployments=total,
            failed_deployments=failed,
        )


def _lead_times(
    scope: Scope,
    definitions: Definitions,
    cuts: list[tuple[dt.date, dt.date]],
    size: Bucket,
    services: Any,
    group: Any,
) -> Select[Any]:
    stmt = (
        select(
            group.label("grp"),
            _bucket_of(Deployment.finished_s, cuts, size).label("bucket"),
            DeploymentCommit.lead_time_s.label("value"),
        )
        .join(Deployment, Deployment.id == DeploymentCommit.deployment_id)
        .join(services, services.c.id == Deployment.service_id)
        .where(
            Deployment.finished_day >= scope.start,
            Deployment.finished_day <= scope.end,
            Deployment.result == "success",
            production_condition(definitions),
        )
    )
    return _scoped(stmt, Deployment.service_id, scope)


def _restores(
    scope: Scope, cuts: list[tuple[dt.date, dt.date]], size: Bucket, services: Any, group: Any
) -> Select[Any]:
    stmt = (
        select(
            group.label("grp"),
            _bucket_of(Incident.opened_s, cuts, size).label("bucket"),
            Incident.restore_s.label("value"),
        )
        .join(services, services.c.id == Incident.service_id)
        .where(
            Incident.opened_s >= scope.start_s,
            Incident.opened_s < scope.end_s,
            Incident.restore_s.is_not(None),
        )
    )
    return _scoped(stmt, Incident.service_id, scope)


def _medians(
    session: Session,
    values: Select[Any],
    definitions: Definitions,
    cells: dict[tuple[str, int], dict[str, Any]],
    count_name: str,
    prefix: str,
) -> None:
    """Median and P75 (minutes) of each (group, bucket) of a (grp, bucket, value) select: the
    database numbers each group's sorted values, and only the rows at the needed ranks come back."""
    sample = values.subquery()
    partition = (sample.c.grp, sample.c.bucket)
    ranked = select(
        sample.c.grp,
        sample.c.bucket,
        sample.c.value,
        (func.row_number().over(partition_by=partition, order_by=sample.c.value) - 1).label("rank"),
        func.count().over(partition_by=partition).label("n"),
    ).subquery()
    n = ranked.c.n
    # floor(h) and floor(h) + 1 for h = (n − 1)·p (interpolated, lower); ceil(p·n) − 1
    # (nearest rank); for p = 1/2 and 3/4, in integers.
    wanted = [
        (n - 1) // 2,
        (n - 1) // 2 + 1,
        (3 * (n - 1)) // 4,
        (3 * (n - 1)) // 4 + 1,
        (n + 1) // 2 - 1,
        (3 * n + 3) // 4 - 1,
    ]
    rows = session.execute(
        select(ranked.c.grp, ranked.c.bucket, ranked.c.n, ranked.c.rank, ranked.c.value).where(
            or_(*(ranked.c.rank == w for w in wanted))
        )
    )
    picked: dict[tuple[str, int], tuple[int, dict[int, int]]] = {}
    for name, index, count, rank, value in rows:  # at most six rows a group
        picked.setdefault((name, index), (count, {}))[1][rank] = value
    for key, (count, at) in picked.items():
        cells[key][count_name] = count
        for share, label in ((0.5, "median"), (0.75, "p75")):
            rank, weight = quantile_ranks(count, share, definitions.median_rule)
            low = at[rank]
            high = at.get(rank + 1, low)
            cells[key][f"{prefix}_{label}"] = (low + weight * (high - low)) / 60
