"""Catalog pages kept as rendered HTML until the next write, per person, locale and session.

A page is looked up after its route has authenticated the request (an ended or expired session
never reaches it) and is kept under the data version (`tmse.core.response_cache.data_version`),
the user and roles, the locale, the session and CSRF cookies (the CSRF token is in the page) and
the full URL. Off when the read cache is (`TMSE_RESPONSE_CACHE_MB=0`)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from tmse.core.actor import Actor
from tmse.core.deps import SESSION_COOKIE
from tmse.core.response_cache import PageCache, data_version
from tmse.web.csrf import CSRF_COOKIE, csrf_token_of
from tmse.web.templating import request_locale

_pages = PageCache(max_bytes=16 * 1024 * 1024)


def _key(request: Request, actor: Actor, version: Any) -> tuple[Any, ...] | None:
    csrf = request.cookies.get(CSRF_COOKIE)
    signed_in = request.cookies.get(SESSION_COOKIE)
    # A browser without the CSRF cookie gets a fresh token in every page: nothing to reuse.
    if not csrf or csrf != csrf_token_of(request) or not signed_in or actor.user_id is None:
        return None
    cookies = hashlib.sha256(f"{signed_in}\n{csrf}".encode()).hexdigest()
    return (
        version,
        actor.user_id,
        tuple(sorted(actor.roles)),
        request_locale(request),
        cookies,
        request.url.path,
        request.url.query,
    )


def cached_page(
    request: Request,
    session: Any,
    actor: Actor,
    build: Callable[[], Response],
    cacheable: bool = True,
) -> Response:
    """The page `build()` renders, kept until the next write; `cacheable=False` for a page
    showing a one-time message (a flash after a redirect)."""
    if not cacheable or request.app.state.settings.response_cache_mb <= 0:
        return build()
    version = data_version(session)
    key = _key(request, actor, version) if version is not None else None
    if key is None:
        return build()
    found = _pages.get(key)
    if found is not None:
        return found
    response = build()
    _pages.put(key, response)
    return response


def forget_pages() -> None:
    _pages.clear()
