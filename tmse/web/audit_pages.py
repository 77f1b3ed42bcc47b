"""The audit log page: filtered entries, writes per day, and verifying the hash chain."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import Response

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.audit import AuditEntry, ChainReport, entries_query
from tmse.core.audit.activity import recorded_actions, writes_per_day
from tmse.core.deps import DbSession, require
from tmse.core.pagination import ListParams, list_params, paginate
from tmse.core.permissions import AUDIT_READ
from tmse.core.routing import Router
from tmse.web.forms import Translate, translator
from tmse.web.page_context import filter_url
from tmse.web.templating import render

router = Router(include_in_schema=False)
AuditReader = Annotated[Actor, Depends(require(AUDIT_READ))]
Paging = Annotated[ListParams, Depends(list_params)]
CHART_DAYS = 30


def _day(value: str, field: str, errors: dict[str, str], _: Translate) -> dt.date | None:
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        errors[field] = _("Enter a date as YYYY-MM-DD.")
        return None


def _activity_chart(session: DbSession, _: Translate) -> dict[str, Any]:
    days = writes_per_day(session, CHART_DAYS)
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 8, "right": 8, "top": 16, "bottom": 4, "containLabel": True},
        "xAxis": {
            "type": "category",
            "data": [d.strftime("%m-%d") for d, _n in days],
            "axisTick": {"alignWithLabel": True},
        },
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "type": "bar",
                "name": _("Writes"),
                "data": [n for _d, n in days],
                "itemStyle": {"color": "#206bc4"},
            }
        ],
    }


def _audit_page(
    request: Request,
    session: DbSession,
    paging: ListParams,
    filters: dict[str, str],
    chain: ChainReport | None = None,
) -> Response:
    _ = translator(request)
    errors: dict[str, str] = {}
    since = _day(filters["since"], "since", errors, _)
    until = _day(filters["until"], "until", errors, _)
    stmt = entries_query(
        actor=filters["actor"] or None,
        entity=filters["entity"] or None,
        action=filters["action"] or None,
        since=dt.datetime.combine(since, dt.time.min, tzinfo=dt.UTC) if since else None,
        # The until day is included: entries before the start of the next day.
        until=(
            dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
            if until
            else None
        ),
    )
    sortable = {"id": AuditEntry.id, "at": AuditEntry.at}
    params = ListParams(limit=paging.limit, offset=paging.offset)
    rows, total = paginate(session, stmt, params, sortable, "-id", AuditEntry.id)
    return render(
        request,
        "web/audit.html",
        {
            "active": "audit",
            "page": {"items": rows, "total": total, "limit": params.limit, "offset": params.offset},
            "filters": filters,
            "filtered": any(filters.values()),
            "errors": errors,
            "actions": recorded_actions(session),
            "entries": audit.count(session),
            "activity_chart": _activity_chart(session, _),
            "chain": chain,
            "base_url": filter_url("/audit", **filters),
        },
    )


@router.get("/audit")
def audit_page(
    request: Request,
    session: DbSession,
    actor: AuditReader,
    paging: Paging,
    actor_filter: Annotated[str, Query(alias="actor")] = "",
    entity: str = "",
    action: str = "",
    since: str = "",
    until: str = "",
) -> Response:
    filters = {"actor": actor_filter.strip(), "entity": entity.strip(), "action": action}
    filters |= {"since": since, "until": until}
    return _audit_page(request, session, paging, filters)


@router.post("/audit/verify")
def verify_chain(request: Request, session: DbSession, actor: AuditReader) -> Response:
    """Walk the whole chain now; htmx swaps in the result, a plain form post gets the page."""
    report = audit.verify(session)
    if request.headers.get("hx-request"):
        return render(request, "web/audit_chain.html", {"chain": report})
    empty = {"actor": "", "entity": "", "action": "", "since": "", "until": ""}
    return _audit_page(request, session, ListParams(), empty, report)
