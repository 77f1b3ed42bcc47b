"""Every route is behind the one permission check: anonymous → 401 (pages → sign-in), viewer
writes → 403, except the documented public routes."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from tests.helpers import login
from tmse.app import create_app
from tmse.settings import Settings

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Public by design: health and metrics for probes and scrapers, the sign-in form, the language
# switch (works before sign-in), and webhooks, which verify their source's signature instead.
PUBLIC_PATHS = {"/healthz", "/readyz", "/metrics", "/login", "/logout", "/language"}
PUBLIC_PREFIXES = ("/api/v1/hooks/",)


def _routes() -> list[tuple[str, str]]:
    app = create_app(Settings(database_url="sqlite://", secret_key="walk"))
    found = []
    for context in iter_route_contexts(app.routes):
        if not isinstance(context.original_route, APIRoute):
            continue
        for method in sorted(set(context.methods or ()) - {"HEAD"}):
            found.append((method, context.path))
    return found


ROUTES = _routes()
API_ROUTES = [
    (m, p) for m, p in ROUTES if p.startswith("/api/v1/") and not p.startswith(PUBLIC_PREFIXES)
]
PAGE_ROUTES = [
    (m, p) for m, p in ROUTES if not p.startswith("/api/") and m == "GET" and p not in PUBLIC_PATHS
]


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_the_walk_finds_the_routes():
    assert len(API_ROUTES) >= 10
    assert ("POST", "/api/v1/teams") in API_ROUTES
    assert ("GET", "/") in PAGE_ROUTES


@pytest.mark.parametrize(("method", "path"), API_ROUTES)
def test_api_route_without_credentials_is_401(client, method, path):
    response = client.request(method, _concrete(path), json={})
    assert response.status_code == 401, (method, path, response.text)
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "path"), [r for r in API_ROUTES if r[0] in WRITE_METHODS])
def test_viewer_token_gets_403_on_every_write(client, make_account, method, path):
    viewer = make_account("viewer")
    response = client.request(method, _concrete(path), json={}, headers=viewer.headers)
    assert response.status_code == 403, (method, path, response.text)
    assert response.json()["type"].endswith("/forbidden")


@pytest.mark.parametrize(("method", "path"), PAGE_ROUTES)
def test_pages_send_anonymous_visitors_to_sign_in(client, method, path):
    response = client.get(_concrete(path), follow_redirects=False)
    assert response.status_code == 303, (path, response.status_code)
    assert response.headers["location"].startswith("/login?next=")


def test_public_routes_answer_without_credentials(client):
    for path in ("/healthz", "/readyz", "/metrics", "/login"):
        assert client.get(path).status_code == 200, path


def test_invalid_token_is_401_not_anonymous(client):
    response = client.get("/api/v1/users", headers={"Authorization": "Bearer tmse_nope"})
    assert response.status_code == 401
    assert "unknown" in response.json()["detail"]


def test_engineer_cannot_administer_the_organisation(client, make_account):
    engineer = make_account("engineer")
    response = client.post("/api/v1/teams", json={"name": "Shadow IT"}, headers=engineer.headers)
    assert response.status_code == 403
    assert response.json()["permission"] == "org:write"


PAGE_WRITES = [
    (m, p)
    for m, p in ROUTES
    if not p.startswith("/api/") and m in WRITE_METHODS and p not in PUBLIC_PATHS
]


def test_the_walk_finds_the_page_forms():
    assert ("POST", "/teams") in PAGE_WRITES and ("POST", "/users") in PAGE_WRITES


@pytest.mark.parametrize(("method", "path"), PAGE_WRITES)
def test_viewer_session_gets_403_on_every_page_form(client, make_account, method, path):
    viewer = make_account("viewer")
    assert login(client, viewer.username).status_code == 303
    response = client.request(
        method,
        _concrete(path),
        data={"name": "x"},
        headers={"X-CSRF-Token": client.cookies["tmse_csrf"]},
        follow_redirects=False,
    )
    assert response.status_code == 403, (method, path, response.status_code)


@pytest.mark.parametrize(("method", "path"), PAGE_WRITES)
def test_page_forms_send_anonymous_visitors_away(client, method, path):
    client.get("/login")
    response = client.request(
        method,
        _concrete(path),
        data={"name": "x"},
        headers={"X-CSRF-Token": client.cookies["tmse_csrf"]},
        follow_redirects=False,
    )
    assert response.status_code in (401, 303), (method, path, response.status_code)
