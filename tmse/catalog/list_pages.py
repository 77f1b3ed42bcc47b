"""What every catalog list page shares: its sort choices, paging values, owner choices and
counts of the services that depend on each listed record."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tmse.catalog.models import Dependency
from tmse.core.identity.models import Team
from tmse.core.pagination import ListParams


def offered_sort(paging: ListParams, sortable: set[str]) -> ListParams:
    """A sort the page does not offer falls back to the default instead of an error page."""
    if paging.sort and paging.sort.removeprefix("-") not in sortable:
        return ListParams(limit=paging.limit, offset=paging.offset)
    return paging


def page_values(items: list[Any], total: int, paging: ListParams) -> dict[str, Any]:
    return {"items": items, "total": total, "limit": paging.limit, "offset": paging.offset}


def dependants(session: Session, column: Any, ids: list[int]) -> dict[int, int]:
    """How many services depend on each of `ids` through `column` (an API or store target)."""
    if not ids:
        return {}
    rows = session.execute(
        select(column, func.count(Dependency.id)).where(column.in_(ids)).group_by(column)
    )
    return {target: count for target, count in rows}


def owner_names(session: Session) -> list[str]:
    return list(session.scalars(select(Team.name).order_by(Team.name)))
