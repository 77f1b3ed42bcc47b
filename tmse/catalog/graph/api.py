"""JSON routes of the dependency graph: the checks run on it and the filtered view."""
# Included by tmse/catalog/api.py under /api/v1/catalog.

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Response

from tmse.catalog.graph import checks, overview
from tmse.catalog.graph.checks import GraphChecks
from tmse.catalog.graph.overview import GraphView
from tmse.catalog.models import Layer
from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.permissions import READ
from tmse.core.responses import json_response
from tmse.core.routing import Router

router = Router(tags=["catalog"])
Reader = Annotated[Actor, Depends(require(READ))]


@router.get("/checks/graph", response_model=GraphChecks)
def check_graph(session: DbSession, _: Reader) -> Response:
    """Cycles, layering violations (stored rules), orphans and single points of failure."""
    return json_response(checks.graph_checks(session), GraphChecks)


@router.get("/graph", response_model=GraphView)
def graph(
    session: DbSession,
    _: Reader,
    system: str | None = Query(None, max_length=200, description="System's name."),
    team: str | None = Query(None, max_length=200, description="Owning team's name."),
    layer: Layer | None = None,
) -> Response:
    """Nodes and edges for the dependency graph view, filtered, with layering verdicts."""
    return json_response(
        overview.graph_view(session, system=system, team=team, layer=layer), GraphView
    )
