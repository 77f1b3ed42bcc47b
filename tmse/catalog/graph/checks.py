"""The catalog's dependency graph loaded from the database, and the checks run on it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.catalog import graph as graph_analysis
from tmse.catalog import graph_cache
from tmse.catalog.api_definitions import (
    DefinitionError,
    operation_paths,
    parse_document,
    schema_fields,
)
from tmse.catalog.catalog_graph import (
    STORE_PREFIX,
    CatalogGraph,
    node_label,
    split_key,
)
from tmse.catalog.duplicates import Candidate, find_duplicates
from tmse.catalog.layers import LayerRules, layer_violations
from tmse.catalog.models import Api, ApiType, DataStore, Dependency, Service
from tmse.catalog.rules import current_layer_rules
from tmse.core.errors import NotFound
from tmse.core.identity.models import Team
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


class DuplicateSignalOut(BaseModel):
    score: float
    matches: list[str]


class DuplicatePairOut(BaseModel):
    kind: str = Field(description="What both are: service or api.")
    first: str
    second: str
    score: float
    owners: list[str | None]
    evidence: dict[str, DuplicateSignalOut]


class LayerViolationOut(BaseModel):
    source: str
    target: str
    target_kind: str = Field(description="service or data-store.")
    rule: str
    message: str


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
    """The whole catalog's dependency graph: services by name, data stores as
    `data-store:<name>` in layer `data`; consuming an API is an edge to its provider, and a read
    replica depends on its primary (see catalog_graph). Kept until the next write: read it,
    never change it."""
    return graph_cache.catalog_graph(session, current_layer_rules(session)).graph


def _dependents(session: Session, seeds: set[int], exclude: int | None) -> list[ImpactedService]:
    """Every service depending on one of `seeds` (service ids), transitively, with owners;
    consuming an API counts as depending on its provider (the same answer as
    graph.blast_radius: a BFS over the service adjacency kept until the next write)."""
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
        found.append(
            LayerViolationOut(
                source=v.source, target=target, target_kind=kind, rule=v.rule, message=v.message
            )
        )
    return found


_checked = VersionMemo[GraphChecks](slots=2)


def graph_checks(session: Session, rules: LayerRules | None = None) -> GraphChecks:
    """Cycles, layering violations (stored rules unless given), orphans, unused data stores and
    single points of failure of the whole catalog; kept until the next write (read the result,
    never change it)."""
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


def _definition_signals(api_type: str, definition: str) -> tuple[list[str], list[str]]:
    """(paths, schema field names) of an OpenAPI/AsyncAPI definition; nothing when unreadable."""
    if api_type not in (ApiType.OPENAPI, ApiType.ASYNCAPI) or not definition.strip():
        return [], []
    try:
        document = parse_document(definition)
    except DefinitionError:
        return [], []
    return operation_paths(document), schema_fields(document)


def duplicate_candidates(session: Session) -> tuple[list[Candidate], list[Candidate]]:
    """(services, APIs) as duplicate candidates; a service carries the paths and schema fields
    of the APIs it provides."""
    teams = dict(session.execute(select(Team.id, Team.name)).all())
    services = session.execute(
        select(Service.id, Service.name, Service.description, Service.owner_team_id)
    ).all()
    provided: dict[int, tuple[list[str], list[str]]] = {}
    apis = []
    for row in session.execute(
        select(
            Api.name,
            Api.type,
            Api.description,
            Api.definition,
            Api.owner_team_id,
            Api.provider_service_id,
        )
    ):
        paths, fields = _definition_signals(row.type, row.definition)
        apis.append(
            Candidate(
                row.name,
                "api",
                row.description,
                teams.get(row.owner_team_id),
                tuple(paths),
                tuple(fields),
            )
        )
        if row.provider_service_id is not None:
            signals = provided.setdefault(row.provider_service_id, ([], []))
            signals[0].extend(paths)
            signals[1].extend(fields)
    return [
        Candidate(
            name,
            "service",
            description,
            teams.get(team_id),
            tuple(provided.get(id_, ([], []))[0]),
            tuple(provided.get(id_, ([], []))[1]),
        )
        for id_, name, description, team_id in services
    ], apis


def likely_duplicates(
    session: Session, threshold: float = 0.5, kind: str | None = None
) -> list[DuplicatePairOut]:
    """Services, and APIs, that likely do the same job, best match first, with the evidence.

    Services are compared with services and APIs with APIs (a service and its own API would
    always match); `kind` ("service" or "api") keeps one of the two."""
    services, apis = duplicate_candidates(session)
    found: list[tuple[str, Any]] = []
    for group_kind, candidates in (("service", services), ("api", apis)):
        if kind in (None, group_kind):
            found += [(group_kind, p) for p in find_duplicates(candidates, threshold=threshold)]
    found.sort(key=lambda item: (-item[1].score, item[0] != "service", item[1].first))
    return [
        DuplicatePairOut(
            kind=group_kind,
            first=pair.first,
            second=pair.second,
            score=round(pair.score, 4),
            owners=list(pair.owners),
            evidence={
                signal: DuplicateSignalOut(score=round(seen.score, 4), matches=list(seen.matches))
                for signal, seen in pair.evidence.items()
            },
        )
        for group_kind, pair in found
    ]
