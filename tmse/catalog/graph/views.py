"""Catalog pages over the whole graph: the interactive dependency graph and the duplicates."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response

from tmse.catalog import queries
from tmse.catalog.graph.layers import DEFAULT_LAYERS
from tmse.catalog.labels import LAYER_COLOURS, LAYER_LABELS
from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.pagination import ListParams, list_params
from tmse.core.permissions import READ
from tmse.core.routing import Router
from tmse.web.forms import translator
from tmse.web.labels import N_
from tmse.web.templating import render

router = Router(include_in_schema=False)
Reader = Annotated[Actor, Depends(require(READ))]
Paging = Annotated[ListParams, Depends(list_params)]
SIDE_LIST = 50  # cycles and violations listed beside the graph before "and N more"
# The shape says what a node is; the colour says its layer.
KIND_SYMBOLS = {"service": "circle", "api": "diamond", "data-store": "rect"}
VIOLATION_COLOUR = "#d63939"
CYCLE_COLOUR = "#f76707"
NO_LAYER_COLOUR = "#adb5bd"


def _graph_option(data: dict[str, Any], translate: Any) -> dict[str, Any]:
    """The ECharts option: one category per layer (colour and legend), nodes started in layer
    bands, violating edges red, edges on a cycle orange, neighbours outside the filter pale."""
    view = data["view"]
    layers = list(DEFAULT_LAYERS)
    degree: dict[str, int] = {}
    for edge in view.edges:
        for end in (edge.source, edge.target):
            degree[end] = degree.get(end, 0) + 1
    per_band: dict[int, int] = {}
    nodes = []
    for node in view.nodes:
        band = layers.index(node.layer) if node.layer in layers else len(layers)
        column = per_band.get(band, 0)
        per_band[band] = column + 1
        item: dict[str, Any] = {
            "id": node.id,
            "name": node.name,
            "category": band,
            "symbol": KIND_SYMBOLS.get(node.kind, "circle"),
            "symbolSize": min(10 + 1.5 * degree.get(node.id, 0), 30),
            "x": column * 60 + (band % 2) * 30,
            "y": band * 150,
            "tmse": {
                "kind": node.kind,
                "owner": node.owner,
                "system": node.system,
                "layer": translate(LAYER_LABELS.get(node.layer or "", N_("No layer"))),
            },
        }
        if not node.focus:
            item["itemStyle"] = {"opacity": 0.35}
        nodes.append(item)
    links = []
    for edge in view.edges:
        on_cycle = (edge.source, edge.target) in data["on_cycle"]
        link: dict[str, Any] = {
            "source": edge.source,
            "target": edge.target,
            "tmse": {"rule": edge.violation, "cycle": on_cycle, "protocol": edge.protocol},
        }
        if edge.violation:
            link["lineStyle"] = {"color": VIOLATION_COLOUR, "width": 2.5, "opacity": 1}
        elif on_cycle:
            link["lineStyle"] = {"color": CYCLE_COLOUR, "width": 2.5, "opacity": 1}
        elif edge.kind in ("provides", "replica-of"):
            link["lineStyle"] = {"type": "dashed"}
        links.append(link)
    many = len(nodes) > 120
    categories = [
        {"name": translate(LAYER_LABELS[layer]), "itemStyle": {"color": LAYER_COLOURS[layer]}}
        for layer in layers
    ] + [{"name": translate(N_("No layer")), "itemStyle": {"color": NO_LAYER_COLOUR}}]
    return {
        "legend": [{"data": [c["name"] for c in categories], "top": 0}],
        "animationDuration": 300,
        "series": [
            {
                "type": "graph",
                "layout": "force",
                "roam": True,
                "draggable": True,
                "categories": categories,
                "data": nodes,
                "links": links,
                "edgeSymbol": ["none", "arrow"],
                "edgeSymbolSize": 7,
                "label": {"show": not many, "position": "right", "fontSize": 11},
                "labelLayout": {"hideOverlap": True},
                "emphasis": {"focus": "adjacency", "label": {"show": True}},
                "lineStyle": {"color": "#9aa0ac", "opacity": 0.6, "curveness": 0.08},
                # Laid out in one go before the first paint: no drifting animation to wait for.
                "force": {
                    "repulsion": 300 if many else 900,
                    "edgeLength": [60, 160],
                    "gravity": 0.05,
                    "friction": 0.3,
                    "layoutAnimation": False,
                },
            }
        ],
    }


@router.get("/catalog/graph")
def graph_page(
    request: Request,
    session: DbSession,
    _actor: Reader,
    team: str = "",
    system: str = "",
    layer: str = "",
) -> Response:
    filters = {"team": team, "system": system, "layer": layer if layer in DEFAULT_LAYERS else ""}
    data = queries.graph_page_data(session, **filters, limit=queries.GRAPH_NODE_LIMIT)
    translate = translator(request)
    return render(
        request,
        "catalog/graph.html",
        {
            "active": "catalog",
            "tab": "graph",
            "filters": filters,
            "filtered": any(filters.values()),
            "choices": queries.filter_choices(session),
            "layers": DEFAULT_LAYERS,
            "graph": data,
            "option": (
                _graph_option(data, translate)
                if data["view"].nodes and not data["too_many"]
                else None
            ),
            "limit": queries.GRAPH_NODE_LIMIT,
            "cycles": data["cycles"][:SIDE_LIST],
            "violations": data["violations"][:SIDE_LIST],
            "side_list": SIDE_LIST,
        },
    )
