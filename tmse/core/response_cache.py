"""A read-through cache of API GET responses, keyed by the database's data version.

Every write in tmse appends to the audit log in its own transaction, so the newest audit id is a
version of all data: a response computed while it was V is still right while it is V. A hit
skips the framework, authentication included — safe because revoking a token, deactivating a
user or changing roles are writes too and move the version on."""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Token last-used times are kept to the minute; an entry older than that goes the full way once.
MAX_AGE_SECONDS = 60.0
# Responses with data that changes without an audited write.
UNCACHED_PREFIXES = ("/api/v1/tokens",)
KEPT_HEADERS = {b"content-type"}


@dataclass(frozen=True)
class _Entry:
    version: int
    stored_at: float
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    route: Any


class ResponseCacheMiddleware:
    """Serves repeated GETs of one URL with one bearer token from memory while the data version
    stays the same; at most `max_bytes` of bodies per process, least recently used out first."""

    def __init__(
        self,
        app: ASGIApp,
        data_version: Callable[[], int],
        max_bytes: int = 16 * 1024 * 1024,
        max_body: int = 512 * 1024,
    ) -> None:
        self.app = app
        self.data_version = data_version
        self.max_bytes = max_bytes
        self.max_body = max_body
        self._entries: OrderedDict[tuple[str, bytes, str], _Entry] = OrderedDict()
        self._bytes = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = _cacheable_token(scope)
        if token is None:
            await self.app(scope, receive, send)
            return
        key = (scope["path"], scope["query_string"], hashlib.sha256(token).hexdigest())
        version = await anyio.to_thread.run_sync(self.data_version)
        entry = self._entries.get(key)
        if (
            entry
            and entry.version == version
            and time.monotonic() - entry.stored_at < MAX_AGE_SECONDS
        ):
            self._entries.move_to_end(key)
            scope["route"] = entry.route  # for the request metrics and log line
            await send(
                {
                    "type": "http.response.start",
                    "status": entry.status,
                    "headers": [*entry.headers, (b"content-length", str(len(entry.body)).encode())],
                }
            )
            await send({"type": "http.response.body", "body": entry.body})
            return
        await self._fill(scope, receive, send, key, version)

    async def _fill(
        self, scope: Scope, receive: Receive, send: Send, key: tuple[str, bytes, str], version: int
    ) -> None:
        status, headers, chunks = 0, [], []

        async def capture(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k in KEPT_HEADERS]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, capture)
        body = b"".join(chunks)
        if status == 200 and len(body) <= self.max_body:
            # Stored under the version read before the data was: if a write slipped in between,
            # the version has moved on and this entry is never served.
            self._store(
                key, _Entry(version, time.monotonic(), status, headers, body, scope.get("route"))
            )

    def _store(self, key: tuple[str, bytes, str], entry: _Entry) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= len(old.body)
        self._entries[key] = entry
        self._bytes += len(entry.body)
        while self._bytes > self.max_bytes and self._entries:
            _, evicted = self._entries.popitem(last=False)
            self._bytes -= len(evicted.body)


def _cacheable_token(scope: Scope) -> bytes | None:
    if scope["type"] != "http" or scope["method"] != "GET":
        return None
    path: str = scope["path"]
    if not path.startswith("/api/v1/") or path.startswith(UNCACHED_PREFIXES):
        return None
    for name, value in scope["headers"]:
        if name == b"authorization" and value[:7].lower() == b"bearer ":
            return bytes(value[7:])
    return None
