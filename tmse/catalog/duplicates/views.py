"""The likely duplicates page: pairs above a chosen similarity, with the evidence."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response

from tmse.catalog.duplicates import queries
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


@router.get("/catalog/duplicates")
def duplicates_page(
    request: Request, session: DbSession, _actor: Reader, paging: Paging, threshold: str = ""
) -> Response:
    try:
        level = min(max(float(threshold), 0.0), 1.0) if threshold else 0.5
    except ValueError:
        level = 0.5
    pairs = queries.likely_duplicates(session, level)
    page = {
        "items": pairs[paging.offset : paging.offset + paging.limit],
        "total": len(pairs),
        "limit": paging.limit,
        "offset": paging.offset,
    }
    return render(
        request,
        "catalog/duplicates.html",
        {
            "active": "catalog",
            "tab": "duplicates",
            "page": page,
            "threshold": level,
            "thresholds": (0.3, 0.4, 0.5, 0.6, 0.7, 0.8),
            "base_url": filter_url("/catalog/duplicates", threshold=threshold),
        },
    )
