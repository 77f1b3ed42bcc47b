"""An APIRouter that tells the app "none of mine" for a path no route of it can match, at once."""

# FastAPI keeps each included router as one entry of the app's route list, and learns whether it
# matches by trying each of its routes' regular expressions in turn: a request for a route late
# in the list paid for every route before it. This router first holds the path against the
# literal beginnings of its routes (up to the first `{`), in one `str.startswith` call, and tries
# its routes only when one of them can match. Which routes match, and in what order, is FastAPI's
# as before; so are 404, 405 and slash redirects.

from __future__ import annotations

import threading
from typing import Any

from fastapi import APIRouter
from fastapi import routing as fastapi_routing
from starlette._utils import get_route_path
from starlette.routing import Match, Route, WebSocketRoute
from starlette.types import Scope

# Where FastAPI notes the included router being tried; without it (another FastAPI) no shortcut.
_included_router: Any = getattr(fastapi_routing, "_get_scope_included_router", None)


class Router(APIRouter):
    """APIRouter with a cheap first test of the path; use it as APIRouter."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._heads: dict[str, tuple[object, tuple[str, ...] | None]] = {}
        self._heads_lock = threading.Lock()

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        included = _included_router(scope) if _included_router is not None else None
        if included is not None and getattr(included, "original_router", None) is self:
            heads = self._heads_at(included.include_context.prefix)
            if heads is not None and not get_route_path(scope).startswith(heads):
                return Match.NONE, {}
        return super().matches(scope)

    def _heads_at(self, prefix: str) -> tuple[str, ...] | None:
        """The literal beginnings of every route path below this router, included at `prefix`;
        None when some route is of a kind whose paths are not known here."""
        version = _routes_version(self)
        kept = self._heads.get(prefix)
        if kept is not None and kept[0] == version:
            return kept[1]
        found = route_heads(self)
        heads = None if found is None else tuple(prefix + head for head in found)
        with self._heads_lock:
            self._heads[prefix] = (version, heads)
        return heads


def route_heads(router: APIRouter) -> list[str] | None:
    """Each route path of `router` (and of routers included in it) up to its first parameter."""
    if getattr(router, "_low_priority_routes", None) or getattr(router, "_frontend_routes", None):
        return None
    heads: list[str] = []
    for route in router.routes:
        included = getattr(route, "original_router", None)
        if isinstance(included, APIRouter):
            below = route_heads(included)
            if below is None:
                return None
            prefix = str(getattr(route, "include_context").prefix)  # noqa: B009
            heads += [prefix + head for head in below]
        elif isinstance(route, Route | WebSocketRoute | fastapi_routing.APIRoute):
            heads.append(route.path.split("{", 1)[0])
        else:
            return None
    return heads


def _routes_version(router: APIRouter) -> object:
    """FastAPI's count of route changes below `router` (the number of routes on another)."""
    version = getattr(router, "_get_routes_version", None)
    return version() if version is not None else len(router.routes)
