"""Running a coroutine from a test on an event loop of its own."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def run_on_own_loop(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """On a thread of its own: a loop an earlier test left running here does not get in the way."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
