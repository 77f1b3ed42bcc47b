"""A save waits for one request's work, not behind every reader queued before it."""

from __future__ import annotations

import asyncio

from tests.helpers.event_loop import run_on_own_loop
from tmse.core import concurrency
from tmse.core.concurrency import ConcurrencyLimitMiddleware, PriorityGate
from tmse.core.response_cache import ResponseCacheMiddleware


def test_a_waiting_write_is_admitted_before_reads_that_queued_first() -> None:
    async def scenario() -> list[str]:
        gate = PriorityGate(limit=1)
        order: list[str] = []
        await gate.acquire(write=False)  # a read is working; everyone else waits

        async def request(name: str, write: bool) -> None:
            await gate.acquire(write=write)
            order.append(name)
            await asyncio.sleep(0)
            gate.release()

        waiting = [asyncio.create_task(request(f"read {i}", False)) for i in range(3)]
        await asyncio.sleep(0)
        waiting.append(asyncio.create_task(request("write", True)))
        await asyncio.sleep(0)
        gate.release()
        await asyncio.gather(*waiting)
        return order

    assert run_on_own_loop(scenario()) == ["write", "read 0", "read 1", "read 2"]


def test_a_client_that_leaves_the_queue_does_not_hold_a_slot() -> None:
    async def scenario() -> int:
        gate = PriorityGate(limit=1)
        await gate.acquire(write=False)
        gone = asyncio.create_task(gate.acquire(write=True))
        await asyncio.sleep(0)
        gone.cancel()
        await asyncio.gather(gone, return_exceptions=True)
        gate.release()
        await asyncio.wait_for(gate.acquire(write=False), timeout=1)  # the slot came back
        return gate.free

    assert run_on_own_loop(scenario()) == 0


def test_kept_answers_wait_while_a_write_of_their_process_runs(db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A save gets the interpreter first: readers asking meanwhile, even for kept answers, are
    answered once it is done (or after `WRITE_FIRST_SECONDS` at most)."""
    monkeypatch.setattr(concurrency, "WRITE_FIRST_SECONDS", 60.0)  # only the write's end counts

    async def scenario() -> list[str]:
        order: list[str] = []
        saving = asyncio.Event()
        finish = asyncio.Event()

        async def app(scope, receive, send):  # type: ignore[no-untyped-def]
            if scope["method"] == "POST":
                saving.set()
                await finish.wait()
                order.append("write done")
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"[]"})

        stack = ResponseCacheMiddleware(ConcurrencyLimitMiddleware(app, limit=3), db)

        async def request(method: str) -> None:
            scope = {
                "type": "http",
                "method": method,
                "path": "/api/v1/teams",
                "query_string": b"",
                "headers": [(b"authorization", b"Bearer reader")],
            }

            async def receive():  # type: ignore[no-untyped-def]
                return {"type": "http.request", "body": b""}

            async def send(message):  # type: ignore[no-untyped-def]
                if message["type"] == "http.response.body":
                    order.append(f"{method} answered")

            await stack(scope, receive, send)

        await request("GET")  # computed and kept
        write = asyncio.create_task(request("POST"))
        await saving.wait()
        read = asyncio.create_task(request("GET"))  # kept, yet it waits for the write
        for _ in range(20):
            await asyncio.sleep(0)
        order.append("write finishing")
        finish.set()
        await asyncio.gather(write, read)
        return order

    assert run_on_own_loop(scenario()) == [
        "GET answered",
        "write finishing",
        "write done",
        "POST answered",
        "GET answered",
    ]
