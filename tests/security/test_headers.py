"""Security headers on pages, the API, static files and errors; HSTS over https only; no-store
for signed-in responses; Swagger UI works without inline script."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from tests.helpers import login
from tests.helpers.html_audit import script_problems
from tmse.serving import uvicorn_config

CSP_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def _csp(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    policy = response.headers["content-security-policy"]
    return dict(part.strip().partition(" ")[::2] for part in policy.split(";"))


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/login", 200),
        ("/api/v1/users", 401),
        ("/static/js/tmse.js", 200),
        ("/no-such-page", 404),
        ("/api/docs", 200),
        ("/healthz", 200),
    ],
)
def test_every_response_carries_the_headers(client: TestClient, path: str, status: int):
    response = client.get(path, follow_redirects=False)
    assert response.status_code == status
    directives = _csp(response)
    for name, value in CSP_DIRECTIVES.items():
        assert directives[name] == value, name
    assert "unsafe-inline" not in directives["script-src"]
    assert "unsafe-eval" not in directives["script-src"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "strict-transport-security" not in response.headers


def test_hsts_only_over_https(app):  # type: ignore[no-untyped-def]
    # Behind a proxy, uvicorn's proxy_headers turn X-Forwarded-Proto: https into the scheme.
    assert uvicorn_config("127.0.0.1", 8000).proxy_headers
    with TestClient(app, base_url="https://tmse.example") as secure:
        assert (
            secure.get("/login").headers["strict-transport-security"].startswith("max-age=31536000")
        )
    with TestClient(app, base_url="http://tmse.example") as plain:
        assert "strict-transport-security" not in plain.get("/login").headers


def test_signed_in_pages_and_api_calls_are_not_stored(client: TestClient, admin):  # type: ignore[no-untyped-def]
    assert "no-store" not in client.get("/login").headers.get("cache-control", "")
    login(client, admin.username)
    for path in ("/", "/users", "/teams"):
        assert client.get(path).headers["cache-control"] == "no-store", path
    api = client.get("/api/v1/users/me", headers=admin.headers)
    assert api.status_code == 200
    assert api.headers["cache-control"] == "no-store"
    # Static files stay cacheable for everyone.
    assert "no-store" not in client.get("/static/css/tmse.css").headers.get("cache-control", "")


def test_swagger_ui_is_served_locally_without_inline_script(client: TestClient):
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert script_problems(page.text) == []
    assert "cdn" not in page.text.lower()
    assert client.get("/static/js/api-docs.js").status_code == 200


def test_pages_ask_htmx_not_to_eval_or_inject_styles(client: TestClient, admin):  # type: ignore[no-untyped-def]
    login(client, admin.username)
    page = client.get("/").text
    found = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", page)
    assert found, "the htmx-config meta tag is missing"
    config = json.loads(found.group(1))
    assert config["includeIndicatorStyles"] is False
    assert config["allowEval"] is False
    assert script_problems(page) == []
