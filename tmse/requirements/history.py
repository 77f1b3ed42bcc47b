"""A requirement's history: the audit entries written about it, newest first."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.core.audit import AuditEntry


def history(session: Session, requirement_id: int, limit: int = 100) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.entity_type == "requirement",
                AuditEntry.entity_id == str(requirement_id),
            )
            .order_by(AuditEntry.id.desc())
            .limit(limit)
        )
    )
