"""API pages: the list, and one API with its definition and design-rule conformance."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response

from tmse.catalog.apis import service as apis
from tmse.catalog.list_pages import dependants, offered_sort, owner_names, page_values
from tmse.catalog.models import ApiType, Dependency
from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.errors import InvalidInput, NotFound
from tmse.core.messages import Message
from tmse.core.pagination import ListParams, list_params
from tmse.core.permissions import READ
from tmse.core.routing import Router
from tmse.web.forms import not_found_page
from tmse.web.labels import N_
from tmse.web.page_context import filter_url
from tmse.web.templating import render

router = Router(include_in_schema=False)
Reader = Annotated[Actor, Depends(require(READ))]
Paging = Annotated[ListParams, Depends(list_params)]


@router.get("/catalog/apis")
def apis_page(
    request: Request,
    session: DbSession,
    _actor: Reader,
    paging: Paging,
    q: str = "",
    team: str = "",
    type: str = "",
) -> Response:
    filters = {"q": q.strip(), "team": team, "type": type if type in set(ApiType) else ""}
    rows, total = apis.list_apis(
        session,
        offered_sort(paging, {"name", "type"}),
        q=filters["q"] or None,
        owner=team or None,
        type=filters["type"] or None,
    )
    consumers = dependants(session, Dependency.target_api_id, [r.id for r in rows])
    items = [
        {"api": out, "consumers": consumers.get(row.id, 0)}
        for row, out in zip(rows, apis.api_out(session, rows), strict=True)
    ]
    return render(
        request,
        "catalog/apis.html",
        {
            "active": "catalog",
            "tab": "apis",
            "page": page_values(items, total, paging),
            "filters": filters,
            "filtered": any(filters.values()),
            "teams": owner_names(session),
            "types": list(ApiType),
            "base_url": filter_url("/catalog/apis", **filters),
        },
    )


@router.get("/catalog/apis/{name}")
def api_page(request: Request, session: DbSession, _actor: Reader, name: str) -> Response:
    try:
        row = apis.get_api(session, name)
    except NotFound:
        return not_found_page(request, N_("This API does not exist."))
    conformance = None
    conformance_error = None
    if row.type == ApiType.OPENAPI and row.definition.strip():
        try:
            conformance = apis.api_conformance(session, name)
        except InvalidInput as exc:
            first = (exc.extra.get("errors") or [{}])[0]
            conformance_error = {
                "line": first.get("line"),
                "finding": Message.from_json(first.get("finding_message") or exc.detail),
            }
    return render(
        request,
        "catalog/api.html",
        {
            "active": "catalog",
            "tab": "apis",
            "api": apis.api_detail(session, row),
            "conformance": conformance,
            "conformance_error": conformance_error,
        },
    )
