"""Standards pages: the registry, one standard (text, rules with results, history, diff), and
the rule results across services."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlalchemy import select

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.errors import NotFound
from tmse.core.input_types import parse_int32
from tmse.core.messages import render as render_message
from tmse.core.pagination import ListParams, list_params
from tmse.core.permissions import READ
from tmse.core.routing import Router
from tmse.standards.registry import forms, queries, service
from tmse.standards.registry.labels import CATEGORY_LABELS, LEVEL_LABELS, SEVERITY_LABELS, shipped
from tmse.standards.registry.markdown_text import render_markdown
from tmse.standards.registry.models import Category, Standard
from tmse.web.forms import not_found_page
from tmse.web.labels import N_
from tmse.web.page_context import filter_url, saved_flash
from tmse.web.templating import NavItem, register_nav, render, request_locale

router = Router(include_in_schema=False)
router.include_router(forms.router)
Reader = Annotated[Actor, Depends(require())]
Paging = Annotated[ListParams, Depends(list_params)]
NOT_FOUND = N_("This standard does not exist.")
FAILING_SHOWN = 8

register_nav(
    NavItem("standards", N_("Standards"), "/standards", READ, order=45, group="architecture")
)


def _labels() -> dict[str, Any]:
    return {
        "category_labels": CATEGORY_LABELS,
        "level_labels": LEVEL_LABELS,
        "severity_labels": SEVERITY_LABELS,
        "shipped": shipped,
    }


@router.get("/standards")
def standards_page(
    request: Request,
    session: DbSession,
    actor: Reader,
    paging: Paging,
    q: str = "",
    category: str = "",
    retired: str = "",
    saved: str = "",
) -> Response:
    filters = {
        "q": q.strip(),
        "category": category if category in set(Category) else "",
        "retired": retired if retired in ("yes", "all") else "",
    }
    rows, total = service.list_standards(
        session,
        ListParams(limit=paging.limit, offset=paging.offset, sort="name"),
        q=filters["q"] or None,
        category=filters["category"] or None,
        retired={"": False, "yes": True, "all": None}[filters["retired"]],
    )
    tallies = queries.standard_tallies(session) if rows else {}
    any_standard = bool(rows) or session.scalar(select(Standard.id).limit(1)) is not None
    return render(
        request,
        "standards/standards.html",
        {
            "active": "standards",
            "page": {
                "items": service.standard_out(session, rows),
                "total": total,
                "limit": paging.limit,
                "offset": paging.offset,
            },
            "tallies": tallies,
            "filters": filters,
            "filtered": any(filters.values()),
            "any_standard": any_standard,
            "categories": list(Category),
            "base_url": filter_url("/standards", **filters),
            "allowed": service.allowed_actions(actor),
            "flashes": saved_flash(request, saved),
            **_labels(),
        },
    )


@router.get("/standards/results")
def results_page(
    request: Request,
    session: DbSession,
    _: Reader,
    paging: Paging,
    service_name: str = "",
    standard: str = "",
    outcome: str = "failed",
    severity: str = "",
    level: str = "",
) -> Response:
    filters = {
        "service_name": service_name.strip(),
        "standard": standard.strip(),
        "outcome": outcome if outcome in ("failed", "passed", "all") else "failed",
        "severity": severity if severity in SEVERITY_LABELS else "",
        "level": level.strip(),
    }
    rows, total = queries.filtered_results_page(
        session,
        paging.offset,
        paging.limit,
        service=filters["service_name"] or None,
        standard=filters["standard"] or None,
        passed={"failed": False, "passed": True, "all": None}[filters["outcome"]],
        severity=filters["severity"] or None,
        level=filters["level"] or None,
        locale=request_locale(request),
    )
    standards = session.execute(
        select(Standard.key, Standard.name)
        .where(Standard.retired.is_(False))
        .order_by(Standard.name)
    ).all()
    return render(
        request,
        "standards/rule_results.html",
        {
            "active": "standards",
            "page": {
                "items": rows,
                "total": total,
                "limit": paging.limit,
                "offset": paging.offset,
            },
            "filters": filters,
            "filtered": filters["outcome"] != "failed"
            or any(filters[f] for f in ("service_name", "standard", "severity", "level")),
            "standards": standards,
            "levels": service.level_keys(session),
            "base_url": filter_url("/standards/results", **filters),
            **_labels(),
        },
    )


@router.get("/standards/{key}")
def standard_page(
    request: Request,
    session: DbSession,
    actor: Reader,
    key: str,
    version: str = "",
    saved: str = "",
) -> Response:
    number = parse_int32(version)
    return _standard_page(request, session, actor, key, number, saved)


def _diff_numbers(request: Request) -> tuple[int, int] | None:
    first, second = request.query_params.get("from", ""), request.query_params.get("to", "")
    older, newer = parse_int32(first), parse_int32(second)
    return (older, newer) if older is not None and newer is not None else None


def _standard_page(
    request: Request, session: Any, actor: Actor, key: str, number: int | None, saved: str
) -> Response:
    try:
        detail = service.standard_detail(session, key)
        versions = service.list_versions(session, key)
        shown = (
            service.version_out(service.get_version(session, key, number))
            if number is not None
            else detail.current
        )
    except NotFound:
        return not_found_page(request, NOT_FOUND)
    diff = None
    numbers = _diff_numbers(request)
    if numbers is None and len(versions) >= 2:
        numbers = (versions[1].number, versions[0].number)
    if numbers is not None:
        try:
            diff = service.diff_versions(session, key, *numbers)
        except NotFound:
            diff = None
    in_force = shown is not None and shown.number == detail.current_version and not detail.retired
    tally = queries.standard_tallies(session).get(key) if in_force else None
    return render(
        request,
        "standards/standard.html",
        {
            "active": "standards",
            "standard": detail,
            "shown": shown,
            "in_force": in_force,
            "body_html": render_markdown(
                render_message(shipped(shown.body), request_locale(request))
            )
            if shown
            else "",
            "versions": [service.version_out(v) for v in versions],
            "diff": diff,
            "diff_numbers": numbers,
            "tally": tally,
            "failing_shown": FAILING_SHOWN,
            "allowed": service.allowed_actions(actor, detail),
            "flashes": saved_flash(request, saved),
            **_labels(),
        },
    )
