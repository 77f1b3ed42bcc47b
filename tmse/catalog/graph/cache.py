"""The catalog's dependency graph kept in memory per process, reused while the data stays the same
(`tmse.core.version_memo`: kept per data version, rebuilt after any write)."""
# Kept here: the reverse service adjacency with names and owners (blast radius: a BFS over ints),
# the whole `CatalogGraph`, and the graph checks built on it.

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter
from typing import Any, TypedDict

from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import aggregate_strings

from tmse.catalog.graph.catalog_graph import CatalogGraph, load_catalog_graph
from tmse.catalog.graph.layers import LayerRules
from tmse.catalog.models import Api, Dependency, Service
from tmse.core.errors import NotFound
from tmse.core.identity.models import Team
from tmse.core.version_memo import VersionMemo

# --- who depends on whom: the blast radius -----------------------------------------------------


class ImpactedItem(TypedDict):
    """One service a change reaches, as the blast-radius answers list it."""

    name: str
    owner: str | None


@dataclass(frozen=True)
class Dependents:
    """Services by id: who depends on each (directly, or through one of its APIs), their names
    and owners, and their position in name order."""

    ids: dict[str, int]
    names: dict[int, str]
    dependents: dict[int, list[int]]
    rank: dict[int, int]
    by_name: list[int]
    # {"name", "owner"} of each service, built once and shared by every answer.
    items: dict[int, ImpactedItem]

    def reached(self, seeds: Iterable[int], exclude: int | None = None) -> list[int]:
        """Every service depending on one of `seeds`, transitively, in name order; the seeds
        themselves are in it unless they are `exclude`d (a seed on a cycle reaches itself)."""
        seen = set(seeds)
        queue = deque(seen)
        dependents = self.dependents
        while queue:
            for source in dependents.get(queue.popleft(), ()):
                if source not in seen:
                    seen.add(source)
                    queue.append(source)
        if exclude is not None:
            seen.discard(exclude)
        if len(seen) * 8 > len(self.by_name):
            return [id_ for id_ in self.by_name if id_ in seen]
        return sorted(seen, key=self.rank.__getitem__)


def _build_dependents(session: Session) -> Dependents:
    # Core rows through the session's connection (no ORM result layer), and each service's
    # direct dependents as one aggregated string: a tenth of the rows of one row per edge.
    connection = session.connection()
    teams = dict(connection.execute(select(Team.id, Team.name)).all())
    # A plain scan, sorted here: name order as Python compares (as the answers always were).
    services = sorted(
        (
            (id_, name, teams.get(team_id))
            for id_, name, team_id in connection.execute(
                select(Service.id, Service.name, Service.owner_team_id)
            )
        ),
        key=itemgetter(1),
    )
    dependents: dict[int, list[int]] = {
        target: list(map(int, sources.split(",")))
        for target, sources in connection.execute(
            select(Dependency.target_id, aggregate_strings(cast(Dependency.source_id, String), ","))
            .where(Dependency.target_id.is_not(None))
            .group_by(Dependency.target_id)
        )
        if target is not None
    }
    # Consuming an API is depending on its provider.
    for source, provider in connection.execute(
        select(Dependency.source_id, Api.provider_service_id)
        .join(Api, Api.id == Dependency.target_api_id)
        .where(Api.provider_service_id.is_not(None))
    ):
        if provider is not None:
            dependents.setdefault(provider, []).append(source)
    by_name = [row[0] for row in services]
    return Dependents(
        ids={name: id_ for id_, name, _ in services},
        names={id_: name for id_, name, _ in services},
        dependents=dependents,
        rank={id_: position for position, id_ in enumerate(by_name)},
        by_name=by_name,
        items={id_: ImpactedItem(name=name, owner=owner) for id_, name, owner in services},
    )


_dependents = VersionMemo[Dependents](slots=4)


def dependents(session: Session) -> Dependents:
    """The reverse adjacency of the catalog's services at the session's data version."""
    return _dependents.get(session, lambda: _build_dependents(session))


@dataclass(frozen=True)
class Radius:
    """A service's blast radius as the API returns it: `services` (names, in name order) and
    `impacted` ({"name", "owner"} each); the lists are shared, so read them, never change them."""

    service: str
    services: list[str]
    impacted: list[ImpactedItem]

    def as_dict(self) -> dict[str, Any]:
        return {"service": self.service, "services": self.services, "impacted": self.impacted}

    @cached_property
    def json(self) -> bytes:
        """The answer as JSON, encoded once (as FastAPI's JSONResponse encodes)."""
        return json.dumps(
            self.as_dict(), ensure_ascii=False, allow_nan=False, separators=(",", ":")
        ).encode()


def _radius(session: Session, name: str) -> Radius:
    index = dependents(session)
    found = index.ids.get(name)
    if found is None:
        raise NotFound(f"Service '{name}' does not exist")
    reached = index.reached((found,), exclude=found)
    return Radius(
        service=name,
        services=[index.names[id_] for id_ in reached],
        impacted=[index.items[id_] for id_ in reached],
    )


_radii = VersionMemo[Radius](slots=64)


def blast_radius(session: Session, name: str) -> Radius:
    """Every service depending on service `name`, directly, via its APIs, or transitively, with
    owners; kept per service until the next write."""
    return _radii.get(session, lambda: _radius(session, name), extra=name)


# --- the whole graph and its checks ------------------------------------------------------------

_graphs = VersionMemo[CatalogGraph](slots=2)


def catalog_graph(session: Session, rules: LayerRules) -> CatalogGraph:
    """`load_catalog_graph` at the session's data version, kept until the next write. Shared:
    read it, never change it."""
    return _graphs.get(session, lambda: load_catalog_graph(session, rules), extra=rules)
