"""DORA pages: the organisation's dashboard with its scope pickers and trends, and the
deployments, changes and incidents behind each figure."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import Response

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.errors import InvalidInput
from tmse.core.pagination import ListParams, list_params
from tmse.core.permissions import READ
from tmse.core.routing import Router
from tmse.devops.dora import drilldown, pages, report, trend
from tmse.devops.dora.pages import BENCHMARKS, BUCKETS, PageQuery
from tmse.devops.dora.schemas import DoraOut
from tmse.web.forms import translator
from tmse.web.labels import N_
from tmse.web.templating import NavItem, register_nav, render, request_locale

router = Router(include_in_schema=False)
Reader = Annotated[Actor, Depends(require(READ))]
Paging = Annotated[ListParams, Depends(list_params)]
Service = Annotated[str, Query(max_length=200)]

register_nav(NavItem("dora", N_("DORA metrics"), "/devops/dora", READ, order=60, group="devops"))


def _query(
    request: Request,
    session: DbSession,
    service: Service = "",
    team: Service = "",
    start: Annotated[str, Query(alias="from", max_length=40)] = "",
    end: Annotated[str, Query(alias="to", max_length=40)] = "",
) -> PageQuery:
    return pages.read_query(session, translator(request), service, team, start, end)


Asked = Annotated[PageQuery, Depends(_query)]


def _shared(request: Request, session: DbSession, asked: PageQuery) -> dict[str, Any]:
    _ = translator(request)
    return {
        "active": "dora",
        "asked": asked,
        "options": pages.choices(session),
        "duration": lambda minutes: pages.duration(minutes, _),
    }


@router.get("/devops/dora")
def dora_page(
    request: Request,
    session: DbSession,
    actor: Reader,
    asked: Asked,
    benchmark: str = Query("2024", max_length=10),
    bucket: str = Query("week", max_length=10),
) -> Response:
    _ = translator(request)
    benchmark = benchmark if benchmark in BENCHMARKS else "2024"
    bucket = bucket if bucket in BUCKETS else "week"
    context = _shared(request, session, asked) | {"benchmark": benchmark, "bucket": bucket}
    query = asked.query
    if query is not None:
        figures = report.dora_report(
            session,
            query.scope,
            query.definitions,
            benchmark,
            request_locale(request),
            query.service,
            query.team,
        )
        points = trend.trend(session, query, "week" if bucket == "week" else "month")
        context |= {
            "report": figures,
            "tiles": pages.tiles(figures, _),
            "charts": pages.trend_charts(points, _),
            "any_data": _any_data(figures),
        }
    return render(request, "devops/dora_dashboard.html", context)


def _any_data(figures: DoraOut) -> bool:
    """Whether the scope had a production deployment or an incident in the range."""
    restore = figures.time_to_restore
    return bool(
        figures.change_failure_rate.deployments or restore.sample_size or restore.open_incidents
    )


def _paged(
    session: DbSession, fetch: Any, paging: ListParams, *args: Any
) -> tuple[list[Any], int, ListParams]:
    """A page of rows; a sort field from a hand-edited URL falls back to the default order."""
    try:
        rows, total = fetch(session, *args, paging)
    except InvalidInput:
        paging = paging.model_copy(update={"sort": None})
        rows, total = fetch(session, *args, paging)
    return rows, total, paging


def _page(rows: list[Any], total: int, paging: ListParams) -> dict[str, Any]:
    return {"items": rows, "total": total, "limit": paging.limit, "offset": paging.offset}


def _flag(value: str) -> bool | None:
    return {"true": True, "false": False}.get(value)


@router.get("/devops/dora/deployments")
def deployments_page(
    request: Request,
    session: DbSession,
    actor: Reader,
    asked: Asked,
    paging: Paging,
    failed: str = Query("", max_length=10),
) -> Response:
    context = _shared(request, session, asked) | {
        "failed": failed if _flag(failed) is not None else ""
    }
    if asked.query is not None:

        def fetch(session: DbSession, query: Any, params: ListParams) -> Any:
            return drilldown.deployments(session, query, params, _flag(failed))

        rows, total, paging = _paged(session, fetch, paging, asked.query)
        context |= {
            "page": _page(rows, total, paging),
            "base_url": asked.url("/devops/dora/deployments", failed=context["failed"]),
        }
    return render(request, "devops/dora_deployments.html", context)


@router.get("/devops/dora/changes")
def changes_page(
    request: Request, session: DbSession, actor: Reader, asked: Asked, paging: Paging
) -> Response:
    context = _shared(request, session, asked)
    if asked.query is not None:
        rows, total, paging = _paged(session, drilldown.changes, paging, asked.query)
        context |= {
            "page": _page(rows, total, paging),
            "sort": paging.sort or "-lead_time",
            "base_url": asked.url("/devops/dora/changes", sort=paging.sort),
            "sort_url": asked.url("/devops/dora/changes", limit=paging.limit),
        }
    return render(request, "devops/dora_changes.html", context)


@router.get("/devops/dora/incidents")
def incidents_page(
    request: Request,
    session: DbSession,
    actor: Reader,
    asked: Asked,
    paging: Paging,
    linked: str = Query("", max_length=10),
) -> Response:
    context = _shared(request, session, asked) | {
        "linked": linked if _flag(linked) is not None else ""
    }
    if asked.query is not None:

        def fetch(session: DbSession, query: Any, params: ListParams) -> Any:
            return drilldown.incidents(session, query, params, _flag(linked))

        rows, total, paging = _paged(session, fetch, paging, asked.query)
        context |= {
            "page": _page(rows, total, paging),
            "base_url": asked.url("/devops/dora/incidents", linked=context["linked"]),
        }
    return render(request, "devops/dora_incidents.html", context)
