"""JSON route of the duplicate check."""
# Included by tmse/catalog/api.py under /api/v1/catalog.

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query, Response

from tmse.catalog.duplicates import queries
from tmse.catalog.duplicates.schemas import DuplicatePairOut
from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.permissions import READ
from tmse.core.responses import json_response
from tmse.core.routing import Router

router = Router(tags=["catalog"])
Reader = Annotated[Actor, Depends(require(READ))]


@router.get("/checks/duplicates", response_model=list[DuplicatePairOut])
def check_duplicates(
    session: DbSession,
    _: Reader,
    threshold: float = Query(0.5, ge=0, le=1, description="Lowest score reported."),
    kind: Literal["service", "api"] | None = Query(None, description="Only services or APIs."),
) -> Response:
    """Services and APIs that likely do the same job, ranked, with the matching evidence."""
    return json_response(
        queries.likely_duplicates(session, threshold, kind), list[DuplicatePairOut]
    )
