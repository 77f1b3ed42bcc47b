"""Read models of the data stores page: primaries with their replicas, owners and users."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.catalog.list_pages import dependants
from tmse.catalog.models import DataStore, Dependency, System
from tmse.catalog.references import names_by_id
from tmse.core.identity.models import Team
from tmse.core.pagination import ListParams, paginate


@dataclass(frozen=True)
class ListedStores:
    """One page of primary stores (each with owner, system, replicas and user count)."""

    items: list[dict[str, Any]]
    total: int
    users: dict[int, int]


def primary_stores(session: Session, paging: ListParams, filters: dict[str, str]) -> ListedStores:
    """Primaries matching the filters (q, team, kind); replicas are listed under their primary."""
    team = filters["team"]
    stmt = select(DataStore).where(DataStore.primary_id.is_(None))
    if filters["q"]:
        stmt = stmt.where(DataStore.name.ilike(f"%{filters['q']}%"))
    if team:
        stmt = stmt.where(DataStore.owner_team_id.in_(select(Team.id).where(Team.name == team)))
    if filters["kind"]:
        stmt = stmt.where(DataStore.kind == filters["kind"])
    sortable = {"name": DataStore.name, "engine": DataStore.engine}
    rows, total = paginate(session, stmt, paging, sortable, "name", DataStore.id)
    replicas: dict[int, list[DataStore]] = {}
    for replica in session.scalars(
        select(DataStore)
        .where(DataStore.primary_id.in_([r.id for r in rows]))
        .order_by(DataStore.name)
    ):
        assert replica.primary_id is not None
        replicas.setdefault(replica.primary_id, []).append(replica)
    teams = names_by_id(session, Team, {r.owner_team_id for r in rows})
    systems = names_by_id(session, System, {r.system_id for r in rows})
    users = dependants(
        session,
        Dependency.target_data_store_id,
        [r.id for r in rows] + [r.id for group in replicas.values() for r in group],
    )
    items = [
        {
            "store": row,
            "owner": teams.get(row.owner_team_id, "?"),
            "system": systems.get(row.system_id) if row.system_id is not None else None,
            "replicas": replicas.get(row.id, []),
            "users": users.get(row.id, 0),
        }
        for row in rows
    ]
    return ListedStores(items, total, users)


def data_store_exists(session: Session, name: str) -> bool:
    return session.scalar(select(DataStore.id).where(DataStore.name == name)) is not None


def existing_data_store_names(session: Session, names: list[str]) -> set[str]:
    """Those of `names` that name a data store."""
    return set(session.scalars(select(DataStore.name).where(DataStore.name.in_(names))))
