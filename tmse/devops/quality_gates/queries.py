"""Reading gate runs: a service's history, one run, the latest gate (a delivery stage gate
criterion) and the rules set for a service."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.catalog.queries import service_name_rows
from tmse.core.pagination import ListParams, paginate
from tmse.devops.quality_gates.models import GateConfig, QualityRun

_SERVICES = service_name_rows()


def latest_gate(session: Session, service_id: int) -> tuple[str, int] | None:
    """The status ("passed", "failed" or "no-data") and id of the service's most recently
    uploaded run; None when it has none."""
    row = session.execute(
        select(QualityRun.status, QualityRun.id)
        .where(QualityRun.service_id == service_id)
        .order_by(QualityRun.uploaded_at.desc(), QualityRun.id.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def list_runs(
    session: Session, params: ListParams, service_id: int | None = None
) -> tuple[list[tuple[QualityRun, str]], int]:
    """A page of runs with their service names, newest upload first unless sorted otherwise."""
    stmt = select(QualityRun, _SERVICES.c.name).join(
        _SERVICES, _SERVICES.c.id == QualityRun.service_id
    )
    if service_id is not None:
        stmt = stmt.where(QualityRun.service_id == service_id)
    sortable = {"uploaded_at": QualityRun.uploaded_at, "status": QualityRun.status}
    # Runs uploaded in the same instant: the later row first, as it was stored after.
    tiebreak = cast(Any, QualityRun.id.desc())
    rows, total = paginate(session, stmt, params, sortable, "-uploaded_at", tiebreak, as_rows=True)
    return [(row[0], row[1]) for row in rows], total


def get_run(session: Session, run_id: int) -> tuple[QualityRun, str] | None:
    """One run and its service's name."""
    row = session.execute(
        select(QualityRun, _SERVICES.c.name)
        .join(_SERVICES, _SERVICES.c.id == QualityRun.service_id)
        .where(QualityRun.id == run_id)
    ).first()
    return (row[0], row[1]) if row else None


def gate_config(session: Session, service_id: int) -> tuple[dict[str, Any], int]:
    """The thresholds set for a service and their version; ({}, 0) while it has the defaults."""
    row = session.execute(
        select(GateConfig.rules, GateConfig.version).where(GateConfig.service_id == service_id)
    ).first()
    return (dict(row[0] or {}), row[1]) if row else ({}, 0)
