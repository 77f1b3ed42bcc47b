"""Admission control: at most N requests per process work at once; the rest wait in the event
loop, holding neither a thread nor a database connection. Writes wait ahead of reads."""

from __future__ import annotations

import asyncio
from collections import deque

from starlette.types import ASGIApp, Receive, Scope, Send

# Served straight from the event loop or from files: they never wait behind database work.
UNGATED_PREFIXES = ("/static/", "/healthz")
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class PriorityGate:
    """A semaphore whose freed slots go to waiting writes first, then reads, in arrival order."""

    # A person saving a form waits for one request's work, not for every reader queued before it.

    def __init__(self, limit: int) -> None:
        self.free = limit
        self.waiting: tuple[deque[asyncio.Future[None]], deque[asyncio.Future[None]]] = (
            deque(),
            deque(),
        )

    async def acquire(self, write: bool) -> None:
        if self.free > 0 and not any(self.waiting):
            self.free -= 1
            return
        admitted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self.waiting[0 if write else 1]
        queue.append(admitted)
        try:
            await admitted
        except asyncio.CancelledError:
            if admitted.done() and not admitted.cancelled():
                self.release()  # admitted just as the client went away: pass the slot on
            else:
                queue.remove(admitted)
            raise

    def release(self) -> None:
        for queue in self.waiting:
            while queue:
                admitted = queue.popleft()
                if admitted.done():
                    continue
                loop = admitted.get_loop()
                if _running_loop() is loop:
                    admitted.set_result(None)
                else:  # a waiter on another event loop (tests drive one app from several)
                    loop.call_soon_threadsafe(self._admit, admitted)
                return
        self.free += 1

    def _admit(self, admitted: asyncio.Future[None]) -> None:
        if admitted.done():
            self.release()  # it went away meanwhile: pass the slot on
        else:
            admitted.set_result(None)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class ConcurrencyLimitMiddleware:
    """Without a gate, requests that hold a pooled connection between thread-pool hops can starve
    each other of threads and connections until the pool times out."""

    # With one, neither runs out as long as the pool is at least `limit` connections.

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self._gate: PriorityGate | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(UNGATED_PREFIXES):
            await self.app(scope, receive, send)
            return
        if self._gate is None:  # created inside the running loop
            self._gate = PriorityGate(self.limit)
        await self._gate.acquire(write=scope["method"] not in READ_METHODS)
        try:
            await self.app(scope, receive, send)
        finally:
            self._gate.release()
