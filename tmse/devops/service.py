"""Recording deployments and incidents delivered by CI/CD and incident tools, idempotently."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tmse.catalog.queries import service_id_named, service_ids_named, service_ref_by_id
from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.db import utcnow
from tmse.core.errors import InvalidInput
from tmse.devops.models import Deployment, DeploymentCommit, Incident
from tmse.devops.schemas import GenericDeployment, GenericIncident, Outcome

GENERIC = "generic"


def record_deployment(
    session: Session, actor: Actor, data: GenericDeployment, source: str = GENERIC
) -> tuple[Outcome, Deployment]:
    """Store a delivered deployment: `created`, `updated` (same id, new content) or `unchanged`
    (a redelivery, which writes nothing)."""
    service_id = _service_id(session, data.service)
    content = _deployment_content(data)
    found = _deployment(session, source, data.id)
    before = _deployment_snapshot(session, found) if found else None
    if before == content:
        assert found is not None
        return "unchanged", found
    deployment = found or Deployment(source=source, external_id=data.id)
    _fill_deployment(deployment, service_id, data)
    if found is None:
        try:
            with session.begin_nested():  # the same id delivered twice at once: one row wins
                session.add(deployment)
                session.flush()
        except IntegrityError:
            return record_deployment(session, actor, data, source)
    else:
        session.execute(
            delete(DeploymentCommit).where(DeploymentCommit.deployment_id == deployment.id)
        )
    _add_commits(session, deployment, data)
    _link_waiting_incidents(session, deployment)
    session.flush()
    action = "record" if found is None else "update"
    audit.record(session, actor, action, "deployment", deployment.id, before, content)
    return ("created" if found is None else "updated"), deployment


def record_deployments(
    session: Session, actor: Actor, items: list[GenericDeployment], source: str = GENERIC
) -> list[Outcome]:
    """Store a batch of delivered deployments in a few statements (new ones inserted together,
    one audit entry each); the outcome of each, in order. All or nothing: an unknown service
    names its item and stores nothing."""
    ids = _service_ids(session, [item.service for item in items])
    known = {
        row.external_id: row
        for row in session.scalars(
            select(Deployment).where(
                Deployment.source == source,
                Deployment.external_id.in_([item.id for item in items]),
            )
        )
    }
    outcomes: list[Outcome] = []
    fresh: list[GenericDeployment] = []
    for item in items:
        if item.id in known:  # a redelivery or an update: the one-by-one path, rare in bulk
            outcomes.append(record_deployment(session, actor, item, source)[0])
        else:
            fresh.append(item)
            outcomes.append("created")
    if fresh:
        _insert_fresh(session, actor, fresh, ids, source)
    return outcomes


def _insert_fresh(
    session: Session,
    actor: Actor,
    items: list[GenericDeployment],
    service_ids: dict[str, int],
    source: str,
) -> None:
    now = utcnow()
    rows = []
    for item in items:
        row = Deployment(source=source, external_id=item.id, created_at=now, updated_at=now)
        _fill_deployment(row, service_ids[item.service], item)
        rows.append(
            {c.key: getattr(row, c.key) for c in Deployment.__table__.columns if c.key != "id"}
        )
    inserted = session.execute(
        insert(Deployment).returning(Deployment.external_id, Deployment.id), rows
    )
    new_ids = {external_id: deployment_id for external_id, deployment_id in inserted}
    commits = [
        {
            "deployment_id": new_ids[item.id],
            "sha": sha,
            "authored_at": authored,
            "lead_time_s": int((item.finished_at - authored).total_seconds()),
        }
        for item in items
        for sha, authored in {c.sha.lower(): c.authored_at for c in item.commits}.items()
    ]
    if commits:
        session.execute(insert(DeploymentCommit), commits)
    session.execute(
        update(Incident)
        .where(
            Incident.source == source,
            Incident.deployment_ref.in_(list(new_ids)),
            Incident.deployment_id.is_(None),
        )
        .values(
            deployment_id=select(Deployment.id)
            .where(Deployment.source == source, Deployment.external_id == Incident.deployment_ref)
            .scalar_subquery()
        )
    )
    audit.record_many(
        session,
        actor,
        (
            audit.Change(
                "record",
                "deployment",
                new_ids[item.id],
                audit.diff(None, _deployment_content(item)),
            )
            for item in items
        ),
    )


def _service_ids(session: Session, names: list[str]) -> dict[str, int]:
    found = service_ids_named(session, set(names))
    missing = [
        {"field": f"deployments.{index}.service", "message": f"no service named '{name}'"}
        for index, name in enumerate(names)
        if name not in found
    ]
    if missing:
        raise InvalidInput("Unknown service", missing)
    return found


def record_incident(
    session: Session, actor: Actor, data: GenericIncident, source: str = GENERIC
) -> tuple[Outcome, Incident]:
    """Store a delivered incident, linked to the deployment it names when that is known (or as
    soon as that deployment arrives)."""
    service_id = _service_id(session, data.service)
    content = _incident_content(data)
    found = session.scalar(
        select(Incident).where(Incident.source == source, Incident.external_id == data.id)
    )
    before = _incident_snapshot(session, found) if found else None
    if before == content:
        assert found is not None
        return "unchanged", found
    incident = found or Incident(source=source, external_id=data.id)
    incident.service_id = service_id
    incident.severity = data.severity
    incident.opened_at = data.created_at
    incident.opened_s = int(data.created_at.timestamp())
    incident.resolved_at = data.resolved_at
    incident.restore_s = (
        int((data.resolved_at - data.created_at).total_seconds()) if data.resolved_at else None
    )
    incident.deployment_ref = data.deployment_id
    named = _deployment(session, source, data.deployment_id) if data.deployment_id else None
    incident.deployment_id = named.id if named else None
    if found is None:
        try:
            with session.begin_nested():
                session.add(incident)
                session.flush()
        except IntegrityError:
            return record_incident(session, actor, data, source)
    session.flush()
    action = "record" if found is None else "update"
    audit.record(session, actor, action, "incident", incident.id, before, content)
    return ("created" if found is None else "updated"), incident


def _service_id(session: Session, name: str) -> int:
    service_id = service_id_named(session, name)
    if service_id is None:
        raise InvalidInput(
            "Unknown service", [{"field": "service", "message": f"no service named '{name}'"}]
        )
    return service_id


def _deployment(session: Session, source: str, external_id: str) -> Deployment | None:
    return session.scalar(
        select(Deployment).where(Deployment.source == source, Deployment.external_id == external_id)
    )


def _fill_deployment(deployment: Deployment, service_id: int, data: GenericDeployment) -> None:
    deployment.service_id = service_id
    deployment.environment = data.environment
    deployment.result = data.result
    deployment.ref = data.ref
    deployment.title = data.title
    deployment.started_at = data.started_at
    deployment.finished_at = data.finished_at
    deployment.finished_day = data.finished_at.astimezone(dt.UTC).date()
    deployment.finished_s = int(data.finished_at.timestamp())


def _add_commits(session: Session, deployment: Deployment, data: GenericDeployment) -> None:
    commits = {c.sha.lower(): c.authored_at for c in data.commits}  # a sha listed twice: once
    if commits:
        session.execute(
            insert(DeploymentCommit),
            [
                {
                    "deployment_id": deployment.id,
                    "sha": sha,
                    "authored_at": authored,
                    "lead_time_s": int((data.finished_at - authored).total_seconds()),
                }
                for sha, authored in commits.items()
            ],
        )


def _link_waiting_incidents(session: Session, deployment: Deployment) -> None:
    """Incidents delivered before the deployment they name now point at it."""
    session.execute(
        update(Incident)
        .where(
            Incident.source == deployment.source,
            Incident.deployment_ref == deployment.external_id,
            Incident.deployment_id.is_(None),
        )
        .values(deployment_id=deployment.id)
    )


def _moment(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat()


def _service_name(session: Session, service_id: int) -> str:
    ref = service_ref_by_id(session, service_id)
    return ref.name if ref else ""


def _commits_digest(pairs: list[tuple[str, str]]) -> str:
    text = "\n".join(f"{sha} {authored}" for sha, authored in sorted(pairs))
    return hashlib.sha256(text.encode()).hexdigest()


def _deployment_content(data: GenericDeployment) -> dict[str, Any]:
    pairs = {(c.sha.lower(), _moment(c.authored_at)) for c in data.commits}
    return {
        "service": data.service,
        "environment": data.environment,
        "result": data.result,
        "ref": data.ref,
        "title": data.title,
        "started_at": _moment(data.started_at),
        "finished_at": _moment(data.finished_at),
        "commits": len(pairs),
        "commits_digest": _commits_digest(list(pairs)),
    }


def _deployment_snapshot(session: Session, deployment: Deployment) -> dict[str, Any]:
    pairs = [
        (sha, _moment(authored))
        for sha, authored in session.execute(
            select(DeploymentCommit.sha, DeploymentCommit.authored_at).where(
                DeploymentCommit.deployment_id == deployment.id
            )
        )
    ]
    return {
        "service": _service_name(session, deployment.service_id),
        "environment": deployment.environment,
        "result": deployment.result,
        "ref": deployment.ref,
        "title": deployment.title,
        "started_at": _moment(deployment.started_at),
        "finished_at": _moment(deployment.finished_at),
        "commits": len(pairs),
        "commits_digest": _commits_digest(pairs),
    }


def _incident_content(data: GenericIncident) -> dict[str, Any]:
    return {
        "service": data.service,
        "severity": data.severity,
        "created_at": _moment(data.created_at),
        "resolved_at": _moment(data.resolved_at) if data.resolved_at else None,
        "deployment_id": data.deployment_id,
    }


def _incident_snapshot(session: Session, incident: Incident) -> dict[str, Any]:
    return {
        "service": _service_name(session, incident.service_id),
        "severity": incident.severity,
        "created_at": _moment(incident.opened_at),
        "resolved_at": _moment(incident.resolved_at) if incident.resolved_at else None,
        "deployment_id": incident.deployment_ref,
    }
