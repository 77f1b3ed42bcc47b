"""Request bodies have a size limit: a larger one for the import routes, which declare it with
@accepts_import_body, a smaller one for every other write. Past it the answer is 413."""

# The limit is enforced on the bytes as they arrive, so a chunked body without Content-Length is cut
# off at the limit too; nothing past it is read.

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tmse.core.errors import problem_response

try:
    from fastapi.routing import iter_route_contexts as _route_contexts
except ImportError:  # pragma: no cover - FastAPI before 0.165 keeps included routes flat

    def _route_contexts(routes: Any) -> Any:  # type: ignore[misc]
        return routes


IMPORT_BODY = "tmse_import_body"
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def accepts_import_body(endpoint: Endpoint) -> Endpoint:
    """Mark a route's endpoint as an import: its body may reach the import limit."""
    # Put it under the router's decorator: `@router.post(...)` then `@accepts_import_body`.
    setattr(endpoint, IMPORT_BODY, True)
    return endpoint


class BodyTooLarge(HTTPException):
    """Raised from `receive` when the body passes the limit; answered as 413 problem+json."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, _detail(limit))
        self.limit = limit


def _detail(limit: int) -> str:
    return (
        f"The request body is larger than {_size(limit)}, the limit for this route; send less, "
        "or split an import into several files."
    )


def _size(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g} MB"
    return f"{limit / 1024:g} KB" if limit >= 1024 else f"{limit} bytes"


class BodyLimitMiddleware:
    """Counts body bytes per request against the route's limit; the import routes are found once
    from the app's routes by the mark on their endpoints."""

    def __init__(self, app: ASGIApp, limit: int, import_limit: int) -> None:
        self.app = app
        self.limit = limit
        self.import_limit = import_limit
        self._import_routes: list[tuple[re.Pattern[str], set[str]]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.import_limit if self._is_import(scope) else self.limit
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(scope, receive, send, limit)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge:
            # Raised outside the routes (a middleware buffering the body): answer here.
            if started:
                raise
            await _refuse(scope, receive, send, limit)

    def _is_import(self, scope: Scope) -> bool:
        if self._import_routes is None:
            routes = scope["app"].router.routes if "app" in scope else []
            self._import_routes = list(_marked_routes(routes))
        path, method = scope["path"], scope["method"]
        return any(
            pattern.match(path) and method in methods for pattern, methods in self._import_routes
        )


def _marked_routes(routes: list[Any]) -> Iterator[tuple[re.Pattern[str], set[str]]]:
    """(path pattern, methods) of every route whose endpoint is marked, included routers too."""
    for route in _route_contexts(routes):
        path = getattr(route, "path", None)
        if isinstance(path, str) and getattr(getattr(route, "endpoint", None), IMPORT_BODY, False):
            pattern, _, _ = compile_path(path)
            yield pattern, set(route.methods or ())


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() and len(value) <= 18 else None
    return None


async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    response = problem_response(Request(scope), 413, "content-too-large", _detail(limit))
    response.headers["Connection"] = "close"
    await response(scope, receive, send)


async def _on_body_too_large(request: Request, exc: Exception) -> Any:
    assert isinstance(exc, BodyTooLarge)
    return problem_response(request, 413, "content-too-large", exc.detail)


def install_body_limit(app: FastAPI, limit_mb: float, import_limit_mb: float) -> None:
    """Add the middleware and the 413 handler; call it where the middleware should sit."""
    app.add_exception_handler(BodyTooLarge, _on_body_too_large)
    app.add_middleware(
        BodyLimitMiddleware,
        limit=int(limit_mb * 1024 * 1024),
        import_limit=int(import_limit_mb * 1024 * 1024),
    )
