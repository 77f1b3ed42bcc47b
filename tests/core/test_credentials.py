"""Sign-in, sessions, CSRF, login rate limit and API tokens."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.helpers import PASSWORD, login
from tmse.core.identity.models import ApiToken


def test_sign_in_sets_a_protected_session_cookie(client, admin):
    response = login(client, "admin")
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "tmse_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http in this test


def test_session_cookie_is_secure_over_https(app, admin):
    with TestClient(app, base_url="https://tmse.example") as secure_client:
        response = login(secure_client, "admin")
    assert "Secure" in response.headers["set-cookie"]


def test_wrong_password_is_401_and_audited(client, admin):
    response = login(client, "admin", "not-the-password")
    assert response.status_code == 401
    assert "Wrong username or password" in response.text
    entries = client.get("/api/v1/audit?action=login_failed", headers=admin.headers).json()
    assert entries["total"] == 1


def test_ten_failures_in_a_minute_lock_out_the_user(client, admin):
    for _ in range(10):
        assert login(client, "admin", "guess").status_code == 401
    # Even the right password is refused while the limit holds.
    assert login(client, "admin", PASSWORD).status_code == 429


def test_ten_failures_from_one_address_lock_out_other_usernames(client, admin, make_account):
    make_account("viewer", username="someone")
    for index in range(10):
        login(client, f"nobody{index}", "guess")
    assert login(client, "someone").status_code == 429


def test_form_post_without_csrf_token_is_refused(client, admin):
    client.get("/login")
    response = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 403
    assert response.json()["type"].endswith("/csrf-failed")


def test_session_cookie_api_writes_need_the_csrf_header(client, admin):
    login(client, "admin")
    refused = client.post("/api/v1/teams", json={"name": "Ops"})
    assert refused.status_code == 403
    accepted = client.post(
        "/api/v1/teams", json={"name": "Ops"}, headers={"X-CSRF-Token": client.cookies["tmse_csrf"]}
    )
    assert accepted.status_code == 201


def test_tampered_session_cookie_is_anonymous(client, admin):
    login(client, "admin")
    value = client.cookies["tmse_session"]
    client.cookies.set("tmse_session", value[:-1] + ("0" if value[-1] != "0" else "1"))
    assert client.get("/api/v1/users").status_code == 401


def test_sign_out_ends_the_session_server_side(client, admin):
    login(client, "admin")
    stolen = client.cookies["tmse_session"]
    response = client.post(
        "/logout", data={"csrf_token": client.cookies["tmse_csrf"]}, follow_redirects=False
    )
    assert response.status_code == 303
    client.cookies.set("tmse_session", stolen)
    assert client.get("/api/v1/users").status_code == 401


def test_token_is_stored_hashed_shown_once_and_revocable(client, make_account, db):
    engineer = make_account("engineer")
    created = client.post("/api/v1/tokens", json={"name": "ci"}, headers=engineer.headers)
    assert created.status_code == 201
    plaintext = created.json()["token"]
    with db.session(write=False) as session:
        hashes = session.scalars(select(ApiToken.token_hash)).all()
    assert plaintext not in hashes and all(len(h) == 64 for h in hashes)
    listed = client.get("/api/v1/tokens", headers=engineer.headers).json()
    assert all("token" not in t for t in listed)
    headers = {"Authorization": f"Bearer {plaintext}"}
    assert client.get("/api/v1/users/me", headers=headers).status_code == 200
    revoked = client.delete(f"/api/v1/tokens/{created.json()['id']}", headers=engineer.headers)
    assert revoked.json()["revoked_at"] is not None
    assert client.get("/api/v1/users/me", headers=headers).status_code == 401


def test_token_use_records_last_used_time(client, admin):
    client.get("/api/v1/users", headers=admin.headers)
    tokens = client.get("/api/v1/tokens", headers=admin.headers).json()
    assert tokens[0]["last_used_at"] is not None


def test_writes_with_a_token_are_audited_with_the_token(client, admin):
    client.post("/api/v1/teams", json={"name": "Search"}, headers=admin.headers)
    entry = client.get("/api/v1/audit?entity=team", headers=admin.headers).json()["items"][0]
    token_id = client.get("/api/v1/tokens", headers=admin.headers).json()[0]["id"]
    assert entry["via"] == f"token:{token_id}"
    assert entry["actor_name"] == "admin"


def test_someone_elses_token_cannot_be_revoked(client, make_account):
    owner, other = make_account("engineer"), make_account("engineer")
    token_id = client.get("/api/v1/tokens", headers=owner.headers).json()[0]["id"]
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=other.headers).status_code == 404
