"""The systems page: each system with its owner, domain and service count."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response

from tmse.catalog.list_pages import offered_sort, owner_names, page_values
from tmse.catalog.systems import queries
from tmse.catalog.systems import service as entities
from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.pagination import ListParams, list_params
from tmse.core.permissions import READ
from tmse.core.routing import Router
from tmse.web.page_context import filter_url
from tmse.web.templating import render

router = Router(include_in_schema=False)
Reader = Annotated[Actor, Depends(require(READ))]
Paging = Annotated[ListParams, Depends(list_params)]


@router.get("/catalog/systems")
def systems_page(
    request: Request,
    session: DbSession,
    _actor: Reader,
    paging: Paging,
    q: str = "",
    team: str = "",
) -> Response:
    filters = {"q": q.strip(), "team": team}
    rows, total = entities.list_systems(
        session, offered_sort(paging, {"name"}), q=filters["q"] or None, owner=team or None
    )
    counts = queries.service_counts(session, [r.id for r in rows])
    items = [
        {"system": out, "services": counts.get(row.id, 0)}
        for row, out in zip(rows, entities.system_out(session, rows), strict=True)
    ]
    return render(
        request,
        "catalog/systems.html",
        {
            "active": "catalog",
            "tab": "systems",
            "page": page_values(items, total, paging),
            "filters": filters,
            "filtered": any(filters.values()),
            "teams": owner_names(session),
            "base_url": filter_url("/catalog/systems", **filters),
        },
    )
