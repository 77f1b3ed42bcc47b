"""Catalog list pages: systems, APIs (with one API's definition and conformance), data stores."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tmse.catalog import apis, entities
from tmse.catalog.models import ApiType, DataStore, Dependency, Service, StoreKind, System
from tmse.catalog.references import names_by_id
from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.errors import InvalidInput, NotFound
from tmse.core.identity.models import Team
from tmse.core.pagination import ListParams, list_params, paginate
from tmse.web.forms import not_found_page
from tmse.web.labels import N_
from tmse.web.page_context import filter_url
from tmse.web.templating import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Actor, Depends(require())]
Paging = Annotated[ListParams, Depends(list_params)]


def _safe(paging: ListParams, sortable: set[str]) -> ListParams:
    """A sort the page does not offer falls back to the default instead of an error page."""
    if paging.sort and paging.sort.removeprefix("-") not in sortable:
        return ListParams(limit=paging.limit, offset=paging.offset)
    return paging


def _page(items: list[Any], total: int, paging: ListParams) -> dict[str, Any]:
    return {"items": items, "total": total, "limit": paging.limit, "offset": paging.offset}


def _dependants(session: Session, column: Any, ids: list[int]) -> dict[int, int]:
    """How many services depend on each of `ids` through `column` (an API or store target)."""
    if not ids:
        return {}
    rows = session.execute(
        select(column, func.count(Dependency.id)).where(column.in_(ids)).group_by(column)
    )
    return {target: count for target, count in rows}


def _owner_names(session: Session) -> list[str]:
    return list(session.scalars(select(Team.name).order_by(Team.name)))


@router.get("/catalog/systems")
def systems_page(
    request: Request,
    session: DbSession,
    _actor: Reader,
    paging: Paging,
    q: str = "",
    team: str = "",
) -> Response:
    filters = {"q": q.strip(), "team": team}
    rows, total = entities.list_systems(
        session, _safe(paging, {"name"}), q=filters["q"] or None, owner=team or None
    )
    counts = dict(
        session.execute(
            select(Service.system_id, func.count())
            .where(Service.system_id.in_([r.id for r in rows]))
            .group_by(Service.system_id)
        ).all()
    )
    items = [
        {"system": out, "services": counts.get(row.id, 0)}
        for row, out in zip(rows, entities.system_out(session, rows), strict=True)
    ]
    return render(
        request,
        "catalog/systems.html",
        {
            "active": "catalog",
            "tab": "systems",
            "page": _page(items, total, paging),
            "filters": filters,
            "filtered": any(filters.values()),
            "teams": _owner_names(session),
            "base_url": filter_url("/catalog/systems", **filters),
        },
    )


@router.get("/catalog/apis")
def apis_page(
    request: Request,
    session: DbSession,
    _actor: Reader,
    paging: Paging,
    q: str = "",
    team: str = "",
    type: str = "",
) -> Response:
    filters = {"q": q.strip(), "team": team, "type": type if type in set(ApiType) else ""}
    rows, total = apis.list_apis(
        session,
        _safe(paging, {"name", "type"}),
        q=filters["q"] or None,
        owner=team or None,
        type=filters["type"] or None,
    )
    consumers = _dependants(session, Dependency.target_api_id, [r.id for r in rows])
    items = [
        {"api": out, "consumers": consumers.get(row.id, 0)}
        for row, out in zip(rows, apis.api_out(session, rows), strict=True)
    ]
    return render(
        request,
        "catalog/apis.html",
        {
            "active": "catalog",
            "tab": "apis",
            "page": _page(items, total, paging),
            "filters": filters,
            "filtered": any(filters.values()),
            "teams": _owner_names(session),
            "types": list(ApiType),
            "base_url": filter_url("/catalog/apis", **filters),
        },
    )


@router.get("/catalog/apis/{name}")
def api_page(request: Request, session: DbSession, _actor: Reader, name: str) -> Response:
    try:
        row = apis.get_api(session, name)
    except NotFound:
        return not_found_page(request, N_("This API does not exist."))
    conformance = None
    conformance_error = None
    if row.type == ApiType.OPENAPI and row.definition.strip():
        try:
            conformance = apis.api_conformance(session, name)
        except InvalidInput as exc:
            errors = exc.extra.get("errors", [])
            conformance_error = errors[0] if errors else {"message": exc.detail}
    return render(
        request,
        "catalog/api.html",
        {
            "active": "catalog",
            "tab": "apis",
            "api": apis.api_detail(session, row),
            "conformance": conformance,
            "conformance_error": conformance_error,
        },
    )


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
        session, stmt, _safe(paging, set(sortable)), sortable, "name", DataStore.id
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
    users = _dependants(
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
            "page": _page(items, total, paging),
            "filters": filters,
            "filtered": any(filters.values()),
            "teams": _owner_names(session),
            "kinds": list(StoreKind),
            "users": users,
            "base_url": filter_url("/catalog/data-stores", **filters),
        },
    )
