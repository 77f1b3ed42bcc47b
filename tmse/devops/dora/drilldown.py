"""The records behind the DORA figures: deployments, changes and incidents of a scope, each
page selected, sorted and counted in SQL with the same rules as `queries`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, case, false, func, literal, select
from sqlalchemy.orm import Session, aliased

from tmse.catalog.queries import service_name_rows
from tmse.core.messages import Message, message
from tmse.core.pagination import ListParams, paginate
from tmse.devops.canary.queries import rolled_back_deployment_ids
from tmse.devops.dora.queries import (
    Definitions,
    Scope,
    failed_condition,
    incidents_opened,
    linked_deployment,
    production_deployments,
)
from tmse.devops.models import Deployment, DeploymentCommit, Incident

# How an incident came to count against a deployment (see `queries.linked_deployment`).
BY_ID, BY_WINDOW = "id", "window"


@dataclass(frozen=True)
class DoraQuery:
    """A checked scope: the services and days, the definitions, and the names asked for."""

    scope: Scope
    definitions: Definitions
    service: str | None = None
    team: str | None = None


@dataclass(frozen=True)
class LinkedIncident:
    id: int
    external_id: str
    rule: str  # BY_ID: it names the deployment; BY_WINDOW: the latest one before it


@dataclass(frozen=True)
class DeploymentRow:
    id: int
    external_id: str
    service: str
    environment: str
    result: str
    finished_at: dt.datetime
    changes: int
    failed_by_result: bool
    rolled_back: bool = False
    incidents: list[LinkedIncident] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.failed_by_result or self.rolled_back or bool(self.incidents)


@dataclass(frozen=True)
class ChangeRow:
    deployment_id: int
    deployment: str
    service: str
    finished_at: dt.datetime
    sha: str
    authored_at: dt.datetime
    lead_time_minutes: float


@dataclass(frozen=True)
class IncidentRow:
    id: int
    external_id: str
    service: str
    severity: str
    opened_at: dt.datetime
    resolved_at: dt.datetime | None
    restore_minutes: float | None
    deployment_ref: str | None
    deployment_id: int | None
    deployment: str | None
    rule: str | None
    reason: Message | None


def _link_rule(definitions: Definitions) -> ColumnElement[Any]:
    """Per incident: BY_ID, BY_WINDOW, or NULL when it counts against no deployment."""
    return case(
        (Incident.deployment_id.is_not(None), literal(BY_ID)),
        (linked_deployment(definitions).is_not(None), literal(BY_WINDOW)),
        else_=None,
    )


def _failed_by_result(definitions: Definitions) -> ColumnElement[bool]:
    return Deployment.result == "failure" if definitions.failed_deployments_count else false()


def deployments(
    session: Session, query: DoraQuery, params: ListParams, failed: bool | None = None
) -> tuple[list[DeploymentRow], int]:
    """The production deployments behind deployment frequency and change failure rate (the
    denominator; `failed=True` the numerator), with why each failed."""
    definitions = query.definitions
    names = service_name_rows()
    changes = (
        select(func.count(DeploymentCommit.id))
        .where(DeploymentCommit.deployment_id == Deployment.id)
        .correlate(Deployment)
        .scalar_subquery()
    )
    by_result = _failed_by_result(definitions)
    by_canary = (
        Deployment.id.in_(rolled_back_deployment_ids())
        if definitions.rolled_back_canaries_count
        else false()
    )
    stmt = (
        production_deployments(query.scope, definitions)
        .with_only_columns(
            Deployment.id,
            Deployment.external_id,
            names.c.name.label("service"),
            Deployment.environment,
            Deployment.result,
            Deployment.finished_at,
            changes.label("changes"),
            case((by_result, True), else_=False).label("failed_by_result"),
            case((by_canary, True), else_=False).label("rolled_back"),
        )
        .join(names, names.c.id == Deployment.service_id)
    )
    if failed is not None:
        failed_expr = failed_condition(definitions, Deployment)
        stmt = stmt.where(failed_expr if failed else ~failed_expr)
    rows, total = paginate(
        session,
        stmt,
        params,
        {"finished_at": Deployment.finished_s},
        "-finished_at",
        Deployment.id,
        as_rows=True,
    )
    linked = _incidents_of(session, definitions, [row.id for row in rows])
    return [
        DeploymentRow(
            id=row.id,
            external_id=row.external_id,
            service=row.service,
            environment=row.environment,
            result=row.result,
            finished_at=row.finished_at,
            changes=row.changes,
            failed_by_result=bool(row.failed_by_result),
            rolled_back=bool(row.rolled_back),
            incidents=linked.get(row.id, []),
        )
        for row in rows
    ], total


def _incidents_of(
    session: Session, definitions: Definitions, deployment_ids: list[int]
) -> dict[int, list[LinkedIncident]]:
    """The incidents counting against each of these deployments (one page's), by time."""
    if not deployment_ids:
        return {}
    target = linked_deployment(definitions).label("deployment_id")
    linked = select(
        Incident.id, Incident.external_id, Incident.opened_s, _link_rule(definitions).label("rule"),
        target,
    ).subquery()  # fmt: skip
    rows = session.execute(
        select(linked.c.deployment_id, linked.c.id, linked.c.external_id, linked.c.rule)
        .where(linked.c.deployment_id.in_(deployment_ids))
        .order_by(linked.c.opened_s, linked.c.id)
    )
    found: dict[int, list[LinkedIncident]] = defaultdict(list)
    for deployment_id, incident_id, external_id, rule in rows:
        found[deployment_id].append(LinkedIncident(incident_id, external_id, rule))
    return found


def changes(session: Session, query: DoraQuery, params: ListParams) -> tuple[list[ChangeRow], int]:
    """The (successful production deployment, commit) pairs behind lead time for changes."""
    names = service_name_rows()
    shipped = (
        production_deployments(query.scope, query.definitions)
        .where(Deployment.result == "success")
        .with_only_columns(Deployment.id)
    )
    stmt = (
        select(
            Deployment.id,
            Deployment.external_id,
            names.c.name,
            Deployment.finished_at,
            DeploymentCommit.sha,
            DeploymentCommit.authored_at,
            DeploymentCommit.lead_time_s,
        )
        .join(Deployment, Deployment.id == DeploymentCommit.deployment_id)
        .join(names, names.c.id == Deployment.service_id)
        .where(DeploymentCommit.deployment_id.in_(shipped))
    )
    rows, total = paginate(
        session,
        stmt,
        params,
        {"lead_time": DeploymentCommit.lead_time_s, "finished_at": Deployment.finished_s},
        "-lead_time",
        DeploymentCommit.id,
        as_rows=True,
    )
    return [
        ChangeRow(
            deployment_id=row.id,
            deployment=row.external_id,
            service=row.name,
            finished_at=row.finished_at,
            sha=row.sha,
            authored_at=row.authored_at,
            lead_time_minutes=row.lead_time_s / 60,
        )
        for row in rows
    ], total


def incidents(
    session: Session, query: DoraQuery, params: ListParams, linked: bool | None = None
) -> tuple[list[IncidentRow], int]:
    """The scope's incidents opened in the range (time to restore and the change failures),
    each with the deployment it counts against and how, or why it counts against none."""
    definitions = query.definitions
    names = service_name_rows()
    target = aliased(Deployment)
    link = linked_deployment(definitions)
    stmt = (
        select(
            Incident.id,
            Incident.external_id,
            names.c.name.label("service"),
            Incident.severity,
            Incident.opened_at,
            Incident.resolved_at,
            Incident.restore_s,
            Incident.deployment_ref,
            target.id.label("deployment_id"),
            target.external_id.label("deployment"),
            _link_rule(definitions).label("rule"),
        )
        .join(names, names.c.id == Incident.service_id)
        .outerjoin(target, target.id == link)
        .where(incidents_opened(query.scope))
    )
    if linked is not None:
        stmt = stmt.where(link.is_not(None) if linked else link.is_(None))
    rows, total = paginate(
        session,
        stmt,
        params,
        {"opened_at": Incident.opened_s, "restore": Incident.restore_s},
        "-opened_at",
        Incident.id,
        as_rows=True,
    )
    hours = definitions.incident_window_hours
    return [
        IncidentRow(
            id=row.id,
            external_id=row.external_id,
            service=row.service,
            severity=row.severity,
            opened_at=row.opened_at,
            resolved_at=row.resolved_at,
            restore_minutes=None if row.restore_s is None else row.restore_s / 60,
            deployment_ref=row.deployment_ref,
            deployment_id=row.deployment_id,
            deployment=row.deployment,
            rule=row.rule,
            reason=None if row.rule else _unlinked_reason(row.deployment_ref, row.service, hours),
        )
        for row in rows
    ], total


def _unlinked_reason(deployment_ref: str | None, service: str, hours: int) -> Message:
    if deployment_ref:
        return message("names deployment {ref}, which was not delivered", ref=deployment_ref)
    return message(
        "no successful production deployment of {service} in the {hours} h before it",
        service=service,
        hours=hours,
    )
