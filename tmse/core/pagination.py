"""The one way lists are paged, sorted and filtered: ?limit=&offset=&sort=field|-field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.orm import QueryableAttribute, Session

from tmse.core.errors import InvalidInput
from tmse.core.input_types import INT32_MAX

T = TypeVar("T")
MAX_LIMIT = 500
SORT_PATTERN = r"^-?[a-z][a-z0-9_]*$"


class ListParams(BaseModel):
    limit: int = 50
    offset: int = 0
    sort: str | None = None


async def list_params(
    limit: int = Query(50, ge=1, le=MAX_LIMIT, description="Page size."),
    offset: int = Query(0, ge=0, le=INT32_MAX, description="Rows to skip."),
    sort: str | None = Query(
        None,
        max_length=60,
        pattern=SORT_PATTERN,
        description="Field to sort by; prefix with '-' for descending.",
    ),
) -> ListParams:
    return ListParams(limit=limit, offset=offset, sort=sort)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


def paginate(
    session: Session,
    stmt: Select[Any],
    params: ListParams,
    sortable: Mapping[str, QueryableAttribute[Any]],
    default_sort: str,
    tiebreak: QueryableAttribute[Any],
    as_rows: bool = False,
) -> tuple[list[Any], int]:
    """Rows of one page and the total; an unknown sort field is a 422 naming `sort`.
    `as_rows` returns the named rows of a multi-column select instead of ORM objects."""
    sort = params.sort or default_sort
    descending = sort.startswith("-")
    key = sort.removeprefix("-")
    if key not in sortable:
        raise InvalidInput(
            f"Cannot sort by '{key}'",
            [{"field": "sort", "message": f"choose one of: {', '.join(sorted(sortable))}"}],
        )
    column = sortable[key]
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    ordered = stmt.order_by(column.desc() if descending else column.asc(), tiebreak)
    result = session.execute(ordered.limit(params.limit).offset(params.offset))
    return list(result.all() if as_rows else result.scalars().all()), total
