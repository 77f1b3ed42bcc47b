"""The data stores page: primaries with their read replicas beneath them."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response

from tmse.catalog.data_stores import queries
from tmse.catalog.list_pages import offered_sort, owner_names, page_values
from tmse.catalog.models import StoreKind
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


@router.get("/catalog/data-stores")
def data_stores_page(
    request: Request,
    session: DbSession,
    _actor: Reader,
    paging: Paging,
    q: str = "",
    team: str = "",
    kind: str = "",
) -> Response:
    """Primaries with their read replicas beneath them; replicas are not listed on their own."""
    filters = {"q": q.strip(), "team": team, "kind": kind if kind in set(StoreKind) else ""}
    listed = queries.primary_stores(session, offered_sort(paging, {"name", "engine"}), filters)
    return render(
        request,
        "catalog/data_stores.html",
        {
            "active": "catalog",
            "tab": "data-stores",
            "page": page_values(listed.items, listed.total, paging),
            "filters": filters,
            "filtered": any(filters.values()),
            "teams": owner_names(session),
            "kinds": list(StoreKind),
            "users": listed.users,
            "base_url": filter_url("/catalog/data-stores", **filters),
        },
    )
