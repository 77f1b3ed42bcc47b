"""Every route is behind the one permission check: anonymous → 401 (pages → sign-in), viewer
writes → 403, except the documented public routes."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute, iter_route_contexts

from tests.helpers import login
from tmse.app import create_app
from tmse.settings import Settings

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Public by design: health and metrics for probes and scrapers, the sign-in form, the language
# switch (works before sign-in), and webhooks, which verify their source's signature instead.
PUBLIC_PATHS = {"/healthz", "/readyz", "/metrics", "/login", "/logout", "/language"}
PUBLIC_PREFIXES = ("/api/v1/hooks/",)
# A Kano survey is answered by whoever holds its share link (customers, without an account):
# the share token is checked instead (tests/requirements/kano).
SHARE_LINK_ROUTES = {
    ("POST", "/api/v1/kano/surveys/{survey_id}/responses"),
    ("GET", "/kano/respond/{token}"),
    ("POST", "/kano/respond/{token}"),
    ("GET", "/kano/respond/{token}/thanks"),
}
# One's own state (reading one's notifications), which every signed-in role may change.
OWN_STATE_WRITES = {
    ("POST", "/api/v1/notifications/read-all"),
    ("POST", "/api/v1/notifications/{notification_id}/read"),
    ("POST", "/notifications/read-all"),
    ("POST", "/notifications/{notification_id}/read"),
}


def _routes() -> list[tuple[str, str]]:
    app = create_app(Settings(database_url="sqlite://", secret_key="walk"))
    found = []
    for context in iter_route_contexts(app.routes):
        if not isinstance(context.original_route, APIRoute):
            continue
        for method in sorted(set(context.methods or ()) - {"HEAD"}):
            found.append((method, context.path))
    return found


ROUTES = [route for route in _routes() if route not in SHARE_LINK_ROUTES]
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


# Each walk below visits every route in one test and lists every route that fails, rather than
# one test per route: the same coverage without building a database per route.


def test_api_routes_without_credentials_are_401(client):
    wrong = []
    for method, path in API_ROUTES:
        response = client.request(method, _concrete(path), json={})
        if not (
            response.status_code == 401
            and response.headers["content-type"] == "application/problem+json"
            and response.headers.get("www-authenticate") == "Bearer"
        ):
            wrong.append((method, path, response.status_code))
    assert wrong == []


def test_viewer_token_gets_403_on_every_write(client, make_account):
    viewer = make_account("viewer")
    writes = [r for r in API_ROUTES if r[0] in WRITE_METHODS and r not in OWN_STATE_WRITES]
    wrong = []
    for method, path in writes:
        response = client.request(method, _concrete(path), json={}, headers=viewer.headers)
        if response.status_code != 403 or not response.json()["type"].endswith("/forbidden"):
            wrong.append((method, path, response.status_code))
    assert wrong == []


def test_pages_send_anonymous_visitors_to_sign_in(client):
    wrong = []
    for _method, path in PAGE_ROUTES:
        response = client.get(_concrete(path), follow_redirects=False)
        if response.status_code != 303 or not response.headers["location"].startswith(
            "/login?next="
        ):
            wrong.append((path, response.status_code))
    assert wrong == []


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


def test_viewer_session_gets_403_on_every_page_form(client, make_account):
    viewer = make_account("viewer")
    assert login(client, viewer.username).status_code == 303
    wrong = []
    for method, path in PAGE_WRITES:
        if (method, path) in OWN_STATE_WRITES:
            continue
        response = client.request(
            method,
            _concrete(path),
            data={"name": "x"},
            headers={"X-CSRF-Token": client.cookies["tmse_csrf"]},
            follow_redirects=False,
        )
        if response.status_code != 403:
            wrong.append((method, path, response.status_code))
    assert wrong == []


def test_page_forms_send_anonymous_visitors_away(client):
    client.get("/login")
    wrong = []
    for method, path in PAGE_WRITES:
        response = client.request(
            method,
            _concrete(path),
            data={"name": "x"},
            headers={"X-CSRF-Token": client.cookies["tmse_csrf"]},
            follow_redirects=False,
        )
        if response.status_code not in (401, 303):
            wrong.append((method, path, response.status_code))
    assert wrong == []


def test_share_link_and_own_state_routes_still_exist():
    """The exemptions above name real routes: a renamed route must not slip through unchecked."""
    every = set(_routes())
    assert every >= SHARE_LINK_ROUTES
    assert every >= OWN_STATE_WRITES
