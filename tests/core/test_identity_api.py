"""Teams and users API: create, read, update, list with the shared paging, sorting and filters."""

from __future__ import annotations

from sqlalchemy import select

from tmse.core.identity import passwords
from tmse.core.identity.models import User


def _create_tree(client, headers):
    company = client.post(
        "/api/v1/teams", json={"name": "Acme", "kind": "company"}, headers=headers
    ).json()
    dept = client.post(
        "/api/v1/teams",
        json={"name": "Platform", "kind": "department", "parent_id": company["id"]},
        headers=headers,
    ).json()
    team = client.post(
        "/api/v1/teams", json={"name": "Payments", "parent_id": dept["id"]}, headers=headers
    ).json()
    return company, dept, team


def test_team_tree_has_path_children_and_members(client, admin):
    _, dept, team = _create_tree(client, admin.headers)
    user = client.post(
        "/api/v1/users",
        json={
            "username": "li.wei",
            "display_name": "李伟",
            "roles": ["engineer"],
            "team_ids": [team["id"]],
        },
        headers=admin.headers,
    ).json()
    detail = client.get(f"/api/v1/teams/{team['id']}", headers=admin.headers).json()
    assert detail["path"] == ["Acme", "Platform", "Payments"]
    assert detail["member_ids"] == [user["id"]]
    assert client.get(f"/api/v1/teams/{dept['id']}", headers=admin.headers).json()["children"] == [
        team["id"]
    ]


def test_team_cannot_become_its_own_ancestor(client, admin):
    company, _, team = _create_tree(client, admin.headers)
    response = client.patch(
        f"/api/v1/teams/{company['id']}",
        json={"version": company["version"], "parent_id": team["id"]},
        headers=admin.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "parent_id"
    assert (
        client.get(f"/api/v1/teams/{company['id']}", headers=admin.headers).json()["parent_id"]
        is None
    )


def test_duplicate_team_name_is_a_conflict(client, admin):
    client.post("/api/v1/teams", json={"name": "Data"}, headers=admin.headers)
    response = client.post("/api/v1/teams", json={"name": "Data"}, headers=admin.headers)
    assert response.status_code == 409
    assert response.json()["field"] == "name"


def test_list_pages_sorts_and_filters(client, admin):
    for index in range(7):
        client.post(
            "/api/v1/users",
            json={"username": f"eng{index}", "roles": ["engineer"]},
            headers=admin.headers,
        )
    client.post(
        "/api/v1/users",
        json={"username": "pm1", "roles": ["product_manager"]},
        headers=admin.headers,
    )
    page = client.get(
        "/api/v1/users?role=engineer&limit=3&offset=3&sort=-username", headers=admin.headers
    ).json()
    assert page["total"] == 7
    assert [u["username"] for u in page["items"]] == ["eng3", "eng2", "eng1"]
    assert (page["limit"], page["offset"]) == (3, 3)
    searched = client.get("/api/v1/users?q=pm", headers=admin.headers).json()
    assert [u["username"] for u in searched["items"]] == ["pm1"]


def test_bad_list_parameters_name_the_field(client, admin):
    response = client.get("/api/v1/users?sort=password_hash", headers=admin.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "sort"
    response = client.get("/api/v1/users?limit=0", headers=admin.headers)
    assert response.json()["errors"][0]["field"] == "limit"


def test_user_update_changes_roles_teams_and_version(client, admin):
    _, _, team = _create_tree(client, admin.headers)
    user = client.post(
        "/api/v1/users", json={"username": "sre1", "roles": ["sre"]}, headers=admin.headers
    ).json()
    updated = client.patch(
        f"/api/v1/users/{user['id']}",
        json={"version": user["version"], "roles": ["sre", "tech_lead"], "team_ids": [team["id"]]},
        headers=admin.headers,
    )
    assert updated.status_code == 200
    body = updated.json()
    assert body["roles"] == ["sre", "tech_lead"]
    assert body["team_ids"] == [team["id"]]
    assert body["version"] == user["version"] + 1


def test_passwords_are_stored_as_argon2id(client, admin, db):
    client.post(
        "/api/v1/users",
        json={"username": "hashme", "password": "s3cret-enough", "roles": ["viewer"]},
        headers=admin.headers,
    )
    with db.session(write=False) as session:
        stored = session.scalar(select(User.password_hash).where(User.username == "hashme"))
    assert stored.startswith("$argon2id$")
    assert "s3cret-enough" not in stored


def test_the_product_hashes_at_argon2_recommended_cost():
    # Tests hash at the lowest cost (tests/conftest.py); the product's own hasher does not.
    made = passwords.hash_password("s3cret-enough")
    assert made.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.verify_password(made, "s3cret-enough")


def test_users_me_returns_the_token_owner(client, make_account):
    architect = make_account("architect")
    body = client.get("/api/v1/users/me", headers=architect.headers).json()
    assert body["username"] == architect.username
    assert body["roles"] == ["architect"]


def test_unknown_team_in_user_create_changes_nothing(client, admin):
    response = client.post(
        "/api/v1/users", json={"username": "ghost", "team_ids": [999]}, headers=admin.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "team_ids"
    assert client.get("/api/v1/users?q=ghost", headers=admin.headers).json()["total"] == 0
