from tests.helpers import login


def test_signed_in_user_sees_overview(client, admin):
    response = login(client, "admin")
    assert response.status_code == 303
    page = client.get("/")
    assert page.status_code == 200
    assert "Organisation overview" in page.text


def test_api_lists_users_for_token(client, admin):
    response = client.get("/api/v1/users", headers=admin.headers)
    assert response.status_code == 200
    assert [u["username"] for u in response.json()["items"]] == ["admin"]
