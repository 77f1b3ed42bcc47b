"""Integer path and query parameters stay within the columns they are looked up in (int32), so a
page never sends the database a number it cannot hold."""

# A path id past it is a record that cannot exist (404), a query value past it a 422 naming the
# parameter.

from __future__ import annotations

import types
import typing
from typing import Any

from fastapi import Request
from fastapi.routing import APIRoute

from tmse.core.errors import InvalidInput, NotFound
from tmse.core.input_types import INT32_MAX


def refuse_out_of_range_integers(request: Request) -> None:
    """Check the route's parameters declared as integers before the route reads them."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    for parameter in route.dependant.path_params:
        if _is_integer(parameter.field_info.annotation) and not _fits(
            request.path_params.get(parameter.alias)
        ):
            raise NotFound("No such record.")
    bad = [
        {"field": p.alias, "message": f"must be an integer from {-INT32_MAX - 1} to {INT32_MAX}"}
        for p in route.dependant.query_params
        if _is_integer(p.field_info.annotation)
        and not all(_fits(value) for value in request.query_params.getlist(p.alias))
    ]
    if bad:
        raise InvalidInput("Invalid input: " + ", ".join(item["field"] for item in bad), bad)


def _is_integer(annotation: Any) -> bool:
    if annotation is int:
        return True
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list, typing.Annotated):
        return any(_is_integer(argument) for argument in typing.get_args(annotation))
    return False


def _fits(value: Any) -> bool:
    """Anything that is not an integer is left to the route's own validation."""
    if isinstance(value, int):
        return -INT32_MAX - 1 <= value <= INT32_MAX
    text = str(value or "").strip()
    digits = text[1:] if text[:1] in ("+", "-") else text
    if not (digits.isascii() and digits.isdigit()):
        return True
    return len(digits) <= 10 and -INT32_MAX - 1 <= int(text) <= INT32_MAX
