"""JSON routes of change control: /api/v1/change-requests and /api/v1/freeze-windows."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import Depends, Query, Response, status

from tmse.core.actor import Actor
from tmse.core.db import utcnow, utctoday
from tmse.core.deps import DbSession, require
from tmse.core.input_types import Id, IsoDate
from tmse.core.pagination import ListParams, Page, sorted_by
from tmse.core.permissions import CHANGES_DECIDE, CHANGES_REQUEST, DELIVERY_WRITE, READ
from tmse.core.responses import json_response
from tmse.core.routing import Router
from tmse.planning import queries as planning
from tmse.planning import service as planning_service
from tmse.planning.queries import FreezeWindowRow
from tmse.planning.schemas import FreezeWindowCreate, FreezeWindowEdit
from tmse.requirements.changes import board, queries, service
from tmse.requirements.changes.impact_queries import compute_impact
from tmse.requirements.changes.metrics_queries import release_change_metrics
from tmse.requirements.changes.models import ChangeRequestStatus
from tmse.requirements.changes.schemas import (
    ChangeMetricsOut,
    ChangeRequestCreate,
    ChangeRequestEdit,
    ChangeRequestOut,
    ChangeRequestSummary,
    DecisionIn,
    FreezeWindowOut,
    ImpactOut,
    LeadTimeOut,
    VersionIn,
)
from tmse.requirements.models import Requirement

router = Router(prefix="/api/v1/change-requests", tags=["change requests"])
freeze_router = Router(prefix="/api/v1/freeze-windows", tags=["freeze windows"])
Reader = Annotated[Actor, Depends(require(READ))]
Requester = Annotated[Actor, Depends(require(CHANGES_REQUEST))]
Decider = Annotated[Actor, Depends(require(CHANGES_DECIDE))]


@router.get("", response_model=Page[ChangeRequestSummary])
def list_change_requests(
    session: DbSession,
    _: Reader,
    paging: Annotated[
        ListParams,
        Depends(
            sorted_by("created_at", "effort_delta", "id", "status", "submitted_at", "updated_at")
        ),
    ],
    cr_status: ChangeRequestStatus | None = Query(None, alias="status"),
    requirement: Id | None = Query(None, description="A requirement's id."),
    project: Id | None = Query(None, description="A project's id."),
    release: Id | None = Query(None, description="A release's id."),
) -> Response:
    rows, total = queries.list_change_requests(
        session,
        paging,
        status=cr_status,
        requirement_id=requirement,
        project_id=project,
        release_id=release,
    )
    items = queries.summaries(session, rows)
    return json_response(
        Page(items=items, total=total, limit=paging.limit, offset=paging.offset),
        Page[ChangeRequestSummary],
    )


@router.get("/metrics", response_model=ChangeMetricsOut)
def change_metrics(
    session: DbSession, _: Reader, release: Annotated[Id, Query(description="A release's id.")]
) -> Response:
    """Count by status, approval lead time (submitted → approved) and scope churn of a release."""
    found, metrics = release_change_metrics(session, release)
    return json_response(
        ChangeMetricsOut(
            release_id=found.id,
            release=found.name,
            project_id=found.project_id,
            count=metrics.count,
            by_status=metrics.by_status,
            approval_lead_time=LeadTimeOut(
                count=metrics.lead_time_count,
                median_hours=metrics.lead_time_median_hours,
                mean_hours=metrics.lead_time_mean_hours,
            ),
            applied_effort_churn_days=metrics.applied_churn_days,
            baselined_effort_days=metrics.baselined_effort_days,
            scope_churn_pct=metrics.scope_churn_pct,
        ),
        ChangeMetricsOut,
    )


@router.post("", response_model=ChangeRequestOut, status_code=status.HTTP_201_CREATED)
def create_change_request(
    data: ChangeRequestCreate, session: DbSession, actor: Requester
) -> ChangeRequestOut:
    """Propose field changes to a requirement; the impact analysis is computed and stored."""
    change_request = service.create_change_request(session, actor, data)
    return queries.change_request_out(session, change_request)


@router.get("/{change_request_id}", response_model=ChangeRequestOut)
def get_change_request(change_request_id: Id, session: DbSession, _: Reader) -> Response:
    change_request = service.get_change_request(session, change_request_id)
    return json_response(queries.change_request_out(session, change_request), ChangeRequestOut)


@router.patch("/{change_request_id}", response_model=ChangeRequestOut)
def edit_change_request(
    change_request_id: Id, data: ChangeRequestEdit, session: DbSession, actor: Requester
) -> ChangeRequestOut:
    """Edit the proposal: approvals are reset and the impact is computed again."""
    change_request = service.edit_change_request(session, actor, change_request_id, data)
    return queries.change_request_out(session, change_request)


@router.get("/{change_request_id}/impact", response_model=ImpactOut)
def impact(change_request_id: Id, session: DbSession, _: Reader) -> Response:
    """The impact analysis computed afresh from today's trace links (not stored)."""
    change_request = service.get_change_request(session, change_request_id)
    requirement = session.get(Requirement, change_request.requirement_id)
    assert requirement is not None  # the foreign key cascades
    started = time.perf_counter()
    result = compute_impact(session, requirement, change_request.changes)
    elapsed = (time.perf_counter() - started) * 1000
    data = result.as_dict()
    data.pop("depths")
    return json_response(
        ImpactOut(**data, computed_at=utcnow(), elapsed_ms=round(elapsed, 2)), ImpactOut
    )


@router.post("/{change_request_id}/submit", response_model=ChangeRequestOut)
def submit(
    change_request_id: Id, data: VersionIn, session: DbSession, actor: Requester
) -> ChangeRequestOut:
    change_request = service.submit_change_request(session, actor, change_request_id, data.version)
    return queries.change_request_out(session, change_request)


@router.post("/{change_request_id}/withdraw", response_model=ChangeRequestOut)
def withdraw(
    change_request_id: Id, data: VersionIn, session: DbSession, actor: Requester
) -> ChangeRequestOut:
    change_request = service.withdraw_change_request(
        session, actor, change_request_id, data.version
    )
    return queries.change_request_out(session, change_request)


@router.post("/{change_request_id}/decisions", response_model=ChangeRequestOut)
def decide(
    change_request_id: Id, data: DecisionIn, session: DbSession, actor: Decider
) -> ChangeRequestOut:
    """A change board member approves or rejects. The second approval applies the change;
    a freeze window refuses approving a non-emergency request (409)."""
    change_request = board.decide(session, actor, change_request_id, data)
    return queries.change_request_out(session, change_request)


# --- freeze windows ---------------------------------------------------------------------------


# Freeze windows plan delivery: every role that decides changes also writes delivery plans.
FreezeWriter = Annotated[Actor, Depends(require(DELIVERY_WRITE))]


def freeze_window_out(window: FreezeWindowRow) -> FreezeWindowOut:
    today = utctoday()
    return FreezeWindowOut(
        id=window.id,
        name=window.name,
        project_id=window.project_id,
        release_id=window.release_id,
        starts_on=window.starts_on,
        ends_on=window.ends_on,
        reason=window.reason,
        active=window.starts_on <= today <= window.ends_on,
        version=window.version,
        created_at=window.created_at,
        updated_at=window.updated_at,
    )


@freeze_router.get("", response_model=Page[FreezeWindowOut])
def list_freeze_windows(
    session: DbSession,
    _: Reader,
    paging: Annotated[ListParams, Depends(sorted_by("ends_on", "id", "name", "starts_on"))],
    project: Id | None = None,
    release: Id | None = None,
    active_on: IsoDate | None = Query(None, description="Only windows covering this date."),
) -> Response:
    rows, total = planning.list_freeze_windows(
        session, paging, project_id=project, release_id=release, active_on=active_on
    )
    items = [freeze_window_out(w) for w in rows]
    return json_response(
        Page(items=items, total=total, limit=paging.limit, offset=paging.offset),
        Page[FreezeWindowOut],
    )


@freeze_router.post("", response_model=FreezeWindowOut, status_code=status.HTTP_201_CREATED)
def create_freeze_window(
    data: FreezeWindowCreate, session: DbSession, actor: FreezeWriter
) -> FreezeWindowOut:
    return freeze_window_out(planning_service.create_freeze_window(session, actor, data))


@freeze_router.get("/{window_id}", response_model=FreezeWindowOut)
def get_freeze_window(window_id: Id, session: DbSession, _: Reader) -> Response:
    return json_response(
        freeze_window_out(planning_service.get_freeze_window(session, window_id)), FreezeWindowOut
    )


@freeze_router.patch("/{window_id}", response_model=FreezeWindowOut)
def edit_freeze_window(
    window_id: Id, data: FreezeWindowEdit, session: DbSession, actor: FreezeWriter
) -> FreezeWindowOut:
    return freeze_window_out(planning_service.edit_freeze_window(session, actor, window_id, data))


@freeze_router.delete("/{window_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_freeze_window(window_id: Id, session: DbSession, actor: FreezeWriter) -> None:
    planning_service.delete_freeze_window(session, actor, window_id)
