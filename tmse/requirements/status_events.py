"""Every change of a requirement's status goes through `set_status`, which publishes it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tmse.core.db import utcnow
from tmse.core.events import publish
from tmse.requirements.models import Requirement

# Other domains (delivery's completion dates) react to `requirement.status_changed` instead of
# watching this table: payload requirement_id, old_status, new_status and at (UTC).
STATUS_CHANGED = "requirement.status_changed"


def set_status(session: Session, requirement: Requirement, status: str) -> None:
    """Give the requirement `status` and publish the change; the same status is no change."""
    old_status = requirement.status
    if old_status == status:
        return
    requirement.status = status
    publish(
        session,
        STATUS_CHANGED,
        requirement_id=requirement.id,
        old_status=str(old_status),
        new_status=str(status),
        at=utcnow(),
    )
