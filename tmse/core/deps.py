"""FastAPI dependencies: the request's database session, who is acting, and the permission check."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated

import anyio.to_thread
from anyio import CancelScope, CapacityLimiter
from fastapi import BackgroundTasks, Depends, Request
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.db import Database, utcnow
from tmse.core.errors import Forbidden, Unauthorized
from tmse.core.i18n import choose_locale
from tmse.core.identity import credentials
from tmse.core.permissions import READ
from tmse.core.signing import unsign
from tmse.core.version_memo import VersionMemo

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_COOKIE = "tmse_session"


def reader_locale(request: Request, actor: Actor) -> str:
    """The language an API answer's generated text is rendered in: the user's saved language,
    else the server's; not Accept-Language, which caches ignore."""
    return choose_locale(actor.locale, None, None, request.app.state.settings.default_locale)


def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def _request_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request, committed before the response is sent; reads may go to the
    replica, writes take the writer (and on SQLite its lock) up front."""
    write = request.method not in SAFE_METHODS
    unit = database(request).session(write=write)
    # Entering touches no connection (the session takes one at its first statement), so it runs
    # here rather than on a worker thread; so does ending a read (a rollback, cheaper than the
    # trip to a thread), while committing a write does I/O and goes to one.
    session = unit.__enter__()
    try:
        yield session
    except BaseException as error:
        if not write:
            if not unit.__exit__(type(error), error, error.__traceback__):
                raise
            return
        with CancelScope(shield=True):
            handled = await anyio.to_thread.run_sync(
                unit.__exit__, type(error), error, error.__traceback__, limiter=CapacityLimiter(1)
            )
        if not handled:
            raise
    else:
        if not write:
            unit.__exit__(None, None, None)
            return
        # Its own limiter, as FastAPI's: a request holding a connection never waits for a thread
        # behind requests that wait for a connection.
        with CancelScope(shield=True):
            await anyio.to_thread.run_sync(
                unit.__exit__, None, None, None, limiter=CapacityLimiter(1)
            )


DbSession = Annotated[Session, Depends(_request_session, scope="function")]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


async def optional_actor(
    request: Request, session: DbSession, background: BackgroundTasks
) -> Actor | None:
    """The actor of this request from a bearer token or the session cookie, if any."""
    # A read looks it up on the event loop: the answer is kept per token (a lookup of it reads one
    # small table), and the cookie's is signed in by the read cache already; a trip to a thread
    # would cost more CPU. A write's first statement takes the writer (on SQLite, waits for its
    # lock), which must never hold the loop: it goes to a thread.
    if request.method in SAFE_METHODS:
        return actor_of(request, session, background)
    return await anyio.to_thread.run_sync(actor_of, request, session, background)


def actor_of(request: Request, session: Session, background: BackgroundTasks) -> Actor | None:
    """`optional_actor`, called directly (with a session of the caller's)."""
    cached: Actor | None = getattr(request.state, "actor", None)
    if cached is not None:
        return cached
    actor: Actor | None = None
    token_value = _bearer(request)
    if token_value is not None:
        found = _token_actors.get(
            session,
            lambda: credentials.actor_for_token(session, token_value),
            extra=hashlib.sha256(token_value.encode()).digest(),
        )
        if found is None:
            raise Unauthorized("The API token is unknown, revoked, or its user is inactive.")
        actor, last_used_at = found
        now = utcnow()
        token_id = actor.token_id
        assert token_id is not None
        if credentials.token_needs_touch(last_used_at, now) and _claim_touch(
            database(request), token_id, now
        ):
            # After the response, when this request's connection is back in the pool: a read
            # request never holds two connections, and one request per process does the write.
            background.add_task(_touch_token_last_used, database(request), token_id, now)
    elif session_id := web_session_id(request):
        user_found = credentials.user_for_web_session(session, session_id)
        actor = credentials.actor_for(user_found) if user_found else None
    request.state.actor = actor
    return actor


# Who a token acts as, kept until a token, user or role is written (every API request asks). The
# last-used time in it may be older than the row's: touches move no version, and a touch is
# claimed at most once a minute per token and process anyway.
_token_actors: VersionMemo[tuple[Actor, dt.datetime | None] | None] = VersionMemo(slots=256)
_touches: dict[tuple[str, int], dt.datetime] = {}
_touches_lock = threading.Lock()


def _claim_touch(db: Database, token_id: int, now: dt.datetime) -> bool:
    key = (db.url, token_id)
    with _touches_lock:
        last = _touches.get(key)
        if last is not None and now - last < credentials.LAST_USED_RESOLUTION:
            return False
        _touches[key] = now
        return True


def _touch_token_last_used(db: Database, token_id: int, now: dt.datetime) -> None:
    with db.session(write=True) as writer:
        credentials.touch_token(writer, token_id, now)


def web_session_id(request: Request) -> str | None:
    """The session id from the signed cookie; None when absent or tampered with."""
    cookie = request.cookies.get(SESSION_COOKIE)
    return unsign(request.app.state.secret_key, cookie) if cookie else None


def require(permission: str = READ) -> Callable[..., Awaitable[Actor]]:
    """The dependency every protected route declares: 401 when anonymous, 403 when not allowed."""

    # async: a pure check needs no trip through the thread pool.
    async def check(actor: Annotated[Actor | None, Depends(optional_actor)]) -> Actor:
        return permitted(actor, permission)

    return check


def permitted(actor: Actor | None, permission: str) -> Actor:
    """The actor when signed in and granted `permission`; 401 or 403 otherwise."""
    if actor is None:
        raise Unauthorized("Sign in or send 'Authorization: Bearer <token>'.")
    if not actor.can(permission):
        raise Forbidden(f"Your roles do not grant '{permission}'.", permission=permission)
    return actor
