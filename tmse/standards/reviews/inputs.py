"""What a review's checklist is evaluated on, read from the catalog, the stored layering rules and
the standards registry; `evaluate_checklist` returns the items as stored on the review."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.catalog.apis.queries import api_provider_layer, provider_names
from tmse.catalog.data_stores.queries import data_store_exists
from tmse.catalog.graph import analysis as graph_analysis
from tmse.catalog.graph.checks import load_graph
from tmse.catalog.graph.layers import LayerRules
from tmse.catalog.graph.queries import dependency_targets
from tmse.catalog.layer_rules.service import current_layer_rules
from tmse.catalog.queries import (
    all_service_names,
    service_id_named,
    service_layer_named,
    service_ref_by_id,
)
from tmse.core.identity.models import Team
from tmse.core.messages import message
from tmse.standards.registry.evaluation import RuleResult, evaluate_services
from tmse.standards.reviews import checklist
from tmse.standards.reviews.models import ArchitectureReview, ReviewKind

# A data store is judged as a member of the data layer; it has no layer column of its own.
DATA_STORE_LAYER = "data"


def layer_rules(session: Session) -> LayerRules:
    """The organisation's stored layering rules (the defaults until some are stored)."""
    return current_layer_rules(session)


def rule_results(session: Session, service_id: int) -> list[RuleResult]:
    """Every current standards rule result of one service."""
    return list(evaluate_services(session, [service_id]).get(service_id, []))


def _target_edge(session: Session, kind: str, name: str, planned: bool) -> checklist.ProposedEdge:
    if kind == "service":
        layer = service_layer_named(session, name)
        return checklist.ProposedEdge(name, kind, layer, layer is not None, planned)
    if kind == "data-store":
        found = data_store_exists(session, name)
        return checklist.ProposedEdge(name, kind, DATA_STORE_LAYER, found, planned)
    exists, layer = api_provider_layer(session, name)
    return checklist.ProposedEdge(name, kind, layer, exists, planned)


def _current_edges(session: Session, service_id: int) -> list[checklist.ProposedEdge]:
    """The service's dependencies as the catalog has them now."""
    edges = []
    for target in dependency_targets(session, service_id):
        layer = DATA_STORE_LAYER if target.kind == "data-store" else target.layer
        edges.append(checklist.ProposedEdge(target.name, target.kind, layer))
    return sorted(edges, key=lambda edge: (edge.kind, edge.target))


def _reach(start: int, adjacency: list[list[int]], extra: list[int]) -> set[int]:
    seen, pending = {start}, [start, *extra]
    seen.update(extra)
    while pending:
        for node in adjacency[pending.pop()]:
            if node not in seen:
                seen.add(node)
                pending.append(node)
    return seen


def _cycles_through(session: Session, name: str, planned: list[str]) -> list[tuple[str, ...]]:
    """Cycles through `name` once its planned dependencies (service names) are added."""
    # Only the strongly connected part around `name` is rebuilt and searched: on a large catalog
    # that is a few nodes, not the whole graph twice.
    if service_id_named(session, name) is None:
        return []  # a service not in the catalog yet has no dependants, so closes no loop
    graph = load_graph(session)
    start = graph.index[name]
    extra = [graph.index[target] for target in planned if target in graph.index]
    forward = _reach(start, graph.successors, extra)
    backward = _reach(start, graph.predecessors, [])
    members = forward & backward
    if len(members) < 2 and start not in extra and start not in graph.successors[start]:
        return []
    names = {graph.names[i] for i in members}
    edges = [
        (graph.names[source], graph.names[target])
        for source in members
        for target in graph.successors[source]
        if target in members
    ] + [(name, graph.names[target]) for target in extra if target in members]
    nodes = [graph.nodes[node] for node in names]
    found = graph_analysis.cycles(graph_analysis.Graph(nodes, edges))
    return [tuple(cycle) for cycle in found if name in cycle]


def _graph_targets(session: Session, planned: list[checklist.ProposedEdge]) -> list[str]:
    """The graph nodes the planned dependencies point at: a service, or an API's provider."""
    targets = [e.target for e in planned if e.kind == "service" and e.found]
    apis = [e.target for e in planned if e.kind == "api" and e.found]
    if apis:
        targets += provider_names(session, apis)
    return targets


def _planned(dependencies: list[dict[str, Any]], session: Session) -> list[checklist.ProposedEdge]:
    return [
        _target_edge(session, str(d.get("kind", "service")), str(d["target"]), True)
        for d in dependencies
    ]


def subject_of(session: Session, review: ArchitectureReview) -> checklist.Subject | None:
    """The service under review as proposed; None when the reviewed service is gone."""
    proposal = review.proposal or {}
    planned = _planned(list(proposal.get("dependencies", [])), session)
    if review.kind == ReviewKind.NEW_SERVICE:
        name, layer, owner = proposal["name"], proposal["layer"], proposal["owner"]
        names = all_service_names(session)
        name_taken = name in names
        edges = planned
        similar = checklist.similar_names(name, names)
    else:
        service = service_ref_by_id(session, review.service_id) if review.service_id else None
        if service is None:
            return None
        name, layer, owner = service.name, service.layer, service.owner
        name_taken, similar = False, []
        current = _current_edges(session, service.id)
        existing = {(edge.kind, edge.target) for edge in current}
        edges = current + [edge for edge in planned if (edge.kind, edge.target) not in existing]
    owner_exists = session.scalar(select(Team.id).where(Team.name == owner)) is not None
    planned_targets = _graph_targets(session, planned)
    return checklist.Subject(
        name=name,
        layer=layer,
        owner=owner,
        owner_exists=owner_exists,
        is_new=review.kind == ReviewKind.NEW_SERVICE,
        name_taken=name_taken,
        edges=tuple(edges),
        cycles=tuple(_cycles_through(session, name, planned_targets)),
        similar_names=tuple(similar),
    )


def evaluate_checklist(session: Session, review: ArchitectureReview) -> list[dict[str, Any]]:
    """The review's checklist as stored: catalog, layering and (for a change) standards items."""
    subject = subject_of(session, review)
    if subject is None:
        gone = checklist.ChecklistItem(
            "catalog:service",
            message("The reviewed service is in the catalog"),
            "catalog",
            False,
            "error",
            message("the service was removed from the catalog after the review was requested"),
        )
        return [gone.as_dict()]
    results = rule_results(session, review.service_id) if review.service_id else []
    items = checklist.build_checklist(subject, layer_rules(session), results)
    return [item.as_dict() for item in items]
