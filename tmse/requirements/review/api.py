"""JSON routes of requirement transitions, approvals and the reviewers' queue."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Response

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.input_types import Id
from tmse.core.pagination import ListParams, Page, sorted_by
from tmse.core.permissions import READ, REQUIREMENTS_WRITE
from tmse.core.responses import json_response
from tmse.core.routing import Router
from tmse.requirements import transitions
from tmse.requirements.models import Requirement
from tmse.requirements.review import queries as review
from tmse.requirements.review.schemas import (
    ApprovalsOut,
    QueueCounts,
    QueueItem,
    RequirementState,
    TransitionIn,
)

router = Router(prefix="/api/v1/requirements", tags=["requirement review"])
# Who may perform each transition is decided per action by the workflow table, which answers
# a refusal with the action and the roles owning it; the route itself only needs a signed-in user.
Reader = Annotated[Actor, Depends(require(READ))]
# Every role owning some transition contributes requirements; viewers own none.
Transitioner = Annotated[Actor, Depends(require(REQUIREMENTS_WRITE))]


def _state(requirement: Requirement) -> RequirementState:
    return RequirementState(
        id=requirement.id,
        key=requirement.key,
        title=requirement.title,
        status=requirement.status,
        status_reason=requirement.status_reason,
        snoozed_until=requirement.snoozed_until,
        duplicate_of_id=requirement.duplicate_of_id,
        version=requirement.version,
    )


@router.get("/review-queue", response_model=Page[QueueItem])
def review_queue(
    session: DbSession,
    actor: Reader,
    paging: Annotated[ListParams, Depends(sorted_by("id", "moscow", "title", "updated_at"))],
) -> Response:
    """Requirements in review that await my approval."""
    rows, total = review.review_queue(session, actor, paging)
    items = [QueueItem(**row) for row in rows]
    return json_response(
        Page(items=items, total=total, limit=paging.limit, offset=paging.offset), Page[QueueItem]
    )


@router.get("/review-queue/counts", response_model=QueueCounts)
def review_queue_counts(session: DbSession, actor: Reader) -> Response:
    return json_response(QueueCounts(**review.queue_counts(session, actor)), QueueCounts)


@router.post("/{requirement_id}/transitions", response_model=RequirementState)
def transition(
    requirement_id: Id, data: TransitionIn, session: DbSession, actor: Transitioner
) -> RequirementState:
    """Perform a workflow action; 403 names the roles owning it, 409 a wrong status or version."""
    payload = data.model_dump(exclude={"action", "version"})
    done = transitions.transition(
        session, actor, requirement_id, data.action, payload, data.version
    )
    return _state(done)


@router.get("/{requirement_id}/approvals", response_model=ApprovalsOut)
def approvals(requirement_id: Id, session: DbSession, actor: Reader) -> Response:
    requirement = transitions.get_requirement(session, requirement_id)
    return json_response(
        ApprovalsOut(**review.panel_context(session, actor, requirement)["review_panel"]),
        ApprovalsOut,
    )
