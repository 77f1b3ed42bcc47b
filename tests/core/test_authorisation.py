"""Every route is behind the one permission check: anonymous → 401 (pages → sign-in); a viewer
writes nothing (403, and no row changes) but its own notification read-state and preferences,
except the documented public routes."""

from __future__ import annotations

import hashlib
import re

from fastapi.routing import APIRoute, iter_route_contexts
from rich.console import Console
from sqlalchemy import select

from tests.helpers import login
from tmse.app import create_app
from tmse.core.db import Database
from tmse.demo import load_demo
from tmse.metadata import load_metadata
from tmse.settings import Settings

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Public by design: health and metrics for probes and scrapers, the sign-in form, the language
# switch (works before sign-in), and webhooks, which verify their source's signature instead.
PUBLIC_PATHS = {"/healthz", "/readyz", "/metrics", "/login", "/logout", "/language"}
PUBLIC_PREFIXES = ("/api/v1/hooks/",)
# A Kano survey is answered by whoever holds its share link (customers, without an account):
# the share token is checked instead (tests/requirements/kano). The API takes only a signed-in
# user's own answer, so it is walked like any other write.
SHARE_LINK_ROUTES = {
    ("GET", "/kano/respond/{token}"),
    ("POST", "/kano/respond/{token}"),
    ("GET", "/kano/respond/{token}/thanks"),
}
# One's own state (reading one's notifications), which every signed-in role may change. The
# other own preference, the language (POST /language), is public: it works before sign-in.
OWN_STATE_WRITES = {
    ("POST", "/api/v1/notifications/read-all"),
    ("POST", "/api/v1/notifications/{notification_id}/read"),
    ("POST", "/notifications/read-all"),
    ("POST", "/notifications/{notification_id}/read"),
}


def _routes(walkable: bool = True) -> list[tuple[str, str]]:
    """(method, path) of every FastAPI route; with walkable=False, of every other route (plain
    Starlette routes such as the API docs), which the walks below do not visit."""
    app = create_app(Settings(database_url="sqlite://", secret_key="walk"))
    found = []
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute) != walkable:
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

PAGE_WRITES = [
    (m, p)
    for m, p in ROUTES
    if not p.startswith("/api/") and m in WRITE_METHODS and p not in PUBLIC_PATHS
]


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


# A token's last use is written on reads too (at most once a minute).
MOVES_ON_READS = {("api_tokens", "last_used_at")}


def database_fingerprint(db: Database) -> dict[str, str]:
    """A digest of every row of every table, so a write that bypasses the audit log shows too."""
    digests = {}
    with db.engine.connect() as connection:
        for table in load_metadata().sorted_tables:
            columns = [c for c in table.columns if (table.name, c.name) not in MOVES_ON_READS]
            rows = connection.execute(select(*columns).order_by(*table.primary_key.columns))
            digest = hashlib.sha256()
            for row in rows:
                digest.update(repr(tuple(row)).encode())
            digests[table.name] = digest.hexdigest()
    return digests


def test_the_walk_finds_the_routes():
    # A write route the walks would not visit must not exist.
    assert [r for r in _routes(walkable=False) if r[0] in WRITE_METHODS] == []
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


def test_the_walk_finds_the_page_forms():
    assert ("POST", "/teams") in PAGE_WRITES and ("POST", "/users") in PAGE_WRITES


def test_viewer_writes_nothing(client, db, tmp_path, make_account):
    """On the demo organisation (so the ids walked exist), a viewer's every write, by token and by
    signed-in form, is refused with 403, and no row of any table changes."""
    load_demo(
        db, "small", credentials_file=tmp_path / "admin-password", console=Console(quiet=True)
    )
    viewer = make_account("viewer")
    assert login(client, viewer.username).status_code == 303
    before = database_fingerprint(db)
    wrong = []
    api_writes = [r for r in API_ROUTES if r[0] in WRITE_METHODS and r not in OWN_STATE_WRITES]
    for method, path in api_writes:
        response = client.request(method, _concrete(path), json={}, headers=viewer.headers)
        if response.status_code != 403 or not response.json()["type"].endswith("/forbidden"):
            wrong.append((method, path, response.status_code))
    csrf = {"X-CSRF-Token": client.cookies["tmse_csrf"]}
    for method, path in PAGE_WRITES:
        if (method, path) in OWN_STATE_WRITES:
            continue
        form = {"name": "x", "version": "1"}
        response = client.request(
            method, _concrete(path), data=form, headers=csrf, follow_redirects=False
        )
        if response.status_code != 403:
            wrong.append((method, path, response.status_code))
    assert wrong == []
    assert database_fingerprint(db) == before


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


def _declared_checks(dependant) -> list[str]:  # type: ignore[no-untyped-def]
    found = []
    for sub in dependant.dependencies:
        qualname = getattr(sub.call, "__qualname__", "")
        if qualname in ("require.<locals>.check", "import_actor.<locals>.check"):
            found.append(qualname)
        found += _declared_checks(sub)
    return found


def test_every_route_declares_its_permission():
    """One mechanism: the permission is a dependency on the route itself, not a check inside."""
    app = create_app(Settings(database_url="sqlite://", secret_key="walk"))
    undeclared = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute):
            continue
        methods = set(context.methods or ()) - {"HEAD"}
        path = context.path or ""
        # The API's documentation page is public, as its OpenAPI document is.
        public = path in PUBLIC_PATHS or path == "/api/docs" or path.startswith(PUBLIC_PREFIXES)
        if public or all((m, path) in SHARE_LINK_ROUTES for m in methods):
            continue
        if not _declared_checks(route.dependant):
            undeclared.append(f"{sorted(methods)} {path}")
    assert not undeclared, "routes without require(...):\n" + "\n".join(undeclared)
