"""A read-through cache of GET responses — the API by bearer token, pages by browser — each kept
with the versions of the tables its computation read (`tmse.core.table_versions`)."""

# A write moves on the versions of the tables it wrote, in its own transaction, so a kept answer
# is served only while nothing it was computed from has changed; a write elsewhere leaves it be.
# An API hit skips the framework, authentication included — safe because revoking a token,
# deactivating a user or changing roles are writes to tables every authenticated answer read.

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio
from prometheus_client import Counter
from sqlalchemy.orm import Session
from starlette.requests import Request, cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tmse.core.db import Database
from tmse.core.deps import SESSION_COOKIE, web_session_id
from tmse.core.identity import credentials
from tmse.core.table_versions.sessions import session_versions
from tmse.core.table_versions.tracking import (
    Versions,
    collecting,
    current_versions,
    still_current,
    versions_at,
)

# Token last-used times are kept to the minute; an entry older than that goes the full way once.
MAX_AGE_SECONDS = 60.0
# Responses with data that changes without a versioned write (a token's last use).
UNCACHED_PREFIXES = ("/api/v1/tokens",)
# Pages that sign in and out, or show a secret once.
UNCACHED_PAGES = ("/login", "/logout", "/tokens", "/account")
# The one-time confirmation after a redirect-after-post (`tmse.web.page_context.saved_flash`).
ONE_TIME_MESSAGE = re.compile(rb"(?:^|&)saved=")
KEPT_HEADERS = {b"content-type", b"content-disposition"}
LOOKUPS = Counter(
    "tmse_read_cache_lookups_total", "Read cache lookups by kind and result", ["kind", "result"]
)


@dataclass(frozen=True)
class _Entry:
    versions: Versions
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
        versions: Callable[[], dict[str, int]],
        max_bytes: int = 16 * 1024 * 1024,
        max_body: int = 512 * 1024,
    ) -> None:
        self.app = app
        self.versions = versions
        self.max_bytes = max_bytes
        self.max_body = max_body
        self._entries: OrderedDict[tuple[str, bytes, str], _Entry] = OrderedDict()
        self._bytes = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = _cacheable_token(scope)
        if token is None:
            key = _page_request(scope)
            if key is None:
                await self.app(scope, receive, send)
            else:
                await self._page(scope, receive, send, key)
            return
        key = (scope["path"], scope["query_string"], hashlib.sha256(token).hexdigest())
        current = await anyio.to_thread.run_sync(self.versions)
        entry = self._entries.get(key)
        if (
            entry
            and still_current(entry.versions, current)
            and time.monotonic() - entry.stored_at < MAX_AGE_SECONDS
        ):
            self._entries.move_to_end(key)
            scope["route"] = entry.route  # for the request metrics and log line
            LOOKUPS.labels("api", "hit").inc()
            await _send(send, entry.status, entry.headers, entry.body)
            return
        LOOKUPS.labels("api", "miss").inc()
        with collecting() as read:
            status, headers, body = await _run(self.app, scope, receive, send)
        if status == 200 and len(body) <= self.max_body:
            # Kept at the versions read before the data was: if a write slipped in between,
            # a version has moved on and this entry is never served.
            entry = _Entry(
                versions_at(current, read),
                time.monotonic(),
                status,
                [(k, v) for k, v in headers if k in KEPT_HEADERS],
                body,
                scope.get("route"),
            )
            self._store(key, entry)

    async def _page(
        self, scope: Scope, receive: Receive, send: Send, key: tuple[str, bytes, str]
    ) -> None:
        page = PAGES.get(key)
        if page is None:
            current = await anyio.to_thread.run_sync(self.versions)
        else:
            current, user_id = await anyio.to_thread.run_sync(_signed_in_user, scope)
            if user_id == page.user_id and still_current(page.versions, current):
                scope["route"] = page.route  # for the request metrics and log line
                LOOKUPS.labels("page", "hit").inc()
                await _send(send, 200, page.headers, page.body)
                return
        LOOKUPS.labels("page", "miss").inc()
        with collecting() as read:
            status, headers, body = await _run(self.app, scope, receive, send)
        # Whom the route signed in, from the session cookie (`tmse.core.deps.optional_actor`).
        actor = scope.get("state", {}).get("actor")
        user_id = getattr(actor, "user_id", None)
        if user_id is not None and _plain_page(status, headers):
            PAGES.keep(key, headers, body, versions_at(current, read), user_id, scope.get("route"))

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


async def _run(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send
) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Run the app, passing its response on; its status, headers and body."""
    status, headers, chunks = 0, [], []

    async def capture(message: Message) -> None:
        nonlocal status, headers
        if message["type"] == "http.response.start":
            status = message["status"]
            headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
        await send(message)

    await app(scope, receive, capture)
    return status, headers, b"".join(chunks)


def _plain_page(status: int, headers: list[tuple[bytes, bytes]]) -> bool:
    """A 200 HTML page that sets no cookie and is no download: the same for the next visit."""
    if status != 200:
        return False
    names = {name.lower(): value for name, value in headers}
    return (
        names.get(b"content-type", b"").startswith(b"text/html")
        and b"set-cookie" not in names
        and b"content-disposition" not in names
    )


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


def data_version(session: Session) -> Versions | None:
    """Every table's version as this session reads it; None while the session holds uncommitted
    writes of its own."""
    current = session_versions(session)
    return None if current is None else versions_at(current, current)


@dataclass(frozen=True)
class _Page:
    stored_at: float
    versions: Versions
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
    """Rendered pages kept in memory (at most `max_bytes` per process, least recently used out
    first), each with the versions of the tables it was rendered from and the user it was for."""

    # Only a plain 200 is kept: nothing that sets a cookie, redirects or is a download.
    # `ResponseCacheMiddleware` fills it and serves a page while those versions hold and the
    # browser's session still signs that user in.

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

    def keep(
        self,
        key: Any,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
        versions: Versions,
        user_id: int,
        route: Any = None,
    ) -> None:
        if len(body) > self.max_body:
            return
        kept = [(name, value) for name, value in headers if name != b"content-length"]
        page = _Page(time.monotonic(), versions, user_id, kept, body, route)
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


# Filled and served by ResponseCacheMiddleware.
PAGES = PageCache()


def _page_request(scope: Scope) -> tuple[str, bytes, str] | None:
    """The key of a signed-in browser's GET of a page (no token, not the API), else None."""
    if (
        scope["type"] != "http"
        or scope["method"] != "GET"
        or scope["path"].startswith(("/api/", *UNCACHED_PAGES))
        or ONE_TIME_MESSAGE.search(scope["query_string"])
    ):
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


def _signed_in_user(scope: Scope) -> tuple[dict[str, int], int | None]:
    """Every table's version now, and the user the browser's session signs in (None when it has
    ended or expired, or the user is deactivated): the route's own check, in short."""
    request = Request(scope)
    session_id = web_session_id(request)
    db: Database = request.app.state.db
    with db.session(write=False) as session:
        current = current_versions(session.connection())
        if session_id is None:
            return current, None
        user = credentials.user_for_web_session(session, session_id)
        return current, user.id if user is not None else None
