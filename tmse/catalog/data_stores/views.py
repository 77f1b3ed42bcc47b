"""The data stores page: primaries with their read replicas beneath them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select

from tmse.catalog.list_pages import dependants, offered_sort, owner_names, page_values
from tmse.catalog.models import DataStore, Dependency, StoreKind, System
from tmse.catalog.references import names_by_id
from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.identity.models import Team
from tmse.core.pagination import ListParams, list_params, paginate
from tmse.core.permissions import READ
from tmse.web.page_context import filter_url
from tmse.web.templating import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Actor, Depends(require(READ))]
Paging = Annotated[ListParams, Depends(list_params)]


@router.get("/catalog/data-stores")
def data_stores_page(
    request: Request,
    session: DbSession,
    _actor: Reader,
    paging: Paging,
    q: str = "",
    team: str = "",
    kind: str = "",
) -> Response:
    """Primaries with their read replicas beneath them; replicas are not listed on their own."""
    filters = {"q": q.strip(), "team": team, "kind": kind if kind in set(StoreKind) else ""}
    stmt = select(DataStore).where(DataStore.primary_id.is_(None))
    if filters["q"]:
        stmt = stmt.where(DataStore.name.ilike(f"%{filters['q']}%"))
    if team:
        stmt = stmt.where(DataStore.owner_team_id.in_(select(Team.id).where(Team.name == team)))
    if filters["kind"]:
        stmt = stmt.where(DataStore.kind == filters["kind"])
    sortable = {"name": DataStore.name, "engine": DataStore.engine}
    rows, total = paginate(
        session, stmt, offered_sort(paging, set(sortable)), sortable, "name", DataStore.id
    )
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
    return render(
        request,
        "catalog/data_stores.html",
        {
            "active": "catalog",
            "tab": "data-stores",
            "page": page_values(items, total, paging),
            "filters": filters,
            "filtered": any(filters.values()),
            "teams": owner_names(session),
            "kinds": list(StoreKind),
            "users": users,
            "base_url": filter_url("/catalog/data-stores", **filters),
        },
    )
