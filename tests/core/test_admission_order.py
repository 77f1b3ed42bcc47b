"""A save waits for one request's work, not behind every reader queued before it."""

from __future__ import annotations

import asyncio

from tests.helpers.event_loop import run_on_own_loop
from tmse.core.concurrency import PriorityGate


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
