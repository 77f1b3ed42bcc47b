"""HTML pages of change control: the change board (my queue, open requests, freeze windows,
metrics per release with a chart) and a change request's page."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.errors import NotFound
from tmse.core.pagination import ListParams, list_params
from tmse.core.permissions import CHANGES_DECIDE, CHANGES_REQUEST, READ, Role
from tmse.delivery.models import FreezeWindow, Project
from tmse.requirements.changes import freeze, queries, service, view_forms
from tmse.requirements.changes.metrics_queries import release_change_metrics
from tmse.requirements.changes.models import (
    OPEN_STATUSES,
    ChangeRequest,
    ChangeRequestStatus,
)
from tmse.requirements.changes.view_labels import STATUS_CHART_COLOURS, labels
from tmse.requirements.changes.view_render import release_names, render_change_request
from tmse.web.forms import not_found_page, translator
from tmse.web.labels import N_
from tmse.web.page_context import filter_url, saved_flash
from tmse.web.templating import NavItem, register_nav, render

router = APIRouter(include_in_schema=False)
router.include_router(view_forms.router)
Reader = Annotated[Actor, Depends(require(READ))]
Paging = Annotated[ListParams, Depends(list_params)]

register_nav(NavItem("changes", N_("Change board"), "/changes", READ, order=6, group="strategy"))

# Releases shown in the metrics chart: those with the most recent change requests.
METRIC_RELEASES = 8
IMPACT_LISTED = 300


def _project_keys(session: Session, project_ids: set[int]) -> dict[int, str]:
    if not project_ids:
        return {}
    rows = session.execute(select(Project.id, Project.key).where(Project.id.in_(project_ids)))
    return {row.id: row.key for row in rows}


def _freeze_rows(session: Session) -> list[dict[str, Any]]:
    """Windows in force or to come (and the last ten days'), soonest first."""
    today = freeze.today()
    windows = list(
        session.scalars(
            select(FreezeWindow)
            .where(FreezeWindow.ends_on >= today - dt.timedelta(days=10))
            .order_by(FreezeWindow.starts_on, FreezeWindow.id)
            .limit(20)
        )
    )
    releases = release_names(session, {w.release_id for w in windows if w.release_id})
    projects = _project_keys(session, {w.project_id for w in windows if w.project_id})
    rows = []
    for w in windows:
        state = "active" if w.starts_on <= today <= w.ends_on else "past"
        if w.starts_on > today:
            state = "upcoming"
        scope = releases.get(w.release_id or 0) or projects.get(w.project_id or 0, "—")
        rows.append({"window": w, "scope": scope, "state": state})
    return rows


def _metrics(session: Session, _: Any) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Per release with change requests: the metrics, and a stacked bar chart of counts."""
    recent = session.execute(
        select(ChangeRequest.release_id, func.max(ChangeRequest.id).label("last"))
        .where(ChangeRequest.release_id.is_not(None))
        .group_by(ChangeRequest.release_id)
        .order_by(func.max(ChangeRequest.id).desc())
        .limit(METRIC_RELEASES)
    ).all()
    release_ids = [row.release_id for row in recent]
    names = release_names(session, set(release_ids))
    rows = []
    for release_id in sorted(release_ids, key=lambda r: names.get(r, "")):
        _release, metrics = release_change_metrics(session, release_id)
        rows.append({"release_id": release_id, "name": names.get(release_id), "m": metrics})
    if not rows:
        return [], None
    statuses = [str(s) for s in ChangeRequestStatus]
    status_labels = labels()["status"]
    option = {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"bottom": 0},
        "grid": {"left": 40, "right": 50, "top": 30, "bottom": 60},
        "xAxis": {"type": "category", "data": [r["name"] for r in rows]},
        "yAxis": [
            {"type": "value", "name": _("Change requests"), "minInterval": 1},
            {"type": "value", "name": _("Scope churn %"), "position": "right"},
        ],
        "series": [
            {
                "name": _(status_labels[status]),
                "type": "bar",
                "stack": "count",
                "itemStyle": {"color": STATUS_CHART_COLOURS[status]},
                "data": [r["m"].by_status.get(status, 0) for r in rows],
            }
            for status in statuses
            if any(r["m"].by_status.get(status) for r in rows)
        ]
        + [
            {
                "name": _("Scope churn %"),
                "type": "line",
                "yAxisIndex": 1,
                "itemStyle": {"color": "#f76707"},
                "data": [r["m"].scope_churn_pct for r in rows],
            }
        ],
    }
    return rows, option


@router.get("/changes")
def change_board(
    request: Request,
    session: DbSession,
    actor: Reader,
    paging: Paging,
    status: str = "",
    saved: str = "",
) -> Response:
    _ = translator(request)
    statuses = [str(s) for s in ChangeRequestStatus]
    status = status if status in statuses or status == "all" else ""
    filters: dict[str, Any] = (
        {"open_only": True} if not status else {} if status == "all" else {"status": status}
    )
    rows, total = queries.list_change_requests(
        session, ListParams(limit=paging.limit, offset=paging.offset), **filters
    )
    items = queries.summaries(session, rows)
    mine = queries.summaries(session, queries.awaiting_decision(session, actor))
    counts = dict(
        session.execute(
            select(ChangeRequest.status, func.count()).group_by(ChangeRequest.status)
        ).all()
    )
    metric_rows, chart = _metrics(session, _)
    releases = release_names(session, {i.release_id for i in [*items, *mine] if i.release_id})
    return render(
        request,
        "requirements/changes/board.html",
        {
            "active": "changes",
            "mine": mine,
            "page": {
                "items": items,
                "total": total,
                "limit": paging.limit,
                "offset": paging.offset,
            },
            "status": status,
            "statuses": statuses,
            "counts": counts,
            "open_count": sum(counts.get(s, 0) for s in OPEN_STATUSES),
            "all_count": sum(counts.values()),
            "base_url": filter_url("/changes", status=status),
            "release_names": releases,
            "freeze_windows": _freeze_rows(session),
            "metric_rows": metric_rows,
            "metrics_chart": chart,
            "is_board_member": bool(
                actor.can(CHANGES_DECIDE) and actor.roles & {Role.COMMITTEE, Role.PRODUCT_MANAGER}
            ),
            "can_request": actor.can(CHANGES_REQUEST),
            "flashes": saved_flash(request, saved),
            "labels": labels(),
        },
    )


@router.get("/changes/{change_request_id:id}")
def change_request_page(
    request: Request, session: DbSession, actor: Reader, change_request_id: int, saved: str = ""
) -> Response:
    try:
        change_request = service.get_change_request(session, change_request_id)
    except NotFound:
        return not_found_page(request, N_("This change request does not exist."))
    return render_change_request(
        request, session, actor, change_request, flashes=saved_flash(request, saved)
    )


@router.get("/change-requests/{change_request_id:id}")
def change_request_alias(change_request_id: int, _: Reader) -> Response:
    """The same page under the resource's API name, for links written that way."""
    return RedirectResponse(f"/changes/{change_request_id}", status_code=308)
