"""Admission control: at most N requests per process work at once; the rest wait in the event
loop, holding neither a thread nor a database connection."""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Receive, Scope, Send

# Served straight from the event loop or from files: they never wait behind database work.
UNGATED_PREFIXES = ("/static/", "/healthz")


class ConcurrencyLimitMiddleware:
    """Without a gate, requests that hold a pooled connection between thread-pool hops can starve
    each other of threads and connections until the pool times out."""

    # With one, neither runs out as long as the pool is at least `limit` connections.

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self._semaphore: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(UNGATED_PREFIXES):
            await self.app(scope, receive, send)
            return
        if self._semaphore is None:  # created inside the running loop
            self._semaphore = asyncio.Semaphore(self.limit)
        async with self._semaphore:
            await self.app(scope, receive, send)
