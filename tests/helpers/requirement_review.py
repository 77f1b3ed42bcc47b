"""Shared set-up of the transition and review tests: a requirement and a snapshot of its state."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tmse.core.audit import AuditEntry
from tmse.core.db import Database
from tmse.core.links.models import TraceLink
from tmse.core.notifications.models import Notification
from tmse.requirements.models import Requirement
from tmse.requirements.review.models import RequirementApproval, RequirementReviewRequest


def add_requirement(db: Database, title: str = "Pay by QR code", **fields: Any) -> int:
    with db.session() as session:
        requirement = Requirement(title=title, custom={}, **fields)
        session.add(requirement)
        session.flush()
        return requirement.id


def state(db: Database, requirement_id: int) -> dict[str, Any]:
    """Everything a transition may write, to compare before and after a refused one."""
    with db.session() as session:
        requirement = session.get(Requirement, requirement_id)
        assert requirement is not None

        def count(model: Any) -> int:
            return session.scalar(select(func.count()).select_from(model)) or 0

        return {
            "status": requirement.status,
            "version": requirement.version,
            "reason": requirement.status_reason,
            "snoozed_until": requirement.snoozed_until,
            "duplicate_of_id": requirement.duplicate_of_id,
            "audit": count(AuditEntry),
            "approvals": count(RequirementApproval),
            "requests": count(RequirementReviewRequest),
            "notifications": count(Notification),
            "links": count(TraceLink),
        }


def move(
    client: TestClient, headers: dict[str, str], requirement_id: int, action: str, **body: Any
) -> Any:
    """POST a transition with the requirement's current version unless one is given."""
    if "version" not in body:
        current = client.get(f"/api/v1/requirements/{requirement_id}/approvals", headers=headers)
        body["version"] = current.json()["version"]
    return client.post(
        f"/api/v1/requirements/{requirement_id}/transitions",
        json={"action": action, **body},
        headers=headers,
    )
