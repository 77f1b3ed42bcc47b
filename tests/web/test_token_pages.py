"""API tokens page: created once in plaintext, usable as Bearer, last-used time, revocable."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.helpers import login
from tests.helpers.pages import post_form
from tmse.core.identity.models import ApiToken

TOKEN = re.compile(r'id="new-token-value" value="(tmse_[A-Za-z0-9_\-]+)"')


def test_token_is_shown_once_works_and_can_be_revoked(client, db, make_account):
    engineer = make_account("engineer", username="eve")
    login(client, "eve")
    assert 'id="token-form"' in client.get("/tokens").text

    created = post_form(client, "/tokens", {"name": "CI pipeline"})

    assert created.status_code == 200
    assert created.headers["cache-control"] == "no-store"
    plaintext = TOKEN.search(created.text).group(1)
    assert "shown only this once" in created.text
    with db.session() as session:
        stored = session.scalar(select(ApiToken).where(ApiToken.name == "CI pipeline"))
        assert stored is not None and stored.user_id == engineer.id
        assert plaintext not in (stored.token_hash, stored.prefix)  # only a hash is kept
        token_id = stored.id

    again = client.get("/tokens")
    assert plaintext not in again.text
    row = again.text.split(f'data-token-id="{token_id}"')[1].split("</tr>")[0]
    assert "CI pipeline" in row and plaintext[:12] in row and "Never" in row

    bearer = {"Authorization": f"Bearer {plaintext}"}
    api = client.get("/api/v1/users", headers=bearer)
    assert api.status_code == 200
    row = client.get("/tokens").text.split(f'data-token-id="{token_id}"')[1].split("</tr>")[0]
    assert "Never" not in row.split('data-testid="last-used"')[1].split("</td>")[0]

    revoked = post_form(client, f"/tokens/{token_id}/revoke", {})
    assert revoked.status_code == 303 and revoked.headers["location"] == "/tokens?revoked=1"
    after = client.get("/tokens?revoked=1")
    assert "The token was revoked." in after.text
    row = after.text.split(f'data-token-id="{token_id}"')[1].split("</tr>")[0]
    assert "Revoked" in row and "/revoke" not in row
    client.cookies.clear()
    assert client.get("/api/v1/users", headers=bearer).status_code == 401


def test_empty_name_is_refused_next_to_the_field(client, make_account):
    make_account("engineer", username="eve")
    login(client, "eve")
    response = post_form(client, "/tokens", {"name": "  "})
    assert response.status_code == 422
    assert 'data-field-error="name">This field is required.' in response.text
    assert 'id="new-token"' not in response.text


def test_viewers_see_their_tokens_read_only(client, db, make_account):
    viewer = make_account("viewer", username="vic")  # make_account gives every account a token
    login(client, "vic")

    page = client.get("/tokens")

    assert page.status_code == 200
    assert 'id="tokens-read-only"' in page.text and "Ask an administrator" in page.text
    assert 'id="token-form"' not in page.text and "/revoke" not in page.text
    assert post_form(client, "/tokens", {"name": "sneaky"}).status_code == 403
    with db.session() as session:
        names = list(session.scalars(select(ApiToken.name).where(ApiToken.user_id == viewer.id)))
    assert names == ["test"]


def test_someone_elses_token_cannot_be_revoked(client, db, make_account):
    owner = make_account("engineer", username="owner")
    make_account("engineer", username="mallory")
    login(client, "mallory")
    with db.session() as session:
        token_id = session.scalar(select(ApiToken.id).where(ApiToken.user_id == owner.id))
    assert post_form(client, f"/tokens/{token_id}/revoke", {}).status_code == 404
    client.cookies.clear()
    assert client.get("/api/v1/users", headers=owner.headers).status_code == 200
