"""The one way lists are paged, sorted and filtered: ?limit=&offset=&sort=field|-field."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Generic, Literal, TypeVar

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
    # The fields the route declared in its OpenAPI `sort` enum; paginate() holds them to it.
    sort_keys: frozenset[str] | None = None


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


def sorted_by(*keys: str) -> Callable[..., Awaitable[ListParams]]:
    """The paging dependency of a list sortable by `keys`: `?sort=` is an enum of each key and
    its '-' (descending) form in the OpenAPI document."""
    choices = [*keys, *(f"-{key}" for key in keys)]
    sort_type: Any = Literal[tuple(choices)]

    async def params(
        limit: int = Query(50, ge=1, le=MAX_LIMIT, description="Page size."),
        offset: int = Query(0, ge=0, le=INT32_MAX, description="Rows to skip."),
        sort: Any = Query(None, description="Field to sort by; prefix with '-' for descending."),
    ) -> ListParams:
        return ListParams(limit=limit, offset=offset, sort=sort, sort_keys=frozenset(keys))

    signature = inspect.signature(params)
    sort_parameter = signature.parameters["sort"].replace(annotation=sort_type | None)
    params.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*list(signature.parameters.values())[:2], sort_parameter]
    )
    return params


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
    if params.sort_keys is not None and params.sort_keys != set(sortable):
        # A programming error: the route documents other sort fields than the query offers.
        raise RuntimeError(f"sort fields declared {sorted(params.sort_keys)} != {sorted(sortable)}")
    sort = params.sort or default_sort
    descending = sort.startswith("-")
    key = sort.removeprefix("-")
    if key not in sortable:
        raise InvalidInput(
            f"Cannot sort by '{key}'",
            [{"field": "sort", "message": f"choose one of: {', '.join(sorted(sortable))}"}],
        )
    column = sortable[key]
    ordered = stmt.order_by(column.desc() if descending else column.asc(), tiebreak)
    result = session.execute(ordered.limit(params.limit).offset(params.offset))
    rows = list(result.all() if as_rows else result.scalars().all())
    if (rows and len(rows) < params.limit) or (not rows and params.offset == 0):
        # The page holds the end of the list: its rows are the last ones, and no count is needed.
        return rows, params.offset + len(rows)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    return rows, total
