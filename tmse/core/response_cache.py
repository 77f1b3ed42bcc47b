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
from starlette.requests import Request, cookie_parser
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tmse.core.audit import AuditEntry
from tmse.core.db import Database
from tmse.core.deps import SESSION_COOKIE, web_session_id
from tmse.core.identity import credentials

# Token last-used times are kept to the minute; an entry older than that goes the full way once.
MAX_AGE_SECONDS = 60.0
# Responses with data that changes without an audited write.
UNCACHED_PREFIXES = ("/api/v1/tokens",)
KEPT_HEADERS = {b"content-type", b"content-disposition"}


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
            page_key = _page_request(scope)
            page = PAGES.get(page_key) if page_key is not None else None
            if page is not None and await anyio.to_thread.run_sync(_still_valid, scope, page):
                scope["route"] = page.route  # for the request metrics and log line
                await _send(send, 200, page.headers, page.body)
                return
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
            await _send(send, entry.status, entry.headers, entry.body)
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


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    length = (b"content-length", str(len(body)).encode())
    await send({"type": "http.response.start", "status": status, "headers": [*headers, length]})
    await send({"type": "http.response.body", "body": body})


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
    version: DataVersion
    user_id: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    route: Any


def page_key(path: str, query: bytes, cookie: str, accept_language: str) -> tuple[str, bytes, str]:
    """What a kept page is filed under: the URL and every cookie and language the browser sent
    (its session, its CSRF token — which is in the page — and its locale among them)."""
    cookies = sorted(cookie_parser(cookie).items())
    sent = hashlib.sha256(repr((cookies, accept_language)).encode()).hexdigest()
    return (path, query, sent)


class PageCache:
    """Rendered pages kept in memory, at most `max_bytes` of bodies per process, least recently
    used out first, each with the data version it was rendered at and the user it was for.
    Only a plain 200 is kept: nothing that sets a cookie, redirects or shows a one-time message.
    `ResponseCacheMiddleware` serves them while the version stays the same and the browser's
    session still signs that user in."""

    def __init__(self, max_bytes: int = 16 * 1024 * 1024, max_body: int = 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self.max_body = max_body
        self._pages: OrderedDict[Any, _Page] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Any) -> _Page | None:
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                return None
            if time.monotonic() - page.stored_at >= MAX_AGE_SECONDS:
                self._drop(key)
                return None
            self._pages.move_to_end(key)
            return page

    def put(
        self, key: Any, response: Response, version: DataVersion, user_id: int, route: Any = None
    ) -> None:
        headers = response.raw_headers
        if response.status_code != 200 or any(name == b"set-cookie" for name, _ in headers):
            return
        body = bytes(response.body)
        if len(body) > self.max_body:
            return
        kept = [(name, value) for name, value in headers if name != b"content-length"]
        page = _Page(time.monotonic(), version, user_id, kept, body, route)
        with self._lock:
            self._drop(key)
            self._pages[key] = page
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


# Filled by the routes that keep their pages; served by ResponseCacheMiddleware.
PAGES = PageCache()


def _page_request(scope: Scope) -> tuple[str, bytes, str] | None:
    """The key of a signed-in browser's GET of a page (no token, not the API), else None."""
    if scope["type"] != "http" or scope["method"] != "GET" or scope["path"].startswith("/api/"):
        return None
    cookie = accept_language = ""
    for name, value in scope["headers"]:
        if name == b"authorization":
            return None
        if name == b"cookie":
            cookie = value.decode("latin-1")
        elif name == b"accept-language":
            accept_language = value.decode("latin-1")
    if SESSION_COOKIE not in cookie:
        return None
    return page_key(scope["path"], scope["query_string"], cookie, accept_language)


def _still_valid(scope: Scope, page: _Page) -> bool:
    """Same data version, and the browser's session still signs in the page's user (a session
    ended or expired, or a user deactivated, is not served): the route's own checks, in short."""
    request = Request(scope)
    session_id = web_session_id(request)
    if session_id is None:
        return False
    db: Database = request.app.state.db
    with db.session(write=False) as session:
        if data_version(session) != page.version:
            return False
        user = credentials.user_for_web_session(session, session_id)
        return user is not None and user.id == page.user_id
