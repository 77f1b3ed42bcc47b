"""The traceability page: coverage per level as a chart, the matrix (paged), filters, exports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.errors import InvalidInput
from tmse.core.input_types import parse_int32
from tmse.core.messages import N_
from tmse.core.messages import render as render_message
from tmse.core.pagination import MAX_LIMIT
from tmse.core.permissions import READ
from tmse.core.routing import Router
from tmse.requirements.baselines.labels import STATUS_LABELS as BASELINE_STATUS_LABELS
from tmse.requirements.baselines.queries import baseline_choices
from tmse.requirements.traceability import (
    export,
    matrix_rows,  # noqa: F401 - registers the template global
    queries,
)
from tmse.requirements.traceability.delivery import rows_delivery
from tmse.requirements.traceability.service import TraceMatrix, trace_matrix
from tmse.web.forms import translator
from tmse.web.page_context import filter_url
from tmse.web.templating import NavItem, register_nav, render, request_locale

router = Router(include_in_schema=False)
Reader = Annotated[Actor, Depends(require(READ))]
Translate = Callable[[str], str]

register_nav(
    NavItem("traceability", N_("Traceability"), "/traceability", READ, order=8, group="strategy")
)


def coverage_chart(view: TraceMatrix, _: Translate) -> dict[str, Any]:
    """Forward coverage % per level (bars, left axis), orphans and Suspect links (right axis)."""
    summary = view.matrix.summary
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 48, "right": 56, "top": 40, "bottom": 32},
        "xAxis": {"type": "category", "data": [_(level.label) for level in view.levels]},
        "yAxis": [
            {"type": "value", "name": _("Coverage %"), "min": 0, "max": 100},
            {
                "type": "value",
                "name": _("Items or links"),
                "minInterval": 1,
                "splitLine": {"show": False},
            },
        ],
        "series": [
            {
                "name": _("Coverage %"),
                "type": "bar",
                "barMaxWidth": 40,
                "data": [s.coverage for s in summary],
                "itemStyle": {"color": "#2fb344"},
                "label": {"show": True, "position": "top", "formatter": "{c}%"},
            },
            {
                "name": _("Orphans"),
                "type": "bar",
                "yAxisIndex": 1,
                "barMaxWidth": 40,
                "data": [s.orphans for s in summary],
                "itemStyle": {"color": "#f76707"},
            },
            {
                "name": _("Suspect links"),
                "type": "bar",
                "yAxisIndex": 1,
                "barMaxWidth": 40,
                "data": [s.suspect for s in summary],
                "itemStyle": {"color": "#f59f00"},
            },
        ],
    }


def _page_rows(
    session: Session, view: TraceMatrix, offset: int, limit: int
) -> list[dict[str, Any]]:
    rows = []
    page = view.matrix.page(offset, limit)
    for row, delivered in zip(page, rows_delivery(session, view, page), strict=True):
        cells = view.cells(row)
        first = next(index for index, cell in enumerate(cells) if cell is not None)
        for level, cell in zip(view.levels, cells, strict=True):
            if cell is not None and level.page:
                cell["url"] = level.page.format(id=cell["id"], label=quote(cell["label"]))
        rows.append(
            {
                "cells": cells,
                "orphan": first > 0,
                "starts_at": view.levels[first],
                "delivery": delivered,
            }
        )
    return rows


def _baseline_choices(session: Session, locale: str) -> list[tuple[int, str]]:
    """Each baseline's id and its name with its status, in the reader's language."""
    return [
        (
            baseline_id,
            f"{name} ({render_message(BASELINE_STATUS_LABELS.get(status, status), locale)})",
        )
        for baseline_id, name, status in baseline_choices(session)
    ]


@router.get("/traceability")
def traceability_page(
    request: Request,
    session: DbSession,
    _actor: Reader,
    goal: str = "",
    baseline: str = "",
    limit: int = Query(50, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
) -> Response:
    _ = translator(request)
    goal_id = parse_int32(goal)
    baseline_id = parse_int32(baseline)
    problems: list[str] = []
    try:
        view = trace_matrix(session, goal_id, baseline_id)
    except InvalidInput:
        problems = [_("That goal or baseline does not exist; the whole matrix is shown.")]
        goal_id = baseline_id = None
        view = trace_matrix(session)
    filters = {"goal": goal_id or "", "baseline": baseline_id or ""}
    query = urlencode({k: v for k, v in filters.items() if v})
    # The delivery columns the table shows, in an export of their own.
    with_delivery = urlencode({k: v for k, v in filters.items() if v} | {"delivery": "true"})
    matrix = view.matrix
    return render(
        request,
        "requirements/traceability/matrix.html",
        {
            "active": "traceability",
            "view": view,
            "levels": view.levels,
            "summary": list(zip(view.levels, matrix.summary, strict=True)),
            "coverage_chart": coverage_chart(view, _),
            "page": {
                "items": _page_rows(session, view, offset, limit),
                "total": matrix.total,
                "limit": limit,
                "offset": offset,
            },
            "empty": not any(s.count for s in matrix.summary),
            "filters": filters,
            "filtered": bool(query),
            "problems": problems,
            "goals": queries.goal_choices(session, view.levels[0]),
            "baselines": _baseline_choices(session, request_locale(request)),
            "base_url": filter_url("/traceability", **filters),
            "csv_url": "/api/v1/traceability/matrix.csv" + (f"?{query}" if query else ""),
            "xlsx_url": "/api/v1/traceability/matrix.xlsx" + (f"?{query}" if query else ""),
            "delivery_xlsx_url": f"/api/v1/traceability/matrix.xlsx?{with_delivery}",
            # The download names, also when the API answers from its cache (type header only)
            "csv_name": export.filename(view, "csv"),
            "xlsx_name": export.filename(view, "xlsx"),
        },
    )
