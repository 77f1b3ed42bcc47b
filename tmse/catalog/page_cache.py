"""Catalog pages kept as rendered until the next write, per browser session, locale and URL."""
# A route renders a page after authenticating the request and hands it to `keep`; later GETs of
# the same URL from the same browser (same cookies, so the same session, CSRF token and locale)
# are answered by `tmse.core.response_cache.ResponseCacheMiddleware` while the data version is the
# one the page was rendered at and the session still signs in the same user. Off when the read
# cache is (`TMSE_RESPONSE_CACHE_MB=0`).

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.response_cache import PAGES, data_version, page_key
from tmse.web.csrf import CSRF_COOKIE, csrf_token_of


def keeper(
    request: Request, session: Session, actor: Actor, cacheable: bool = True
) -> Callable[[Response], Response]:
    """`keep(response)` for the page this request renders; call it before reading what the page
    shows (the data version is read now)."""
    # `cacheable=False` for a page showing a one-time message (a flash after a redirect).
    if (
        not cacheable
        or request.app.state.settings.response_cache_mb <= 0
        or actor.user_id is None
        or actor.token_id is not None
        # Without the CSRF cookie the page carries a fresh token each time: nothing to reuse.
        or request.cookies.get(CSRF_COOKIE) != csrf_token_of(request)
    ):
        return _unchanged
    version = data_version(session)
    if version is None:
        return _unchanged
    key = page_key(
        request.url.path,
        request.scope["query_string"],
        request.headers.get("cookie", ""),
        request.headers.get("accept-language", ""),
    )
    user_id = actor.user_id

    def keep(response: Response) -> Response:
        PAGES.put(key, response, version, user_id, request.scope.get("route"))
        return response

    return keep


def _unchanged(response: Response) -> Response:
    return response
