"""What the UI shows of the catalog: one service's neighbourhood, and the graph for ECharts."""
# Both read the whole catalog graph once (see catalog_graph) and judge edges by the stored rules.

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from tmse.catalog.graph import analysis as graph_analysis
from tmse.catalog.graph import cache as graph_cache
from tmse.catalog.graph.catalog_graph import CatalogGraph, Entity, store_key
from tmse.catalog.graph.checks import LayerViolationOut, violations_out
from tmse.catalog.graph.layers import LayerRules
from tmse.catalog.layer_rules.service import current_layer_rules
from tmse.catalog.models import Service
from tmse.catalog.schemas import ServiceOut
from tmse.catalog.service import get_service, service_out

MAX_GRAPH_NODES = 2000


class Neighbour(BaseModel):
    """One end of a dependency seen from the service: what, which kind, over what protocol."""

    name: str
    kind: str = Field(description="service, api or data-store.")
    protocol: str
    dependency_id: int
    via_api: str | None = Field(None, description="For a dependent: the API it consumes.")
    provider: str | None = Field(None, description="For a consumed API: its provider service.")
    violation: str | None = Field(None, description="Layering rule the edge breaks, if any.")


class ServiceDetail(BaseModel):
    service: ServiceOut
    owners: list[str] = Field(description="The owning team (a list, for multi-owner catalogs).")
    system: str | None
    depends_on: list[Neighbour] = Field(description="Its services, APIs and data stores.")
    dependents: list[Neighbour] = Field(description="Services depending on it directly.")
    apis_provided: list[str]
    apis_consumed: list[Neighbour]
    data_stores_used: list[Neighbour]
    blast_radius: int = Field(description="How many services depend on it, transitively.")
    layer_violations: list[LayerViolationOut]


class GraphNode(BaseModel):
    id: str = Field(description="'<kind>:<name>', unique across kinds.")
    name: str
    kind: str = Field(description="service, api or data-store.")
    layer: str | None
    owner: str | None
    system: str | None
    focus: bool = Field(description="False for a neighbour shown only because it is linked.")


class GraphEdge(BaseModel):
    source: str
    target: str
    kind: str = Field(description="depends-on, consumes, uses, provides or replica-of.")
    protocol: str | None
    violation: str | None = Field(description="Layering rule broken (upward, skips-layer, ...).")


class GraphView(BaseModel):
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    truncated: bool = Field(description="True when only the first MAX_GRAPH_NODES are shown.")


_EDGE_KINDS = {"service": "depends-on", "api": "consumes", "data-store": "uses"}


def service_detail(
    session: Session,
    name: str,
    service: Service | None = None,
    rules: LayerRules | None = None,
) -> ServiceDetail:
    """Owners, system, what it depends on and who depends on it (direct), APIs provided and
    consumed, data stores used, blast-radius size and the layering violations touching it
    (`service` and `rules`: the service and the current layer rules, when already read)."""
    service = service or get_service(session, name)
    out = service_out(session, [service])[0]
    catalog = graph_cache.catalog_graph(session, rules or current_layer_rules(session))
    provided = sorted(api.name for api in catalog.apis.values() if api.parent == name)
    depends_on: list[Neighbour] = []
    dependents: list[Neighbour] = []
    for edge in catalog.edges:
        if edge.source != name and edge.node != name:
            continue
        rule = catalog.edge_rule(edge.source, edge.node)
        if edge.source == name:
            parent = catalog.apis[edge.target].parent if edge.target_kind == "api" else None
            depends_on.append(
                Neighbour(
                    name=edge.target,
                    kind=edge.target_kind,
                    protocol=edge.protocol,
                    dependency_id=edge.id,
                    provider=parent,
                    violation=rule,
                )
            )
        else:
            via = edge.target if edge.target_kind == "api" else None
            dependents.append(
                Neighbour(
                    name=edge.source,
                    kind="service",
                    protocol=edge.protocol,
                    dependency_id=edge.id,
                    via_api=via,
                    violation=rule,
                )
            )
    violations = [
        v
        for v in violations_out(catalog)
        if v.source == name or (v.target == name and v.target_kind == "service")
    ]
    return ServiceDetail(
        service=out,
        owners=[out.owner],
        system=out.system,
        depends_on=sorted(depends_on, key=lambda n: (n.kind, n.name)),
        dependents=sorted(dependents, key=lambda n: (n.name, n.via_api or "")),
        apis_provided=provided,
        apis_consumed=sorted((n for n in depends_on if n.kind == "api"), key=lambda n: n.name),
        data_stores_used=sorted(
            (n for n in depends_on if n.kind == "data-store"), key=lambda n: n.name
        ),
        blast_radius=sum(
            1
            for node in graph_analysis.blast_radius(catalog.graph, name)
            if node in catalog.services
        ),
        layer_violations=violations,
    )


def _node_id(kind: str, name: str) -> str:
    return f"{kind}:{name}"


# (source node id, target node id, edge kind, protocol, graph source, graph target) — plain
# tuples, so that only the edges shown become response objects.
_EdgeRow = tuple[str, str, str, str | None, str | None, str | None]


def _all_edges(catalog: CatalogGraph) -> list[_EdgeRow]:
    edges: list[_EdgeRow] = [
        (
            _node_id("service", edge.source),
            _node_id(edge.target_kind, edge.target),
            _EDGE_KINDS[edge.target_kind],
            edge.protocol,
            edge.source,
            edge.node,
        )
        for edge in catalog.edges
    ]
    edges += [
        (_node_id("service", api.parent), _node_id("api", api.name), "provides", None, None, None)
        for api in catalog.apis.values()
        if api.parent
    ]
    edges += [
        (
            _node_id("data-store", store.name),
            _node_id("data-store", store.parent),
            "replica-of",
            None,
            store_key(store.name),
            store_key(store.parent),
        )
        for store in catalog.data_stores.values()
        if store.parent
    ]
    return edges


def graph_view(
    session: Session,
    system: str | None = None,
    team: str | None = None,
    layer: str | None = None,
    max_nodes: int = MAX_GRAPH_NODES,
) -> GraphView:
    """Nodes and edges for an ECharts graph: with filters, what matches them all (focus) plus
    their direct neighbours (focus false), and the edges between the nodes shown."""
    catalog = graph_cache.catalog_graph(session, current_layer_rules(session))
    entities: dict[str, Entity] = {}
    for group in (catalog.services, catalog.apis, catalog.data_stores):
        for entity in group.values():
            entities[_node_id(entity.kind, entity.name)] = entity

    def matches(entity: Entity) -> bool:
        return (
            (system is None or entity.system == system)
            and (team is None or entity.owner == team)
            and (layer is None or entity.layer == layer)
        )

    edges = _all_edges(catalog)
    focus = {node_id for node_id, entity in entities.items() if matches(entity)}
    shown = set(focus)
    if system is not None or team is not None or layer is not None:
        for edge in edges:
            if edge[0] in focus or edge[1] in focus:
                shown.update(edge[:2])
    ordered = sorted(shown, key=lambda node_id: (node_id not in focus, node_id))
    truncated = len(ordered) > max_nodes
    kept = set(ordered[:max_nodes])
    return GraphView(
        nodes=[
            GraphNode(
                id=node_id,
                name=e.name,
                kind=e.kind,
                layer=e.layer,
                owner=e.owner,
                system=e.system,
                focus=node_id in focus,
            )
            for node_id in ordered[:max_nodes]
            for e in (entities[node_id],)
        ],
        edges=[
            GraphEdge(
                source=source,
                target=target,
                kind=kind,
                protocol=protocol,
                violation=catalog.edge_rule(graph_source, graph_target)
                if graph_source is not None
                else None,
            )
            for source, target, kind, protocol, graph_source, graph_target in edges
            if source in kept and target in kept
        ],
        truncated=truncated,
    )
