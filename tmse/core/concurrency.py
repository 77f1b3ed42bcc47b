"""Admission control: at most N requests per process work at once; the rest wait in the event
loop, holding neither a thread nor a database connection. Writes wait ahead of reads, and reads
arriving while a write runs wait for it (briefly) before they even look at the read cache."""

from __future__ import annotations

import asyncio
import contextlib
import weakref
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


# A read (kept answers included) waits this long at most while a write of its process runs: the
# write, not the readers arriving meanwhile, gets the interpreter. Without it, 20 busy readers
# left a write waiting behind their answers for up to a second (mixed_load write P95 192–1,764 ms
# against 78–169 ms with it; a longer wait, 50 ms, added to the reads' P95 and not to the writes').
WRITE_FIRST_SECONDS = 0.025


class _Writes:
    """The writes of one event loop now admitted or waiting, and whether there are none."""

    def __init__(self) -> None:
        self.running = 0
        self.settled = asyncio.Event()
        self.settled.set()


_writes: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Writes] = weakref.WeakKeyDictionary()


def _writes_here() -> _Writes:
    loop = asyncio.get_running_loop()
    found = _writes.get(loop)
    if found is None:
        found = _writes[loop] = _Writes()
    return found


async def writes_settled() -> None:
    """Wait until no write of this event loop is running, or `WRITE_FIRST_SECONDS`."""
    writes = _writes_here()
    if writes.running:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(writes.settled.wait(), WRITE_FIRST_SECONDS)


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
        write = scope["method"] not in READ_METHODS
        writes = _writes_here()
        if write:
            writes.running += 1
            writes.settled.clear()
        try:
            await self._gate.acquire(write=write)
            try:
                await self.app(scope, receive, send)
            finally:
                self._gate.release()
        finally:
            if write:
                writes.running -= 1
                if not writes.running:
                    writes.settled.set()
