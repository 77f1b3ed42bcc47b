"""The architecture stage-gate criterion the delivery module's stage gates call.

`architecture_gate(session, "orders-api")` passes when the latest review of that service (or of
the new-service proposal that created it, matched by name), withdrawn ones aside, is approved,
or approved with conditions that are all done.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tmse.catalog.models import Service
from tmse.standards.reviews.models import ArchitectureReview, ReviewKind, ReviewStatus


@dataclass(frozen=True)
class GateResult:
    passed: bool
    review_id: int | None
    status: str | None
    open_conditions: list[str] = field(default_factory=list)
    reason: str = ""


def latest_review(session: Session, service_name: str) -> ArchitectureReview | None:
    """The newest review that is not withdrawn, of the service or of its proposal."""
    service_id = session.scalar(select(Service.id).where(Service.name == service_name))
    subject = ArchitectureReview.kind == ReviewKind.NEW_SERVICE
    matches = subject & (ArchitectureReview.proposal["name"].as_string() == service_name)
    if service_id is not None:
        matches = or_(matches, ArchitectureReview.service_id == service_id)
    return session.scalar(
        select(ArchitectureReview)
        .where(matches, ArchitectureReview.status != ReviewStatus.WITHDRAWN)
        .order_by(ArchitectureReview.id.desc())
        .limit(1)
    )


def architecture_gate(session: Session, service_name: str) -> GateResult:
    """Whether `service_name` has passed architecture review, and why (not)."""
    review = latest_review(session, service_name)
    if review is None:
        return GateResult(False, None, None, [], f"'{service_name}' has no architecture review")
    status = review.status
    if status == ReviewStatus.APPROVED:
        return GateResult(True, review.id, status, [], f"review {review.id} approved")
    if status == ReviewStatus.APPROVED_WITH_CONDITIONS:
        open_conditions = [c["text"] for c in review.conditions or [] if not c.get("done")]
        if open_conditions:
            reason = f"review {review.id} approved with {len(open_conditions)} open condition(s)"
            return GateResult(False, review.id, status, open_conditions, reason)
        reason = f"review {review.id} approved; every condition is done"
        return GateResult(True, review.id, status, [], reason)
    if status == ReviewStatus.REJECTED:
        return GateResult(False, review.id, status, [], f"review {review.id} was rejected")
    return GateResult(False, review.id, status, [], f"review {review.id} is still {status}")
