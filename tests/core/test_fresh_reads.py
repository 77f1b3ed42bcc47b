"""Kept answers are never stale: a write is seen by the writer's next read and by everyone
else's — other tokens, other users, signed-in pages — while writes elsewhere keep them."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, text

from tests.helpers import login
from tests.helpers.read_cache import lookups
from tmse.core.db import utcnow
from tmse.core.identity.models import Team, WebSession
from tmse.core.response_cache import data_version
from tmse.core.table_versions.tracking import ANY, tables_of
from tmse.core.version_memo import VersionMemo


def test_a_write_is_seen_by_the_writer_and_every_other_reader_next(
    app, client, admin, make_account
):
    team = client.post("/api/v1/teams", json={"name": "Before"}, headers=admin.headers).json()
    url = f"/api/v1/teams/{team['id']}"
    other_user, second_token = make_account("engineer"), make_account("admin")
    readers = [admin.headers, other_user.headers, second_token.headers]
    with TestClient(app) as browser:
        assert login(browser, other_user.username).status_code == 303
        for _ in range(2):  # the second round is answered from the cache
            assert all(client.get(url, headers=h).json()["name"] == "Before" for h in readers)
            assert "Before" in browser.get(f"/teams/{team['id']}").text
        assert lookups(client, "page", "hit") >= 1
        renamed = client.patch(
            url, json={"name": "After", "version": team["version"]}, headers=admin.headers
        )
        assert renamed.status_code == 200
        assert [client.get(url, headers=h).json()["name"] for h in readers] == ["After"] * 3
        page = browser.get(f"/teams/{team['id']}").text
        assert "After" in page and "Before" not in page


def test_a_list_sees_a_created_record_at_once(client, admin, make_account):
    reader = make_account("viewer")
    listed = client.get("/api/v1/teams", params={"limit": 200}, headers=reader.headers)
    assert "Newcomer" not in listed.text
    client.post("/api/v1/teams", json={"name": "Newcomer"}, headers=admin.headers)
    listed = client.get("/api/v1/teams", params={"limit": 200}, headers=reader.headers)
    assert "Newcomer" in listed.text


def test_a_memo_is_kept_across_writes_to_tables_it_did_not_read(db, admin):
    memo: VersionMemo[list[str]] = VersionMemo()
    builds = []

    def team_names(session):  # type: ignore[no-untyped-def]
        def build() -> list[str]:
            builds.append(1)
            return list(session.scalars(select(Team.name)))

        return memo.get(session, build)

    with db.session(write=False) as session:
        first = team_names(session)
    with db.session() as session:  # a write, to a table the memo did not read
        expires = utcnow() + timedelta(hours=1)
        session.add(WebSession(id_hash="0" * 64, user_id=admin.id, expires_at=expires))
    with db.session(write=False) as session:
        assert team_names(session) == first and len(builds) == 1
    with db.session() as session:
        session.add(Team(name="Memo breaker", kind="team", description="", version=1))
    with db.session(write=False) as session:
        assert "Memo breaker" in team_names(session) and len(builds) == 2


def test_writes_tmse_cannot_attribute_to_a_table_drop_everything(client, admin, db):
    url = "/api/v1/teams"
    client.get(url, headers=admin.headers)
    client.get(url, headers=admin.headers)
    hits = lookups(client, "api", "hit")
    with db.session() as session:
        session.execute(text("WITH doomed AS (SELECT 1) DELETE FROM notifications WHERE id < 0"))
    client.get(url, headers=admin.headers)
    assert lookups(client, "api", "hit") == hits


def test_statements_name_the_tables_they_read_and_write():
    assert tables_of('SELECT teams.id FROM teams JOIN "users" ON users.id = 1') == (
        frozenset({"teams", "users"}),
        frozenset(),
    )
    assert tables_of("UPDATE teams SET name=? WHERE teams.id = ?")[1] == {"teams"}
    assert tables_of("INSERT INTO audit_entries (id) VALUES (%(id)s)")[1] == {"audit_entries"}
    assert tables_of("DELETE FROM links WHERE id = 1")[1] == {"links"}
    assert tables_of("CREATE TABLE x (id int)")[1] == {ANY}
    # A token's last use is bookkeeping no kept answer shows (token lists are never kept).
    assert tables_of("UPDATE api_tokens SET last_used_at=? WHERE api_tokens.id = ?") == (
        frozenset(),
        frozenset(),
    )
    assert tables_of("UPDATE api_tokens SET revoked_at=? WHERE api_tokens.id = ?")[1] == {
        "api_tokens"
    }


def test_an_update_that_matches_no_row_changes_no_version(db):
    with db.session(write=False) as session:
        before = dict(data_version(session) or ())
    with db.session() as session:
        session.execute(text("UPDATE teams SET name = 'x' WHERE id < 0"))
    with db.session(write=False) as session:
        assert dict(data_version(session) or ()) == before


def test_a_revoked_token_is_refused_on_a_url_it_never_read(client, make_account):
    engineer = make_account("engineer")
    created = client.post("/api/v1/tokens", json={"name": "t"}, headers=engineer.headers).json()
    headers = {"Authorization": f"Bearer {created['token']}"}
    for n in range(2):  # the second time its actor is remembered
        assert client.get("/api/v1/users/me", params={"n": n}, headers=headers).status_code == 200
    client.delete(f"/api/v1/tokens/{created['id']}", headers=engineer.headers)
    assert client.get("/api/v1/users/me", params={"n": 9}, headers=headers).status_code == 401
