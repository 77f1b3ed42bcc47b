"""Double-submit CSRF protection for browser requests: a cookie that forms and htmx echo back."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import parse_qs

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tmse.core.deps import SESSION_COOKIE
from tmse.core.errors import problem_response

CSRF_COOKIE = "tmse_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Webhooks authenticate by their source's signature and carry no browser cookies.
EXEMPT_PREFIXES = ("/api/v1/hooks/",)


def csrf_token_of(request: Request) -> str:
    """The token to put in forms: the browser's cookie, or the fresh one set on this response."""
    return str(request.scope.get("state", {}).get("csrf_token", ""))


def _has_bearer(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"authorization":
            return bool(value[:7].lower() == b"bearer ")
    return False


class CsrfMiddleware:
    """Unsafe requests that rely on cookies must echo the CSRF cookie in a header or form field.
    Requests with a bearer token carry no ambient authority and pass."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _has_bearer(scope):
            # Token clients carry no ambient authority and never render forms: nothing to do.
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        cookie = request.cookies.get(CSRF_COOKIE)
        token = cookie or secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf_token"] = token

        if request.method not in SAFE_METHODS and not self._exempt(request):
            body, receive = await self._buffer(receive)
            sent = request.headers.get(CSRF_HEADER) or self._form_field(request, body)
            if not cookie or not sent or not hmac.compare_digest(cookie, sent):
                response = problem_response(
                    request,
                    403,
                    "csrf-failed",
                    "The form's security token is missing or stale; reload the page and retry.",
                )
                await response(scope, receive, send)
                return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and cookie is None:
                headers = MutableHeaders(scope=message)
                secure = "; Secure" if scope.get("scheme") == "https" else ""
                headers.append(
                    "set-cookie", f"{CSRF_COOKIE}={token}; Path=/; SameSite=Lax; HttpOnly{secure}"
                )
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    @staticmethod
    def _exempt(request: Request) -> bool:
        if request.url.path.startswith(EXEMPT_PREFIXES):
            return True
        # An API call without a session cookie has no ambient authority to abuse; it gets 401.
        return request.url.path.startswith("/api/") and SESSION_COOKIE not in request.cookies

    @staticmethod
    async def _buffer(receive: Receive) -> tuple[bytes, Receive]:
        chunks, more = [], True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return body, replay

    @staticmethod
    def _form_field(request: Request, body: bytes) -> str | None:
        if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            values = parse_qs(body.decode("utf-8", "replace")).get(CSRF_FIELD)
            return values[0] if values else None
        return None
