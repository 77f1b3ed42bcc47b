"""Storing what a Harbor delivery states: pushed artifacts and their scans, each found again by
its natural key, so a redelivery changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tmse.catalog.queries import service_id_named
from tmse.core import audit
from tmse.core.actor import Actor
from tmse.devops.artifacts.models import Artifact, ArtifactScan
from tmse.devops.code.service import BatchCounts
from tmse.integrations.harbor import ArtifactFact, HarborDelivery, ScanFact


def record_harbor(session: Session, actor: Actor, delivery: HarborDelivery) -> BatchCounts:
    """Upsert the delivery's artifacts and scans; counts of rows created, updated, unchanged."""
    counts = BatchCounts()
    for artifact in delivery.artifacts:
        counts.add(
            _upsert(session, actor, Artifact, _artifact_key(artifact), _artifact(session, artifact))
        )
    for scan in delivery.scans:
        counts.add(_upsert(session, actor, ArtifactScan, _scan_key(scan), _scan(scan)))
    return counts


def service_for_repository(session: Session, repository: str) -> int | None:
    """The catalog service named like the repository's last segment ("team/api" → "api")."""
    return service_id_named(session, repository.rsplit("/", 1)[-1])


def _artifact_key(fact: ArtifactFact) -> dict[str, Any]:
    return {
        "registry_host": fact.registry,
        "project": fact.project,
        "repository": fact.repository,
        "digest": fact.digest,
        "tag_key": fact.tag or "",
    }


def _artifact(session: Session, fact: ArtifactFact) -> dict[str, Any]:
    return {
        "tag": fact.tag,
        "pushed_at": fact.pushed_at,
        "operator": fact.operator,
        "service_id": service_for_repository(session, fact.repository),
    }


def _scan_key(fact: ScanFact) -> dict[str, Any]:
    registry, _, digest, report_type, report_key = fact.natural_key
    return {
        "registry_host": registry,
        "project": fact.project,
        "repository": fact.repository,
        "digest": digest,
        "report_type": report_type,
        "report_key": report_key,
    }


def _scan(fact: ScanFact) -> dict[str, Any]:
    counts = fact.counts
    by_severity = ("critical", "high", "medium", "low", "negligible", "unknown", "total", "fixable")
    return {
        "report_id": fact.report_id,
        "scan_status": fact.scan_status,
        "severity": fact.severity,
        "scanner_name": fact.scanner_name,
        "scanner_version": fact.scanner_version,
        "finished_at": fact.finished_at,
    } | {name: (getattr(counts, name) if counts else None) for name in by_severity}


def _upsert(
    session: Session,
    actor: Actor,
    model: type[Artifact] | type[ArtifactScan],
    key: dict[str, Any],
    fields: dict[str, Any],
) -> str:
    """ "created", "updated" or "unchanged"; a concurrent insert of the same key is updated."""
    entity = "artifact" if model is Artifact else "artifact-scan"
    row = _find(session, model, key)
    if row is None:
        try:
            with session.begin_nested():
                row = model(**key, **fields)
                session.add(row)
                session.flush()
        except IntegrityError:
            row = _find(session, model, key)
            assert row is not None
        else:
            audit.record(session, actor, "create", entity, row.id, None, key | _plain(fields))
            return "created"
    before = {name: getattr(row, name) for name in fields}
    if _same(before, fields):
        return "unchanged"
    for name, value in fields.items():
        setattr(row, name, value)
    session.flush()
    audit.record(session, actor, "update", entity, row.id, _plain(before), _plain(fields))
    return "updated"


def _find(
    session: Session, model: type[Artifact] | type[ArtifactScan], key: dict[str, Any]
) -> Artifact | ArtifactScan | None:
    clauses = [getattr(model, name) == value for name, value in key.items()]
    return cast("Artifact | ArtifactScan | None", session.scalar(select(model).where(*clauses)))


def _same(before: dict[str, Any], after: dict[str, Any]) -> bool:
    # Times read back from SQLite have no zone; compare them as UTC.
    return _plain(before) == _plain(after)


def _plain(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: _moment(value) for name, value in fields.items()}


def _moment(value: Any) -> Any:
    if not isinstance(value, dt.datetime):
        return value
    aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).isoformat()
