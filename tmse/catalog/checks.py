"""The catalog's dependency graph loaded from the database, and the checks run on it."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from tmse.catalog import graph as graph_analysis
from tmse.catalog.duplicates import Candidate, find_duplicates
from tmse.catalog.layers import LayerRules, layer_violations
from tmse.catalog.models import Dependency, Service
from tmse.core.errors import NotFound
from tmse.core.identity.models import Team


class ImpactedService(BaseModel):
    name: str
    owner: str | None


class BlastRadius(BaseModel):
    service: str
    services: list[str]
    impacted: list[ImpactedService]


class DuplicateSignalOut(BaseModel):
    score: float
    matches: list[str]


class DuplicatePairOut(BaseModel):
    first: str
    second: str
    score: float
    owners: list[str | None]
    evidence: dict[str, DuplicateSignalOut]


class LayerViolationOut(BaseModel):
    source: str
    target: str
    rule: str
    message: str


class GraphChecks(BaseModel):
    services: int
    dependencies: int
    cycles: list[list[str]]
    layer_violations: list[LayerViolationOut]
    orphans: list[str]
    single_points_of_failure: list[str]


def load_graph(session: Session) -> graph_analysis.Graph:
    """Every service with its layer and owning team, and every service→service dependency."""
    nodes = [
        graph_analysis.Node(name, layer, owner)
        for name, layer, owner in session.execute(
            select(Service.name, Service.layer, Team.name).join(
                Team, Team.id == Service.owner_team_id
            )
        )
    ]
    source, target = aliased(Service), aliased(Service)
    rows = session.execute(
        select(source.name, target.name)
        .select_from(Dependency)
        .join(source, source.id == Dependency.source_id)
        .join(target, target.id == Dependency.target_id)
    )
    return graph_analysis.Graph(nodes, [(from_name, to_name) for from_name, to_name in rows])


def blast_radius(session: Session, name: str) -> BlastRadius:
    graph = load_graph(session)
    try:
        impacted = graph_analysis.blast_radius_owners(graph, name)
    except KeyError:
        raise NotFound(f"Service '{name}' does not exist") from None
    return BlastRadius(
        service=name,
        services=[service for service, _ in impacted],
        impacted=[ImpactedService(name=service, owner=owner) for service, owner in impacted],
    )


def graph_checks(session: Session, rules: LayerRules | None = None) -> GraphChecks:
    graph = load_graph(session)
    violations = layer_violations(graph, rules or LayerRules())
    return GraphChecks(
        services=len(graph.names),
        dependencies=sum(len(targets) for targets in graph.successors),
        cycles=graph_analysis.cycles(graph),
        layer_violations=[
            LayerViolationOut(source=v.source, target=v.target, rule=v.rule, message=v.message)
            for v in violations
        ],
        orphans=graph_analysis.orphans(graph),
        single_points_of_failure=graph_analysis.single_points_of_failure(graph),
    )


def likely_duplicates(session: Session, threshold: float = 0.5) -> list[DuplicatePairOut]:
    """Services that likely do the same job, best match first, with the evidence for each."""
    rows = session.execute(
        select(Service.name, Service.description, Team.name).join(
            Team, Team.id == Service.owner_team_id
        )
    )
    candidates = [
        Candidate(name=name, description=description, owner=owner)
        for name, description, owner in rows
    ]
    return [
        DuplicatePairOut(
            first=pair.first,
            second=pair.second,
            score=round(pair.score, 4),
            owners=list(pair.owners),
            evidence={
                signal: DuplicateSignalOut(score=round(found.score, 4), matches=list(found.matches))
                for signal, found in pair.evidence.items()
            },
        )
        for pair in find_duplicates(candidates, threshold=threshold)
    ]
