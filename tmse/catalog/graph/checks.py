"""The catalog's dependency graph loaded from the database, and the checks run on it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.catalog.graph import analysis as graph_analysis
from tmse.catalog.graph import cache as graph_cache
from tmse.catalog.graph.catalog_graph import STORE_PREFIX, CatalogGraph, node_label, split_key
from tmse.catalog.graph.findings import violation_message
from tmse.catalog.graph.layers import LayerRules, layer_violations
from tmse.catalog.layer_rules.service import current_layer_rules
from tmse.catalog.models import DataStore, Dependency
from tmse.core.errors import NotFound
from tmse.core.messages import Message
from tmse.core.version_memo import VersionMemo


class ImpactedService(BaseModel):
    name: str
    owner: str | None


class BlastRadius(BaseModel):
    service: str
    services: list[str] = Field(description="Every service depending on it, transitively.")
    impacted: list[ImpactedService]


class DataStoreBlastRadius(BaseModel):
    data_store: str
    services: list[str] = Field(
        description="Every service depending on it or on one of its replicas, transitively."
    )
    impacted: list[ImpactedService]
    replicas: list[str]


class LayerViolationOut(BaseModel):
    source: str
    target: str
    target_kind: str = Field(description="service or data-store.")
    rule: str
    message: str = Field(description="The finding in English.")
    finding_message: dict[str, Any] = Field(
        description="The finding as a message id and parameters, to show in any language."
    )

    @property
    def finding(self) -> Message:
        """The finding to render in the reader's language."""
        return Message.from_json(self.finding_message)


class GraphChecks(BaseModel):
    services: int
    data_stores: int
    dependencies: int
    cycles: list[list[str]]
    layer_violations: list[LayerViolationOut]
    orphans: list[str] = Field(description="Services with no dependency in or out.")
    unused_data_stores: list[str] = Field(description="No service uses them or their replicas.")
    single_points_of_failure: list[str] = Field(description="Services.")
    single_point_data_stores: list[str] = Field(description="Data stores.")


def load_graph(session: Session) -> graph_analysis.Graph:
    """The whole catalog's dependency graph, kept until the next write: read it, never change it."""
    # Services by name, data stores as `data-store:<name>` in layer `data`; consuming an API is
    # an edge to its provider, and a read replica depends on its primary (see catalog_graph).
    return graph_cache.catalog_graph(session, current_layer_rules(session)).graph


def _dependents(session: Session, seeds: set[int], exclude: int | None) -> list[ImpactedService]:
    """Every service depending on one of `seeds` (service ids), transitively, with owners."""
    # Consuming an API counts as depending on its provider (the same answer as
    # graph.blast_radius: a BFS over the service adjacency kept until the next write).
    index = graph_cache.dependents(session)
    return [
        ImpactedService.model_construct(**index.items[id_]) for id_ in index.reached(seeds, exclude)
    ]


def blast_radius(session: Session, name: str) -> graph_cache.Radius:
    """Every service depending on service `name`, directly, via its APIs, or transitively: the
    `BlastRadius` answer as plain lists (and its JSON), kept per service until the next write."""
    return graph_cache.blast_radius(session, name)


def data_store_blast_radius(session: Session, name: str) -> DataStoreBlastRadius:
    """Every service depending on data store `name` or its replicas, transitively, with owners."""
    found = session.scalar(select(DataStore.id).where(DataStore.name == name))
    if found is None:
        raise NotFound(f"Data store '{name}' does not exist")
    replicas: dict[int, str] = {
        id_: replica
        for id_, replica in session.execute(
            select(DataStore.id, DataStore.name).where(DataStore.primary_id == found)
        )
    }
    users = session.scalars(
        select(Dependency.source_id).where(Dependency.target_data_store_id.in_([found, *replicas]))
    )
    impacted = _dependents(session, set(users), exclude=None)
    return DataStoreBlastRadius(
        data_store=name,
        services=[i.name for i in impacted],
        impacted=impacted,
        replicas=sorted(replicas.values()),
    )


def violations_out(catalog: CatalogGraph) -> list[LayerViolationOut]:
    """The graph's layering violations under the catalog's rules, data stores by their name."""
    found = []
    for v in layer_violations(catalog.graph, catalog.rules, node_label):
        kind, target = split_key(v.target)
        source_kind, source = split_key(v.source)
        assert v.verdict is not None
        finding = violation_message(source_kind, source, kind, target, v.verdict)
        found.append(
            LayerViolationOut(
                source=v.source,
                target=target,
                target_kind=kind,
                rule=v.rule,
                message=v.message,
                finding_message=finding.to_json(),
            )
        )
    return found


_checked = VersionMemo[GraphChecks](slots=2)


def graph_checks(session: Session, rules: LayerRules | None = None) -> GraphChecks:
    """Cycles, layering violations (stored rules unless given), orphans, unused data stores and
    single points of failure of the whole catalog; kept until the next write, read-only."""
    rules = rules or current_layer_rules(session)
    return _checked.get(session, lambda: _graph_checks(session, rules), extra=rules)


def _graph_checks(session: Session, rules: LayerRules) -> GraphChecks:
    catalog = graph_cache.catalog_graph(session, rules)
    graph = catalog.graph
    used = {edge.target for edge in catalog.edges if edge.target_kind == "data-store"}
    used |= {e.parent for e in catalog.data_stores.values() if e.name in used and e.parent}
    weak_points = graph_analysis.single_points_of_failure(graph)
    return GraphChecks(
        services=len(catalog.services),
        data_stores=len(catalog.data_stores),
        dependencies=len(catalog.edges),  # one per stored dependency
        cycles=graph_analysis.cycles(graph),
        layer_violations=violations_out(catalog),
        orphans=[n for n in graph_analysis.orphans(graph) if not n.startswith(STORE_PREFIX)],
        unused_data_stores=sorted(set(catalog.data_stores) - used),
        single_points_of_failure=[n for n in weak_points if not n.startswith(STORE_PREFIX)],
        single_point_data_stores=[
            split_key(n)[1] for n in weak_points if n.startswith(STORE_PREFIX)
        ],
    )
