"""Scorecard pages: the list with the level distribution, one service's scorecard with its
trend, the heat map, the service-page panel, and the snapshot button."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.catalog.queries import Layer, filter_choices
from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.errors import NotFound, Problem
from tmse.core.messages import render as render_message
from tmse.core.pagination import ListParams, list_params
from tmse.core.permissions import READ, STANDARDS_WRITE
from tmse.core.routing import Router
from tmse.standards.registry.models import Standard
from tmse.standards.registry.shipped_standards import shipped
from tmse.standards.scorecards import charts, service
from tmse.standards.scorecards.campaigns import views as campaign_pages
from tmse.standards.scorecards.detail import scorecard_detail
from tmse.standards.scorecards.labels import (
    HEAT_MAP_ROW_LABELS,
    LEVEL_NONE,
    SEVERITY_LABELS,
    layer_label,
    level_names,
    level_palette,
)
from tmse.standards.scorecards.levels import views as level_pages
from tmse.standards.scorecards.levels.service import level_defs
from tmse.web.forms import not_found_page, translator
from tmse.web.labels import N_
from tmse.web.page_context import filter_url
from tmse.web.templating import NavItem, register_nav, render, request_locale

router = Router(include_in_schema=False)
Reader = Annotated[Actor, Depends(require())]
Writer = Annotated[Actor, Depends(require(STANDARDS_WRITE))]
Paging = Annotated[ListParams, Depends(list_params)]
SERVICE_NOT_FOUND = N_("This service does not exist.")
TREND_DAYS = 90

register_nav(
    NavItem("scorecards", N_("Scorecards"), "/scorecards", READ, order=46, group="architecture")
)


def standard_names(session: Session, locale: str) -> dict[str, str]:
    """Standard key → name in `locale` (the shipped names translated, others as written)."""
    rows = session.execute(select(Standard.key, Standard.name)).all()
    return {key: render_message(shipped(name), locale) for key, name in rows}


def _filter_options(session: Session) -> dict[str, Any]:
    return {**filter_choices(session), "layers": [layer.value for layer in Layer]}


@router.get("/scorecards")
def scorecards_page(
    request: Request,
    session: DbSession,
    actor: Reader,
    paging: Paging,
    team: str = "",
    system: str = "",
    layer: str = "",
    level: str = "",
    standard: str = "",
    saved: str = "",
) -> Response:
    _ = translator(request)
    filters = {"team": team, "system": system, "layer": layer, "level": level}
    filters = {k: v.strip() for k, v in filters.items()}
    if filters["layer"] not in {lv.value for lv in Layer}:
        filters["layer"] = ""
    try:
        rows, total = service.list_scorecards(
            session, paging, **{k: v or None for k, v in filters.items()}
        )
    except Problem:  # an unknown sort field from a hand-edited URL: the default order
        paging = paging.model_copy(update={"sort": None})
        rows, total = service.list_scorecards(
            session, paging, **{k: v or None for k, v in filters.items()}
        )
    defs = level_defs(session)
    palette = level_palette(defs)
    counts = service.level_distribution(
        session, filters["team"] or None, filters["system"] or None, filters["layer"] or None
    )
    bars = [(lv.name, counts.get(lv.key, 0), palette[lv.key]) for lv in defs]
    bars.insert(0, (_(LEVEL_NONE), counts.get(None, 0), charts.GREY))
    names = standard_names(session, request_locale(request))
    flashes = []
    if saved:
        flashes.append(
            {"kind": "success", "text": _("Today's scores were taken for every service.")}
        )
    return render(
        request,
        "standards/scorecards.html",
        {
            "active": "scorecards",
            "page": {"items": rows, "total": total, "limit": paging.limit, "offset": paging.offset},
            "filters": filters,
            "standard": standard if standard in names else "",
            "standard_names": names,
            "filtered": any(filters.values()),
            "options": _filter_options(session),
            "levels": defs,
            "palette": palette,
            "level_names": level_names(defs, request_locale(request)),
            "latest": service.latest_day(session),
            "distribution": charts.level_distribution(bars, _("Services")) if counts else None,
            "sort": paging.sort or "service",
            "base_url": filter_url("/scorecards", **filters, standard=standard, sort=paging.sort),
            "sort_url": filter_url("/scorecards", **filters, standard=standard, limit=paging.limit),
            "allowed": service.allowed_actions(actor),
            "flashes": flashes,
        },
    )


@router.post("/scorecards/snapshots")
def take_snapshots(request: Request, session: DbSession, actor: Writer) -> Response:
    service.take_snapshots(session, actor)
    return RedirectResponse("/scorecards?saved=1", status_code=303)


@router.get("/scorecards/heatmap")
def heat_map_page(
    request: Request, session: DbSession, actor: Reader, by: str = "team"
) -> Response:
    _ = translator(request)
    by = by if by in service.HEAT_MAP_ROWS else "team"
    day, grid = service.organisation_heat_map(session, by)
    names = standard_names(session, request_locale(request))
    row_names = {row: _(layer_label(row)) for row in grid.rows} if by == "layer" else {}
    return render(
        request,
        "standards/heatmap.html",
        {
            "active": "scorecards",
            "by": by,
            "row_label": HEAT_MAP_ROW_LABELS[by],
            "latest": day,
            "grid": grid,
            "standard_names": names,
            "heat_chart": charts.heat_map(grid, names, _("Pass rate"), row_names)
            if grid.cells
            else None,
            "height": max(240, 34 * len(grid.rows) + 130),
        },
    )


for _pages in (campaign_pages, level_pages):
    router.include_router(_pages.router)


def _trend_points(session: Session, service_id: int) -> list[Any]:
    return [(s.taken_on, s.score, s.level) for s in service.trend(session, service_id, TREND_DAYS)]


@router.get("/scorecards/{name}/panel")
def scorecard_panel(request: Request, session: DbSession, actor: Reader, name: str) -> Response:
    """The service page's scorecard card, loaded by htmx."""
    try:
        card = scorecard_detail(session, name, request_locale(request))
    except NotFound:
        return not_found_page(request, SERVICE_NOT_FOUND)
    defs = level_defs(session)
    return render(
        request,
        "standards/scorecard_panel.html",
        {
            "card": card,
            "levels": defs,
            "palette": level_palette(defs),
            "level_names": level_names(defs, request_locale(request)),
            "severity_labels": SEVERITY_LABELS,
        },
    )


@router.get("/scorecards/{name}")
def scorecard_page(request: Request, session: DbSession, actor: Reader, name: str) -> Response:
    _ = translator(request)
    try:
        card = scorecard_detail(session, name, request_locale(request))
    except NotFound:
        return not_found_page(request, SERVICE_NOT_FOUND)
    found, _owner = service.service_named(session, name)
    points = _trend_points(session, found.id)
    defs = level_defs(session)
    return render(
        request,
        "standards/scorecard.html",
        {
            "active": "scorecards",
            "card": card,
            "levels": defs,
            "palette": level_palette(defs),
            "level_names": level_names(defs, request_locale(request)),
            "standard_names": standard_names(session, request_locale(request)),
            "severity_labels": SEVERITY_LABELS,
            "trend": charts.score_trend(points, _("Score (0–100)")) if points else None,
            "trend_days": TREND_DAYS,
        },
    )
