"""Cached reads stay right: a write to a table they read, a revoked token or another caller
misses; a write elsewhere leaves them kept."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.helpers import SYSTEM
from tests.helpers.event_loop import run_on_own_loop
from tests.helpers.read_cache import lookups
from tmse.app import create_app
from tmse.core.db import utcnow
from tmse.core.identity import service
from tmse.core.identity.models import WebSession
from tmse.core.identity.schemas import TeamCreate
from tmse.core.response_cache import ResponseCacheMiddleware, _plain_page, data_version
from tmse.core.response_store import MAX_AGE_SECONDS, Entry, Memory, ResponseStore, RoutePath


def _rename_with_sql(db, team_id: int, name: str) -> None:
    # Raw SQL, past the ORM and the audit log: still a write to `teams`.
    with db.session() as session:
        session.execute(text("UPDATE teams SET name = :n WHERE id = :i"), {"n": name, "i": team_id})


def _write_elsewhere(db, user_id: int) -> None:
    # A write to a table no team answer reads: a browser session of someone.
    with db.session() as session:
        session.add(
            WebSession(id_hash="0" * 64, user_id=user_id, expires_at=utcnow() + timedelta(hours=1))
        )


def test_repeated_read_is_kept_until_a_table_it_read_is_written(client, admin, db):
    team = client.post("/api/v1/teams", json={"name": "Cached"}, headers=admin.headers).json()
    url = f"/api/v1/teams/{team['id']}"
    assert client.get(url, headers=admin.headers).json()["name"] == "Cached"
    hits = lookups(client, "api", "hit")
    _write_elsewhere(db, admin.id)
    assert client.get(url, headers=admin.headers).json()["name"] == "Cached"
    assert lookups(client, "api", "hit") == hits + 1
    _rename_with_sql(db, team["id"], "Renamed")
    assert client.get(url, headers=admin.headers).json()["name"] == "Renamed"
    assert lookups(client, "api", "hit") == hits + 1


def test_revoked_token_is_refused_even_after_cached_reads(client, make_account):
    engineer = make_account("engineer")
    created = client.post("/api/v1/tokens", json={"name": "t"}, headers=engineer.headers).json()
    headers = {"Authorization": f"Bearer {created['token']}"}
    assert client.get("/api/v1/users/me", headers=headers).status_code == 200
    assert client.get("/api/v1/users/me", headers=headers).status_code == 200
    client.delete(f"/api/v1/tokens/{created['id']}", headers=engineer.headers)
    assert client.get("/api/v1/users/me", headers=headers).status_code == 401


def test_each_token_has_its_own_entries(client, make_account):
    first, second = make_account("engineer"), make_account("sre")
    assert (
        client.get("/api/v1/users/me", headers=first.headers).json()["username"] == first.username
    )
    assert (
        client.get("/api/v1/users/me", headers=second.headers).json()["username"] == second.username
    )


def test_errors_and_token_lists_are_not_cached(client, admin, db):
    assert client.get("/api/v1/teams/999", headers=admin.headers).status_code == 404
    with db.session() as session:
        session.execute(
            text(
                "INSERT INTO teams (id, name, kind, description, version, "
                "created_at, updated_at) VALUES (999, 'Late', 'team', '', 1, "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
    assert client.get("/api/v1/teams/999", headers=admin.headers).status_code == 200
    client.get("/api/v1/tokens", headers=admin.headers)
    with db.session() as session:
        session.execute(text("UPDATE api_tokens SET name = 'renamed'"))
    assert client.get("/api/v1/tokens", headers=admin.headers).json()[0]["name"] == "renamed"


def test_cache_can_be_turned_off(settings, db, admin):
    settings.response_cache_mb = 0
    with TestClient(create_app(settings, db)) as client:
        team = client.post("/api/v1/teams", json={"name": "Live"}, headers=admin.headers).json()
        url = f"/api/v1/teams/{team['id']}"
        client.get(url, headers=admin.headers)
        _rename_with_sql(db, team["id"], "Changed")
        assert client.get(url, headers=admin.headers).json()["name"] == "Changed"


def _teams_requests(client) -> float:
    line = 'tmse_http_requests_total{method="GET",route="/api/v1/teams",status="200"} '
    found = [x for x in client.get("/metrics").text.splitlines() if x.startswith(line)]
    return float(found[0].removeprefix(line)) if found else 0.0


def test_hits_are_counted_under_their_route(client, admin):
    before = _teams_requests(client)
    for _ in range(3):
        client.get("/api/v1/teams", headers=admin.headers)
    assert _teams_requests(client) == before + 3


def test_data_version_moves_with_each_write_and_is_none_inside_one(db, admin):
    with db.session(write=False) as session:
        before = dict(data_version(session) or ())
    with db.session() as session:
        service.create_team(session, SYSTEM, TeamCreate(name="Versioned"))
        assert data_version(session) is None  # its own write, not committed yet
    with db.session(write=False) as session:
        after = dict(data_version(session) or ())
        assert after["teams"] != before.get("teams")  # a table's first version is random
        assert after["audit_log"] == before["audit_log"] + 1
        assert after["users"] == before["users"]


def test_store_keeps_plain_pages_only_and_stays_within_its_bytes():
    def headers(response):  # type: ignore[no-untyped-def]
        return list(response.raw_headers)

    # Only a plain 200 HTML page is kept: not one setting a cookie, a redirect, an error or a file.
    with_cookie = HTMLResponse("x")
    with_cookie.set_cookie("tmse_csrf", "t")
    download = HTMLResponse("x", headers={"Content-Disposition": "attachment"})
    assert _plain_page(200, headers(HTMLResponse("12345")))
    assert not _plain_page(200, headers(with_cookie))
    assert not _plain_page(303, headers(RedirectResponse("/catalog", status_code=303)))
    assert not _plain_page(404, headers(HTMLResponse("no", status_code=404)))
    assert not _plain_page(200, headers(download))

    pages = ResponseStore(max_bytes=10, max_body=8, memory=Memory(10))
    version, now = (("*", 0), ("teams", 3)), {"*": 0, "teams": 3}
    html = headers(HTMLResponse("12345"))

    def entry(body: bytes) -> Entry:
        return Entry(version, time.time(), 200, html, body, None, 1)

    pages.put("a", entry(b"12345"))
    hit = pages.get("a", now)
    assert hit is not None and (hit.body, hit.versions, hit.user_id) == (b"12345", version, 1)
    assert dict(hit.headers)[b"content-type"].startswith(b"text/html")
    assert pages.get("a", {**now, "teams": 4}) is None  # a table it read was written since
    pages.put("big", entry(b"123456789"))
    assert pages.get("big", now) is None
    pages.put("b", entry(b"67890"))
    pages.put("c", entry(b"abc"))  # over 10 bytes: the least recent goes
    assert [pages.get(k, now) is not None for k in ("a", "b", "c")] == [False, True, True]


def test_worker_processes_sharing_a_directory_serve_each_others_answers(tmp_path):
    # Two processes: a memory each, one shared directory.
    first, second = (
        ResponseStore(1 << 20, shared_dir=str(tmp_path), memory=Memory(1 << 20)) for _ in range(2)
    )
    kept = Entry((("*", 0), ("teams", 3)), time.time(), 200, [], b"[]", RoutePath("/x"))
    first.put(("api", "/x"), kept)
    assert second.get(("api", "/x"), {"*": 0, "teams": 3}) == kept
    assert second.get(("api", "/x"), {"*": 0, "teams": 5}) is None  # never past a write
    old = Entry(kept.versions, time.time() - MAX_AGE_SECONDS, 200, [], b"[]", None)
    first.put(("api", "/y"), old)
    assert second.get(("api", "/y"), {"*": 0, "teams": 3}) is None


def test_readers_asking_at_once_for_one_answer_share_one_computation(db):  # type: ignore[no-untyped-def]
    computed = []

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        computed.append(scope["path"])
        await asyncio.sleep(0.05)  # the answer takes a while: the others arrive meanwhile
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"[]"})

    middleware = ResponseCacheMiddleware(app, db)
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/api/v1/teams",
        "query_string": b"",
        "headers": [(b"authorization", b"Bearer reader")],
    }
    bodies: list[bytes] = []

    async def read() -> None:
        async def receive():  # type: ignore[no-untyped-def]
            return {"type": "http.request", "body": b""}

        async def send(message):  # type: ignore[no-untyped-def]
            if message["type"] == "http.response.body":
                bodies.append(message["body"])

        await middleware(dict(scope), receive, send)

    async def five_readers() -> None:
        await asyncio.gather(*(read() for _ in range(5)))

    run_on_own_loop(five_readers())
    assert computed == ["/api/v1/teams"] and bodies == [b"[]"] * 5
