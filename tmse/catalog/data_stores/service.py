"""Data stores: engine, relational or NoSQL, and read replicas pointing at their primary."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.catalog.data_stores.schemas import DataStoreCreate, DataStoreOut, DataStoreUpdate
from tmse.catalog.models import DataStore, Dependency, System
from tmse.catalog.records import (
    STAMP_FIELDS,
    apply_changes,
    by_name,
    ensure_unique,
    in_named,
    insert,
    name_filter,
    prepare_update,
    remove,
    snapshot,
)
from tmse.catalog.references import References, names_by_id
from tmse.core.actor import Actor
from tmse.core.errors import Conflict, InvalidInput
from tmse.core.identity.models import Team
from tmse.core.pagination import ListParams, paginate

DATA_STORE_FIELDS = (
    "name",
    "engine",
    "kind",
    "owner_team_id",
    "system_id",
    "primary_id",
    "description",
)
_REFERENCES: dict[str, tuple[type[Any], str]] = {
    "owner": (Team, "owner_team_id"),
    "system": (System, "system_id"),
    "primary": (DataStore, "primary_id"),
}


def get_data_store(session: Session, name: str) -> DataStore:
    """The data store named `name`, or 404."""
    row: DataStore = by_name(session, DataStore, "Data store", name)
    return row


def _check_primary(session: Session, store_id: int | None, primary_id: int | None) -> None:
    """A replica's primary is itself a primary (one level), and a store with replicas stays one."""
    if primary_id is None:
        return
    if primary_id == store_id:
        raise InvalidInput(
            "Invalid primary", [{"field": "primary", "message": "a store is not its own replica"}]
        )
    if session.scalar(select(DataStore.primary_id).where(DataStore.id == primary_id)) is not None:
        raise InvalidInput(
            "Invalid primary",
            [{"field": "primary", "message": "the primary is itself a replica; name its primary"}],
        )
    if store_id is not None and session.scalar(
        select(DataStore.id).where(DataStore.primary_id == store_id).limit(1)
    ):
        raise InvalidInput(
            "Invalid primary",
            [{"field": "primary", "message": "this store has replicas, so it is a primary"}],
        )


def create_data_store(session: Session, actor: Actor, data: DataStoreCreate) -> DataStore:
    """Store a data store; an unknown owner, system or primary stores nothing."""
    refs = References(session)
    ids = {
        column: refs.id_of(model, field, getattr(data, field))
        for field, (model, column) in _REFERENCES.items()
    }
    refs.check()
    _check_primary(session, None, ids["primary_id"])
    ensure_unique(session, DataStore, "Data store", data.name)
    row = DataStore(**data.model_dump(exclude=set(_REFERENCES)), **ids, extra={})
    insert(session, actor, "data-store", row, DATA_STORE_FIELDS)
    return row


def update_data_store(
    session: Session, actor: Actor, name: str, data: DataStoreUpdate
) -> DataStore:
    row = get_data_store(session, name)
    changes = prepare_update(
        session,
        DataStore,
        "Data store",
        row,
        data,
        ("name", "engine", "kind", "owner", "description"),
        _REFERENCES,
    )
    if "primary_id" in changes:
        _check_primary(session, row.id, changes["primary_id"])
    apply_changes(session, actor, "data-store", row, changes, DATA_STORE_FIELDS)
    return row


def delete_data_store(
    session: Session, actor: Actor, name: str, version: int | None = None
) -> None:
    """Remove a data store and the dependencies on it; a primary with replicas is kept (409)."""
    row = get_data_store(session, name)
    replicas = _replicas(session, [row.id])[row.id]
    if replicas:
        raise Conflict(
            f"Data store '{name}' has read replicas ({', '.join(replicas)}); remove or re-point"
            " them first",
            replicas=replicas,
        )
    remove(
        session,
        actor,
        "data-store",
        row,
        DATA_STORE_FIELDS,
        version,
        "Data store",
        dependents=Dependency.target_data_store_id,
    )


def list_data_stores(
    session: Session,
    params: ListParams,
    q: str | None = None,
    owner: str | None = None,
    system: str | None = None,
    kind: str | None = None,
    engine: str | None = None,
) -> tuple[list[DataStore], int]:
    """One page of data stores; filters: q (name contains), owner, system, kind, engine."""
    stmt = name_filter(select(DataStore), DataStore, q, owner)
    if system:
        stmt = stmt.where(in_named(DataStore.system_id, System, system))
    if kind:
        stmt = stmt.where(DataStore.kind == kind)
    if engine:
        stmt = stmt.where(DataStore.engine == engine)
    sortable = {
        "name": DataStore.name,
        "engine": DataStore.engine,
        "id": DataStore.id,
        "created_at": DataStore.created_at,
    }
    return paginate(session, stmt, params, sortable, "name", DataStore.id)


def _replicas(session: Session, ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {i: [] for i in ids}
    for primary_id, name in session.execute(
        select(DataStore.primary_id, DataStore.name)
        .where(DataStore.primary_id.in_(ids))
        .order_by(DataStore.name)
    ):
        if primary_id is not None:
            found[primary_id].append(name)
    return found


def data_store_out(session: Session, rows: list[DataStore]) -> list[DataStoreOut]:
    teams = names_by_id(session, Team, {r.owner_team_id for r in rows})
    systems = names_by_id(session, System, {r.system_id for r in rows})
    primaries = names_by_id(session, DataStore, {r.primary_id for r in rows})
    replicas = _replicas(session, [r.id for r in rows])
    return [
        DataStoreOut(
            **snapshot(r, ("name", "engine", "kind", "description", *STAMP_FIELDS)),
            owner=teams[r.owner_team_id],
            system=systems.get(r.system_id) if r.system_id is not None else None,
            primary=primaries.get(r.primary_id) if r.primary_id is not None else None,
            replicas=replicas[r.id],
        )
        for r in rows
    ]
