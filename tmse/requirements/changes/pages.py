"""The change pages assembled from queries: a change request's page and its form (shown again by
the form posts when the service refuses), and the board's metrics chart."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.messages import render as render_message
from tmse.requirements.changes import board, queries
from tmse.requirements.changes.forms import current_values
from tmse.requirements.changes.labels import STATUS_CHART_COLOURS, STATUS_LABELS, labels
from tmse.requirements.changes.models import BoardSeat, ChangeRequest, ChangeRequestStatus
from tmse.requirements.models import MoSCoW, Requirement, RequirementType
from tmse.web.forms import translator
from tmse.web.templating import render, request_locale


def render_form(
    request: Request,
    session: Session,
    requirement: Requirement,
    values: dict[str, Any],
    *,
    change_request: ChangeRequest | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "requirements/changes/form.html",
        {
            "active": "changes",
            "requirement": requirement,
            "current": current_values(requirement),
            "values": values,
            "cr": change_request,
            "releases": queries.releases_of_project(session, requirement.project_id),
            "types": [str(t) for t in RequirementType],
            "moscows": [str(m) for m in MoSCoW],
            "errors": errors or {},
            "message": message,
            "labels": labels(),
        },
        status_code=status_code,
    )


def render_change_request(
    request: Request,
    session: Session,
    actor: Actor,
    change_request: ChangeRequest,
    *,
    message: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    flashes: list[dict[str, str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    out = queries.change_request_out(session, change_request)
    requirement = session.get(Requirement, change_request.requirement_id)
    assert requirement is not None
    taken = {a.seat: a for a in out.approvals}
    impact = change_request.impact or {}
    return render(
        request,
        "requirements/changes/detail.html",
        {
            "active": "changes",
            "cr": out,
            "requirement": requirement,
            "rows": [
                {"field": name, "before": out.before.get(name), "after": value}
                for name, value in out.changes.items()
            ],
            "names": queries.place_names(session, impact, out.before, out.changes),
            "closure": queries.impact_closure(session, impact),
            "impact": impact,
            "seats": [{"seat": str(seat), "approval": taken.get(seat)} for seat in BoardSeat],
            "actions": board.allowed_actions(session, actor, change_request),
            "my_seat": board.open_seat(session, actor, change_request, requirement),
            "message": message,
            "errors": errors or {},
            "values": values or {},
            "flashes": flashes or [],
            "labels": labels(),
        },
        status_code=status_code,
    )


def metrics_chart(request: Request, rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """A stacked bar of change requests per release and status, with scope churn as a line."""
    if not rows:
        return None
    _ = translator(request)
    locale = request_locale(request)
    return {
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
                "name": render_message(STATUS_LABELS[status], locale),
                "type": "bar",
                "stack": "count",
                "itemStyle": {"color": STATUS_CHART_COLOURS[status]},
                "data": [r["m"].by_status.get(status, 0) for r in rows],
            }
            for status in (str(s) for s in ChangeRequestStatus)
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
