"""Delivery's reactions to other domains' events."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tmse.core.events import DomainEvent, subscribe
from tmse.delivery.iterations import record_completion
from tmse.requirements.status_events import STATUS_CHANGED


def _requirement_status_changed(session: Session, event: DomainEvent) -> None:
    """Iteration items learn when their requirement was completed (velocity counts it)."""
    payload = event.payload
    record_completion(
        session,
        payload["requirement_id"],
        payload["old_status"],
        payload["new_status"],
        payload["at"],
    )


subscribe(STATUS_CHANGED, _requirement_status_changed)
