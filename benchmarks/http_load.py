"""HTTP/1.1 load on raw keep-alive connections (asyncio, uvloop if present): closed-loop clients,
or an open-loop fixed arrival rate.

Raw sockets instead of httpx: on a 2-core machine the generator shares the CPU with the server,
and httpx's per-request overhead would be measured as server latency.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

GOOD_STATUS = 200


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)  # seconds, warm-up excluded
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    window: float = 0.0  # seconds measured (after warm-up)

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def rps(self) -> float:
        return self.requests / self.window if self.window else 0.0

    def percentile_ms(self, q: float) -> float:
        return percentile(sorted(self.latencies), q) * 1000

    def note_error(self, message: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(message)


def percentile(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of sorted values (q in 0..100); 0.0 for no values."""
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def run_load(
    host: str,
    port: int,
    paths: list[str],
    headers: dict[str, str],
    clients: int,
    duration: float,
    warmup: float,
) -> LoadResult:
    """`clients` connections each send a request as soon as the previous answer arrived, cycling
    through `paths`; latencies of requests started after `warmup` seconds are kept."""
    return _event_loop_run(_load(host, port, paths, headers, clients, duration, warmup))


def run_rate(
    host: str,
    port: int,
    paths: list[str],
    headers: dict[str, str],
    rate: float,
    duration: float,
    warmup: float,
) -> LoadResult:
    """Requests at a fixed `rate` per second whether or not earlier ones have been answered;
    latency counts from the scheduled start, so a stalled server is not hidden."""
    return _event_loop_run(_rate(host, port, paths, headers, rate, duration, warmup))


def run_clients(
    host: str, port: int, per_client: list[list[bytes]], duration: float, warmup: float
) -> LoadResult:
    """One closed-loop client per list of prepared requests (`request_bytes`), each cycling
    through its own list: clients with their own credentials and URLs."""
    return _event_loop_run(_clients(host, port, per_client, duration, warmup))


async def _clients(
    host: str, port: int, per_client: list[list[bytes]], duration: float, warmup: float
) -> LoadResult:
    result = LoadResult()
    started = time.perf_counter()
    measure_from, end = started + warmup, started + warmup + duration
    await asyncio.gather(
        *(_client(host, port, requests, measure_from, end, result) for requests in per_client)
    )
    result.window = duration
    return result


def _event_loop_run(work: Coroutine[Any, Any, LoadResult]) -> LoadResult:
    try:
        import uvloop

        return uvloop.run(work)
    except ImportError:
        return asyncio.run(work)


async def _load(
    host: str,
    port: int,
    paths: list[str],
    headers: dict[str, str],
    clients: int,
    duration: float,
    warmup: float,
) -> LoadResult:
    result = LoadResult()
    started = time.perf_counter()
    measure_from, end = started + warmup, started + warmup + duration
    requests = [request_bytes(host, port, path, headers) for path in paths]
    await asyncio.gather(
        *(
            _client(
                host,
                port,
                requests[i % len(requests) :] + requests[: i % len(requests)],
                measure_from,
                end,
                result,
            )
            for i in range(clients)
        )
    )
    result.window = duration
    return result


async def _rate(
    host: str,
    port: int,
    paths: list[str],
    headers: dict[str, str],
    rate: float,
    duration: float,
    warmup: float,
) -> LoadResult:
    result = LoadResult(window=duration)
    requests = [request_bytes(host, port, path, headers) for path in paths]
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    started = time.perf_counter()
    measure_from = started + warmup
    pending: set[asyncio.Task[None]] = set()
    for turn in range(int((warmup + duration) * rate)):
        scheduled = started + turn / rate
        if (delay := scheduled - time.perf_counter()) > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(
            _one(
                host,
                port,
                requests[turn % len(requests)],
                scheduled,
                scheduled >= measure_from,
                idle,
                result,
            )
        )
        pending.add(task)
        task.add_done_callback(pending.discard)
    await asyncio.gather(*pending)
    for _, writer in idle:
        writer.close()
    return result


async def _one(
    host: str,
    port: int,
    request: bytes,
    scheduled: float,
    measured: bool,
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]],
    result: LoadResult,
) -> None:
    writer = None
    try:
        reader, writer = idle.pop() if idle else await asyncio.open_connection(host, port)
        writer.write(request)
        status, keep_open = await _read_response(reader)
    except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
        if writer is not None:
            writer.close()
        if measured:
            result.note_error(f"{type(exc).__name__}: {exc}")
        return
    if measured:
        result.latencies.append(time.perf_counter() - scheduled)
        if status != GOOD_STATUS:
            result.note_error(f"HTTP {status}")
    if keep_open:
        idle.append((reader, writer))
    else:
        writer.close()


def request_bytes(host: str, port: int, path: str, headers: dict[str, str]) -> bytes:
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: {host}:{port}",
        "Connection: keep-alive",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def _client(
    host: str, port: int, requests: list[bytes], measure_from: float, end: float, result: LoadResult
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    turn = 0
    try:
        while (sent := time.perf_counter()) < end:
            request = requests[turn % len(requests)]
            writer.write(request)
            turn += 1
            try:
                status, keep_open = await _read_response(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                if sent >= measure_from:
                    result.note_error(f"{type(exc).__name__}: {exc}")
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
                continue
            if sent >= measure_from:
                result.latencies.append(time.perf_counter() - sent)
                if status != GOOD_STATUS:
                    result.note_error(f"HTTP {status} {request.split(b' ', 2)[1].decode()}")
            if not keep_open:
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
    finally:
        writer.close()


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Status and whether the connection stays open; the body is read and discarded."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length, chunked, keep_open = 0, False, True
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value
        elif name == b"connection":
            keep_open = value != b"close"
    if chunked:
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")
    else:
        await reader.readexactly(length)
    return status, keep_open
