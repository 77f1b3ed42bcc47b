"""The whole catalog as one dependency graph, loaded from the database for the checks."""
# Nodes are services (named as they are) and data stores (named `data-store:<name>`, in layer
# `data`; catalog names cannot hold a colon, so the two never clash). Edges: a service's
# dependencies on services and data stores; consuming an API counts as depending on the API's
# provider; a read replica depends on its primary, so whatever hits the primary hits it too.

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.catalog.graph import analysis as graph_analysis
from tmse.catalog.graph.layers import LayerRules, edge_violation
from tmse.catalog.models import Api, DataStore, Dependency, Service, System
from tmse.core.identity.models import Team

STORE_PREFIX = "data-store:"
STORE_LAYER = "data"


def store_key(name: str) -> str:
    """The graph node name of a data store."""
    return STORE_PREFIX + name


def node_label(key: str) -> str:
    """Words for a node in messages: a service's name, or 'data store <name>'."""
    return f"data store {key[len(STORE_PREFIX) :]}" if key.startswith(STORE_PREFIX) else key


def split_key(key: str) -> tuple[str, str]:
    """A node name as (kind, catalog name): ("service", "orders") or ("data-store", "db")."""
    if key.startswith(STORE_PREFIX):
        return "data-store", key[len(STORE_PREFIX) :]
    return "service", key


class Entity(NamedTuple):
    """A service, API or data store as the graph views see it."""

    name: str
    kind: str  # "service", "api" or "data-store"
    layer: str | None
    owner: str | None
    system: str | None
    # The API's provider service, or the replica's primary data store.
    parent: str | None = None


class CatalogEdge(NamedTuple):
    """A stored dependency: source service → target (service, API or data store) by name."""

    id: int
    source: str
    target: str
    target_kind: str
    protocol: str
    # The node the edge reaches in `graph` (provider for an API); None for a provider-less API.
    node: str | None


@dataclass
class CatalogGraph:
    graph: graph_analysis.Graph
    services: dict[str, Entity]
    apis: dict[str, Entity]
    data_stores: dict[str, Entity]
    edges: list[CatalogEdge]
    rules: LayerRules = field(default_factory=LayerRules)
    # Few layer pairs, many edges: each pair is judged once.
    _verdicts: dict[tuple[str, str], str | None] = field(default_factory=dict)

    def layer_of(self, key: str) -> str | None:
        return self.graph.nodes[key].layer

    def edge_rule(self, source: str, node: str | None) -> str | None:
        """The layering rule the edge source → node breaks, or None."""
        if node is None:
            return None
        source_layer, target_layer = self.layer_of(source), self.layer_of(node)
        if source_layer is None or target_layer is None:
            return None
        key = (source_layer, target_layer)
        if key not in self._verdicts:
            verdict = edge_violation(self.rules, source_layer, target_layer)
            self._verdicts[key] = verdict[0] if verdict else None
        return self._verdicts[key]


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while many small acyclic objects are made."""
    # Building ~10^5 small objects that all stay alive sets off the cyclic collector again and
    # again for nothing (none of them form cycles); pausing it roughly halves the load time.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_catalog_graph(session: Session, rules: LayerRules | None = None) -> CatalogGraph:
    """Services, APIs, data stores and dependencies in six queries, as a CatalogGraph."""
    with collector_paused():
        return _load(session, rules)


def _load(session: Session, rules: LayerRules | None) -> CatalogGraph:
    # Plain Core rows through the session's connection: the ORM result layer would cost a
    # quarter of the load on a large catalog, and nothing here needs mapped objects.
    connection = session.connection()
    teams = dict(connection.execute(select(Team.id, Team.name)).all())
    systems = dict(connection.execute(select(System.id, System.name)).all())

    def named(team_id: int | None, system_id: int | None) -> tuple[str | None, str | None]:
        return teams.get(team_id) if team_id else None, systems.get(
            system_id
        ) if system_id else None

    service_names: dict[int, str] = {}
    services: dict[str, Entity] = {}
    for id_, name, layer, team_id, system_id in connection.execute(
        select(Service.id, Service.name, Service.layer, Service.owner_team_id, Service.system_id)
    ):
        service_names[id_] = name
        services[name] = Entity(name, "service", layer, *named(team_id, system_id))
    store_rows = connection.execute(
        select(
            DataStore.id,
            DataStore.name,
            DataStore.owner_team_id,
            DataStore.system_id,
            DataStore.primary_id,
        )
    ).all()
    store_names = {row.id: row.name for row in store_rows}
    data_stores = {
        row.name: Entity(
            row.name,
            "data-store",
            STORE_LAYER,
            *named(row.owner_team_id, row.system_id),
            parent=store_names.get(row.primary_id) if row.primary_id else None,
        )
        for row in store_rows
    }
    api_names: dict[int, str] = {}
    apis: dict[str, Entity] = {}
    for id_, name, team_id, system_id, provider_id in connection.execute(
        select(Api.id, Api.name, Api.owner_team_id, Api.system_id, Api.provider_service_id)
    ):
        provider_name = service_names.get(provider_id) if provider_id else None
        api_layer = services[provider_name].layer if provider_name else None
        api_names[id_] = name
        apis[name] = Entity(
            name, "api", api_layer, *named(team_id, system_id), parent=provider_name
        )
    edges: list[CatalogEdge] = []
    for id_, source_id, target_id, api_id, store_id, protocol in connection.execute(
        select(
            Dependency.id,
            Dependency.source_id,
            Dependency.target_id,
            Dependency.target_api_id,
            Dependency.target_data_store_id,
            Dependency.protocol,
        ).order_by(Dependency.id)
    ):
        source = service_names[source_id]
        if target_id is not None:
            target = service_names[target_id]
            edges.append(CatalogEdge(id_, source, target, "service", protocol, target))
        elif api_id is not None:
            api = apis[api_names[api_id]]
            node = api.parent if api.parent != source else None
            edges.append(CatalogEdge(id_, source, api.name, "api", protocol, node))
        else:
            store = store_names[store_id]
            edges.append(CatalogEdge(id_, source, store, "data-store", protocol, store_key(store)))
    nodes = [graph_analysis.Node(e.name, e.layer, e.owner) for e in services.values()]
    nodes += [
        graph_analysis.Node(store_key(e.name), STORE_LAYER, e.owner) for e in data_stores.values()
    ]
    pairs = [(edge.source, edge.node) for edge in edges if edge.node is not None]
    pairs += [(store_key(e.name), store_key(e.parent)) for e in data_stores.values() if e.parent]
    return CatalogGraph(
        graph_analysis.Graph(nodes, pairs),
        services,
        apis,
        data_stores,
        edges,
        rules or LayerRules(),
    )
