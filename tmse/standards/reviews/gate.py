"""The architecture stage-gate criterion: passes when the latest review of a service (or of the
proposal that created it), withdrawn ones aside, is approved with every condition done."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tmse.catalog.queries import service_id_named
from tmse.core.messages import Message, message, render
from tmse.standards.reviews.labels import STATUS_LABELS
from tmse.standards.reviews.models import ArchitectureReview, ReviewKind, ReviewStatus


@dataclass(frozen=True)
class GateResult:
    passed: bool
    review_id: int | None
    status: str | None
    open_conditions: list[str] = field(default_factory=list)
    why: Message = field(default_factory=lambda: message("no architecture review"))
    # The API has always said a status by its slug ("is still requested"); pages say its label.
    api_reason: str | None = None

    @property
    def reason(self) -> str:
        """Why, in English, as the JSON API returns it."""
        return self.api_reason if self.api_reason is not None else render(self.why, "en")


def latest_review(session: Session, service_name: str) -> ArchitectureReview | None:
    """The newest review that is not withdrawn, of the service or of its proposal."""
    service_id = service_id_named(session, service_name)
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
        why = message("'{name}' has no architecture review", name=service_name)
        return GateResult(False, None, None, [], why)
    status = review.status
    if status == ReviewStatus.APPROVED:
        return GateResult(
            True, review.id, status, [], message("review {review} approved", review=review.id)
        )
    if status == ReviewStatus.APPROVED_WITH_CONDITIONS:
        open_conditions = [c["text"] for c in review.conditions or [] if not c.get("done")]
        if open_conditions:
            reason = message(
                "review {review} approved with {count} open condition(s)",
                review=review.id,
                count=len(open_conditions),
            )
            return GateResult(False, review.id, status, open_conditions, reason)
        reason = message("review {review} approved; every condition is done", review=review.id)
        return GateResult(True, review.id, status, [], reason)
    if status == ReviewStatus.REJECTED:
        rejected = message("review {review} was rejected", review=review.id)
        return GateResult(False, review.id, status, [], rejected)
    label = Message(STATUS_LABELS.get(status, status))
    still = message("review {review} is still {status}", review=review.id, status=label)
    slug_reason = f"review {review.id} is still {status}"
    return GateResult(False, review.id, status, [], still, slug_reason)
