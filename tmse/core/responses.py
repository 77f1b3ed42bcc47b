"""A route's answer made as FastAPI makes it from `response_model`, on the route's own thread."""

# FastAPI checks what a plain `def` route returns against its `response_model` on a worker thread
# of its own (a second trip through the thread pool for each request), then dumps it to JSON. A
# route that returns `json_response(value, ItsModel)` does the same check and dump while still on
# the route's thread, and keeps `response_model=ItsModel` for the OpenAPI document. The bytes are
# FastAPI's: the same validation (from attributes) and the same dump (by alias).

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter
from starlette.responses import Response

_adapters: dict[Any, TypeAdapter[Any]] = {}


def json_response(content: Any, schema: Any, status_code: int = 200) -> Response:
    """`content` validated as `schema` (a response model) and sent as JSON."""
    adapter = _adapters.get(schema)
    if adapter is None:
        adapter = _adapters[schema] = TypeAdapter(schema)
    value = adapter.validate_python(content, from_attributes=True)
    return Response(
        adapter.dump_json(value, by_alias=True), status_code, media_type="application/json"
    )
