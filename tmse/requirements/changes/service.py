"""Change requests: create, edit, submit, decide, apply, withdraw. Every write is audited."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.requirements.changes.models import ChangeRequest


def change_requests_for(session: Session, requirement_id: int) -> list[ChangeRequest]:
    """The change requests of one requirement, newest first."""
    stmt = (
        select(ChangeRequest)
        .where(ChangeRequest.requirement_id == requirement_id)
        .order_by(ChangeRequest.id.desc())
    )
    return list(session.scalars(stmt))
