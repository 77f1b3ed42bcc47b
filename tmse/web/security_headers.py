"""Security headers on every response: CSP, nosniff, framing, referrer, HSTS and no-store."""

# The values are documented in docs/security.md; change both together.

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tmse.core.deps import SESSION_COOKIE

# Scripts only from our own static files: no inline script, no eval. Styles allow inline
# because ECharts and Swagger UI set style attributes on the elements they draw; style
# injection cannot run script. Tabler's form controls draw their arrows from data: SVGs.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=31536000; includeSubDomains"
_ALWAYS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),  # frame-ancestors for browsers without CSP level 2
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
_SESSION_COOKIE_PREFIX = SESSION_COOKIE.encode() + b"="


class SecurityHeadersMiddleware:
    """Adds the headers above; HSTS only over https, `no-store` on responses to a signed-in
    request (a session cookie or a bearer token), so a shared cache never keeps them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        private = _carries_credentials(scope) and not scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if not (private and name.lower() == b"cache-control")
                ]
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in _ALWAYS if name not in present]
                # Behind a proxy, uvicorn's proxy_headers turn X-Forwarded-Proto into the scheme.
                if scope.get("scheme") == "https":
                    headers.append((b"strict-transport-security", HSTS.encode()))
                if private:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _carries_credentials(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"authorization":
            return True
        if name == b"cookie" and any(
            part.strip().startswith(_SESSION_COOKIE_PREFIX) for part in value.split(b";")
        ):
            return True
    return False
