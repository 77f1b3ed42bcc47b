"""A read-through cache of GET responses — the API by bearer token, pages by browser — each kept
with the versions of the tables its computation read (`tmse.core.table_versions`)."""

# A write moves on the versions of the tables it wrote, in its own transaction, so a kept answer
# is served only while nothing it was computed from has changed; a write elsewhere leaves it be.
# An API hit skips the framework, authentication included — safe because revoking a token,
# deactivating a user or changing roles are writes to tables every authenticated answer read.

from __future__ import annotations

import asyncio
import hashlib
import re
import time

import anyio
from prometheus_client import Counter
from sqlalchemy.orm import Session
from starlette.requests import Request, cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tmse.core.actor import Actor
from tmse.core.concurrency import writes_settled
from tmse.core.db import Database
from tmse.core.deps import SESSION_COOKIE, web_session_id
from tmse.core.identity import credentials
from tmse.core.response_store import Entry, ResponseStore, RoutePath
from tmse.core.table_versions.sessions import session_versions, versions_at_start
from tmse.core.table_versions.tracking import (
    Versions,
    collecting,
    current_versions,
    note_read,
    versions_at,
)

# Responses with data that changes without a versioned write (a token's last use).
UNCACHED_PREFIXES = ("/api/v1/tokens",)
# Pages that sign in and out, or show a secret once.
UNCACHED_PAGES = ("/login", "/logout", "/tokens", "/account")
# The one-time confirmation after a redirect-after-post (`tmse.web.page_context.saved_flash`).
ONE_TIME_MESSAGE = re.compile(rb"(?:^|&)saved=")
KEPT_HEADERS = {b"content-type", b"content-disposition"}
_SIGN_IN_READS = "tmse_sign_in_reads"  # request state: what signing the browser in read
LOOKUPS = Counter(
    "tmse_read_cache_lookups_total", "Read cache lookups by kind and result", ["kind", "result"]
)


class ResponseCacheMiddleware:
    """Serves repeated GETs of one URL — by one bearer token, or one signed-in browser — from the
    store while the versions of the tables they were computed from stay the same."""

    def __init__(
        self,
        app: ASGIApp,
        db: Database,
        max_bytes: int = 32 * 1024 * 1024,
        shared_dir: str | None = None,
    ) -> None:
        self.app = app
        self.db = db
        self.store = ResponseStore(max_bytes, shared_dir=shared_dir)
        self._computing: dict[tuple[int, tuple[str, str, bytes, str]], anyio.Event] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = _cacheable_token(scope)
        if token is not None:
            key = ("api", scope["path"], scope["query_string"], hashlib.sha256(token).hexdigest())
        elif (page := _page_request(scope)) is not None:
            key = page
        else:
            await self.app(scope, receive, send)
            return
        kind = key[0]
        await writes_settled()  # a write of this process goes first
        # Per event loop: an event is set and awaited on one loop (tests drive an app from several).
        slot = (id(asyncio.get_running_loop()), key)
        entry, current = await self._lookup(scope, key)
        computing = self._computing.get(slot)
        if entry is None and computing is not None:
            # The same answer is being computed for another request of this process: one
            # computation serves both (many readers arrive at once after a write).
            await computing.wait()
            entry, current = await self._lookup(scope, key)
        if entry is not None:
            scope["route"] = entry.route  # for the request metrics and log line
            LOOKUPS.labels(kind, "hit").inc()
            await _send(send, entry.status, entry.headers, entry.body)
            return
        LOOKUPS.labels(kind, "miss").inc()
        leading = slot not in self._computing
        if leading:
            self._computing[slot] = anyio.Event()
        try:
            with collecting() as read:
                note_read(scope.get("state", {}).get(_SIGN_IN_READS, ()))
                with versions_at_start(self.db.read_engine, current):
                    status, headers, body = await _run(self.app, scope, receive, send)
            # Kept at the versions read before the data was: if a write slipped in between,
            # a version has moved on and this entry is never served.
            kept = _kept(kind, scope, status, headers, versions_at(current, read), body)
            if kept is not None:
                self.store.put(key, kept)
        finally:
            if leading:
                self._computing.pop(slot).set()

    async def _lookup(
        self, scope: Scope, key: tuple[str, str, bytes, str]
    ) -> tuple[Entry | None, dict[str, int]]:
        """The kept entry still right now (for a page: for the user the browser signs in), and
        the versions now."""
        # On the event loop: one or two indexed reads cost less CPU than a trip to a worker
        # thread and back, and the loop waits for a busy thread's interpreter lock anyway.
        if key[0] == "api":
            with self.db.read_engine.connect() as connection:
                current = current_versions(connection)
            return self.store.get(key, current), current
        with collecting() as identity:
            current, actor = _signed_in_user(scope)
        if actor is not None:
            # The route signs in the same user (`tmse.core.deps.optional_actor`) without asking
            # again; a page computed now depends on what this sign-in read.
            scope.setdefault("state", {})["actor"] = actor
            scope["state"][_SIGN_IN_READS] = identity
        page = self.store.get(key, current)
        if page is None or actor is None or actor.user_id != page.user_id:
            return None, current
        return page, current


def _kept(
    kind: str,
    scope: Scope,
    status: int,
    headers: list[tuple[bytes, bytes]],
    versions: Versions,
    body: bytes,
) -> Entry | None:
    """What to keep of an answer: an API 200, or a plain page for the user it signed in."""
    if kind == "api":
        if status != 200:
            return None
        kept = [(name, value) for name, value in headers if name in KEPT_HEADERS]
        return Entry(versions, time.time(), status, kept, body, _route(scope))
    # Whom the route signed in, from the session cookie (`tmse.core.deps.optional_actor`).
    signed_in = getattr(scope.get("state", {}).get("actor"), "user_id", None)
    if signed_in is None or not _plain_page(status, headers):
        return None
    kept = [(name, value) for name, value in headers if name != b"content-length"]
    return Entry(versions, time.time(), 200, kept, body, _route(scope), signed_in)


def _route(scope: Scope) -> RoutePath | None:
    path = getattr(scope.get("route"), "path", None)
    return RoutePath(path) if isinstance(path, str) else None


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


def page_key(
    path: str, query: bytes, cookie: str, accept_language: str
) -> tuple[str, str, bytes, str]:
    """What a kept page is filed under: the URL and every cookie and language the browser sent
    (its session, its CSRF token — which is in the page — and its locale among them)."""
    cookies = sorted(cookie_parser(cookie).items())
    sent = hashlib.sha256(repr((cookies, accept_language)).encode()).hexdigest()
    return ("page", path, query, sent)


def _page_request(scope: Scope) -> tuple[str, str, bytes, str] | None:
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


def _signed_in_user(scope: Scope) -> tuple[dict[str, int], Actor | None]:
    """Every table's version now, and who the browser's session signs in (None when it has
    ended or expired, or the user is deactivated): the route's own check, in short."""
    request = Request(scope)
    session_id = web_session_id(request)
    db: Database = request.app.state.db
    with db.session(write=False) as session:
        current = current_versions(session.connection())
        if session_id is None:
            return current, None
        user = credentials.user_for_web_session(session, session_id)
        return current, credentials.actor_for(user) if user is not None else None
