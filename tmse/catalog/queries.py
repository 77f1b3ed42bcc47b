"""Read-only shapes the catalog pages show (layer lanes, the graph view with its checks) and the
plain reads other domains make of services; every write goes through service.py."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Select, Subquery, func, select
from sqlalchemy.orm import Session

from tmse.catalog.graph import cache as graph_cache
from tmse.catalog.graph.catalog_graph import store_key
from tmse.catalog.graph.checks import graph_checks
from tmse.catalog.graph.layers import DEFAULT_LAYERS, LayerRules
from tmse.catalog.graph.overview import GraphView, graph_view
from tmse.catalog.models import Api, DataStore, Service, System
from tmse.catalog.models import Layer as Layer  # the layer vocabulary other domains validate
from tmse.catalog.service import services_query
from tmse.core.errors import NotFound
from tmse.core.identity.models import Team

LANE_CARDS = 24  # cards shown per swim-lane before "and N more"
GRAPH_NODE_LIMIT = 400  # beyond this a force layout stalls a browser: ask for a narrower filter


@dataclass
class ServiceCard:
    id: int
    name: str
    layer: str
    lifecycle: str
    type: str
    tier: int | None
    owner: str
    owner_team_id: int
    system: str | None
    language: str | None
    description: str


@dataclass
class Lane:
    layer: str
    total: int
    cards: list[ServiceCard]


# What a service card shows (ServiceCard), read as plain rows by the layer lanes.
CARD_COLUMNS = (
    Service.id,
    Service.name,
    Service.layer,
    Service.lifecycle,
    Service.type,
    Service.tier,
    Service.owner_team_id,
    Service.system_id,
    Service.language,
    Service.description,
)


def filtered_services(
    q: str = "", team: str = "", system: str = "", lifecycle: str = "", layer: str = ""
) -> Select[Any]:
    """The services query of the API with the page's filters; empty means no filter."""
    return services_query(
        q=q or None,
        layer=layer or None,
        lifecycle=lifecycle or None,
        owner=team or None,
        system=system or None,
    )


def _names(session: Session, services: Sequence[Any]) -> tuple[dict[int, str], dict[int, str]]:
    """Owner team and system names of `services`, by id, in two queries."""
    team_ids = {s.owner_team_id for s in services}
    system_ids = {s.system_id for s in services if s.system_id is not None}
    teams = dict(session.execute(select(Team.id, Team.name).where(Team.id.in_(team_ids))).all())
    systems = dict(
        session.execute(select(System.id, System.name).where(System.id.in_(system_ids))).all()
    )
    return teams, systems


def service_cards(
    session: Session,
    services: Sequence[Any],
    names: tuple[dict[int, str], dict[int, str]] | None = None,
) -> list[ServiceCard]:
    """Cards (or table rows) for services, with owner and system names in two queries (none
    when `names` from `_names` are given)."""
    teams, systems = names or _names(session, services)
    return [
        ServiceCard(
            id=s.id,
            name=s.name,
            layer=s.layer,
            lifecycle=s.lifecycle,
            type=s.type,
            tier=s.tier,
            owner=teams.get(s.owner_team_id, "?"),
            owner_team_id=s.owner_team_id,
            system=systems.get(s.system_id) if s.system_id is not None else None,
            language=s.language,
            description=s.description,
        )
        for s in services
    ]


def layer_lanes(session: Session, **filters: str) -> list[Lane]:
    """One lane per layer, top first: the first cards by name and the lane's full count."""
    # Counts group the filtered services themselves (not `id IN (subquery)`); each lane is a range
    # of the (layer, name) index; owner and system names for all lanes in two queries.
    stmt = filtered_services(**{k: v for k, v in filters.items() if k != "layer"})
    counts = dict(
        session.execute(
            stmt.with_only_columns(Service.layer, func.count()).group_by(Service.layer)
        ).all()
    )
    # The cards' columns only: plain rows, no ORM objects to build for a read-only page.
    cards = stmt.with_only_columns(*CARD_COLUMNS).order_by(Service.name).limit(LANE_CARDS)
    rows = {
        layer: list(session.execute(cards.where(Service.layer == layer)))
        if counts.get(layer)
        else []
        for layer in DEFAULT_LAYERS
    }
    names = _names(session, [service for lane in rows.values() for service in lane])
    return [
        Lane(layer, counts.get(layer, 0), service_cards(session, rows[layer], names))
        for layer in DEFAULT_LAYERS
    ]


def filter_choices(session: Session) -> dict[str, list[str]]:
    """Team and system names for the filter drop-downs: only those that own something."""
    teams = session.scalars(
        select(Team.name)
        .where(Team.id.in_(select(Service.owner_team_id).distinct()))
        .order_by(Team.name)
    )
    systems = session.scalars(select(System.name).order_by(System.name))
    return {"teams": list(teams), "systems": list(systems)}


def all_team_names(session: Session) -> list[str]:
    return list(session.scalars(select(Team.name).order_by(Team.name)))


# --- one service's findings and the graph page ----------------------------------------------


def service_findings(
    session: Session, name: str, rules: LayerRules | None = None
) -> dict[str, Any]:
    """Who is hit when the service fails (services with owners) and the cycles through it;
    both from what is kept until the next write (graph.cache); `rules`: when already read."""
    try:
        radius = graph_cache.blast_radius(session, name)
    except NotFound:
        return {"blast_radius": [], "cycles": []}
    return {
        "blast_radius": [(item["name"], item["owner"]) for item in radius.impacted],
        "cycles": [cycle for cycle in graph_checks(session, rules).cycles if name in cycle],
    }


def _catalog_size(session: Session) -> int:
    """Services, APIs and data stores: the nodes of the unfiltered graph."""
    return sum(
        session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Service, Api, DataStore)
    )


def graph_page_data(
    session: Session,
    team: str = "",
    system: str = "",
    layer: str = "",
    limit: int = GRAPH_NODE_LIMIT,
) -> dict[str, Any]:
    """The graph view for the filters (nothing to draw when it holds more than `limit` nodes),
    and the cycles and layering violations touching what it shows."""
    filtered = bool(team or system or layer)
    if not filtered and _catalog_size(session) > limit:
        view = GraphView(nodes=[], edges=[], truncated=True)  # too broad: skip loading it twice
    else:
        view = graph_view(
            session, system=system or None, team=team or None, layer=layer or None, max_nodes=limit
        )
    checks = graph_checks(session)
    shown = {n.name for n in view.nodes if n.kind == "service"}
    violations = checks.layer_violations
    cycles = checks.cycles
    if filtered:
        violations = [v for v in violations if v.source in shown or v.target in shown]
        cycles = [c for c in cycles if shown.intersection(c)]
    # An edge lies on a cycle when both ends sit in the same strongly connected component.
    component = {node: index for index, cycle in enumerate(checks.cycles) for node in cycle}

    def graph_name(node_id: str) -> str:
        kind, _, name = node_id.partition(":")
        return store_key(name) if kind == "data-store" else name

    on_cycle = {
        (e.source, e.target)
        for e in view.edges
        if component.get(graph_name(e.source), -1) == component.get(graph_name(e.target), -2)
    }
    return {
        "view": view,
        "too_many": view.truncated,
        "on_cycle": on_cycle,
        "services": len(shown),
        "cycles": cycles,
        "violations": violations,
    }


def service_names_by_id(session: Session, service_ids: list[int]) -> list[tuple[int, str]]:
    """(id, name) of these services, by name; unknown ids left out."""
    if not service_ids:
        return []
    rows = session.execute(
        select(Service.id, Service.name).where(Service.id.in_(service_ids)).order_by(Service.name)
    )
    return [(row.id, row.name) for row in rows]


# --- reads for other domains: plain values, never catalog rows ------------------------------


class ServiceRef(NamedTuple):
    """A service as another domain names it: id, name, layer and owner team."""

    id: int
    name: str
    layer: str
    owner: str
    owner_team_id: int


def _service_refs() -> Select[int, str, str, str, int]:
    return select(Service.id, Service.name, Service.layer, Team.name, Service.owner_team_id).join(
        Team, Team.id == Service.owner_team_id
    )


def service_ref(session: Session, name: str) -> ServiceRef | None:
    """The service named `name`, or None."""
    row = session.execute(_service_refs().where(Service.name == name)).first()
    return ServiceRef(*row) if row else None


def service_ref_by_id(session: Session, service_id: int) -> ServiceRef | None:
    row = session.execute(_service_refs().where(Service.id == service_id)).first()
    return ServiceRef(*row) if row else None


def service_id_named(session: Session, name: str) -> int | None:
    return session.scalar(select(Service.id).where(Service.name == name))


def service_ids_named(session: Session, names: Iterable[str]) -> dict[str, int]:
    """The ids of the services among `names` that exist, by name."""
    wanted = list(names)
    if not wanted:
        return {}
    rows = session.execute(select(Service.name, Service.id).where(Service.name.in_(wanted)))
    return {name: service_id for name, service_id in rows}


def service_layer_named(session: Session, name: str) -> str | None:
    """The layer of the service named `name`; None when there is none."""
    return session.scalar(select(Service.layer).where(Service.name == name))


def service_names(session: Session, name: str | None = None) -> dict[int, str]:
    """Id → name of every service (or only of the one named `name`)."""
    stmt = select(Service.id, Service.name)
    if name:
        stmt = stmt.where(Service.name == name)
    return {service_id: service_name for service_id, service_name in session.execute(stmt)}


def all_service_names(session: Session) -> list[str]:
    return list(session.scalars(select(Service.name)))


def existing_service_names(session: Session, names: Iterable[str]) -> set[str]:
    """Those of `names` that name a service."""
    return set(session.scalars(select(Service.name).where(Service.name.in_(list(names)))))


def service_ids(session: Session) -> list[int]:
    """Every service's id, in the database's order."""
    return list(session.scalars(select(Service.id)))


def service_ids_in(
    team: str | None = None, system: str | None = None, layer: str | None = None
) -> Select[Any]:
    """A select of the ids of the services of a team, system and layer (None: any), for
    `IN (...)` in another domain's query."""
    return services_query(layer=layer, owner=team, system=system).with_only_columns(Service.id)


def service_ids_owned_by(team_ids: Select[int]) -> Select[int]:
    """A select of the ids of the services owned by the teams `team_ids` selects, for `IN (...)`
    in another domain's query."""
    return select(Service.id).where(Service.owner_team_id.in_(team_ids))


def service_name_rows() -> Subquery:
    """Every service's id and name, as a subquery for another domain's query that joins, sorts
    and pages in SQL."""
    return select(Service.id, Service.name).subquery("catalog_service_names")


def service_rows() -> Subquery:
    """Every service with its owner and system names, as a subquery for another domain's query
    that joins, sorts and pages in SQL: id, name, layer, owner_team_id, owner, system_id, system."""
    return (
        select(
            Service.id,
            Service.name,
            Service.layer,
            Service.owner_team_id,
            Team.name.label("owner"),
            Service.system_id,
            System.name.label("system"),
        )
        .join(Team, Team.id == Service.owner_team_id)
        .outerjoin(System, System.id == Service.system_id)
        .subquery("catalog_service_rows")
    )


class ServiceRecord(NamedTuple):
    """The fields of a service that standards rules read, with the owner team's name."""

    id: int
    name: str
    description: str
    repository: str | None
    language: str | None
    layer: str
    lifecycle: str
    type: str
    tier: int | None
    kubernetes_namespace: str | None
    kubernetes_workload: str | None
    owner: str | None


def service_records(session: Session, ids: list[int] | None = None) -> list[ServiceRecord]:
    """Records of the services `ids` (every service when None), by id."""
    stmt = (
        select(
            Service.id,
            Service.name,
            Service.description,
            Service.repository,
            Service.language,
            Service.layer,
            Service.lifecycle,
            Service.type,
            Service.tier,
            Service.kubernetes_namespace,
            Service.kubernetes_workload,
            Team.name,
        )
        .outerjoin(Team, Team.id == Service.owner_team_id)
        .order_by(Service.id)
    )
    if ids is not None:
        stmt = stmt.where(Service.id.in_(ids))
    return [ServiceRecord._make(row) for row in session.execute(stmt)]
