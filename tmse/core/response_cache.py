"""A read-through cache of API GET responses, keyed by the database's data version.

Every write in tmse appends to the audit log in its own transaction, so the newest audit id is a
version of all data: a response computed while it was V is still right while it is V. A hit
skips the framework, authentication included — safe because revoking a token, deactivating a
user or changing roles are writes too and move the version on."""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio
from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tmse.core.audit import AuditEntry

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


# --- the data version a session reads, for caches inside the application ------------------------

# (database, newest audit id, its hash): the id alone can come back after a rolled-back write.
DataVersion = tuple[str, int, str]
_WROTE = "tmse_uncommitted_writes"


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context: Any) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # committed or rolled back: nothing of its own is pending
        session.info.pop(_WROTE, None)


def data_version(session: Session) -> DataVersion | None:
    """The version of all data as this session reads it, for keeping what is computed from it.

    None when the session holds writes of its own not yet committed (what it reads then is a
    state nobody else sees) or when nothing was ever audited (data loaded behind the audit log's
    back has no version). Read it before the data: a write in between moves it on, so what is
    computed then is kept under a version no later read asks for."""
    if session.info.get(_WROTE):
        return None
    head = session.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    if head is None:
        return None
    return (str(session.connection().engine.url), int(head[0]), str(head[1]))


@dataclass(frozen=True)
class _Page:
    stored_at: float
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


class PageCache:
    """Rendered pages kept in memory, at most `max_bytes` of bodies per process, least recently
    used out first. The caller's key must hold everything the page depends on: the data version,
    who asks and in which locale, their session (the CSRF token is in the page) and the full URL.
    Only a plain 200 is kept: nothing that sets a cookie, redirects or shows a one-time
    message."""

    def __init__(self, max_bytes: int = 16 * 1024 * 1024, max_body: int = 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self.max_body = max_body
        self._pages: OrderedDict[Any, _Page] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Any) -> Response | None:
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                return None
            if time.monotonic() - page.stored_at >= MAX_AGE_SECONDS:
                self._drop(key)
                return None
            self._pages.move_to_end(key)
        response = Response(page.body, status_code=page.status)
        response.raw_headers = [*page.headers, (b"content-length", str(len(page.body)).encode())]
        return response

    def put(self, key: Any, response: Response) -> None:
        headers = response.raw_headers
        if response.status_code != 200 or any(name == b"set-cookie" for name, _ in headers):
            return
        body = bytes(response.body)
        if len(body) > self.max_body:
            return
        kept = [(name, value) for name, value in headers if name != b"content-length"]
        with self._lock:
            self._drop(key)
            self._pages[key] = _Page(time.monotonic(), response.status_code, kept, body)
            self._bytes += len(body)
            while self._bytes > self.max_bytes and self._pages:
                _, evicted = self._pages.popitem(last=False)
                self._bytes -= len(evicted.body)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0

    def _drop(self, key: Any) -> None:
        old = self._pages.pop(key, None)
        if old is not None:
            self._bytes -= len(old.body)
