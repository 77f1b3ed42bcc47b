"""People pages: search, filters, sorting, paging, profile, and the create/edit form."""

from __future__ import annotations

from tests.helpers import PASSWORD, SYSTEM, login
from tests.helpers.pages import audit_entries, join, post_form, seed_org
from tmse.core.identity import service
from tmse.core.identity.schemas import UserCreate, UserUpdate


def _user_ids(html: str) -> list[int]:
    return [int(part.split('"')[0]) for part in html.split('data-user-id="')[1:]]


def test_list_with_search_role_team_and_active_filters(client, db, make_account):
    ids = seed_org(db)
    alice = make_account("architect", username="alice")
    bob = make_account("engineer", username="bob")
    carol = make_account("engineer", username="carol")
    join(db, alice.id, ids["gateway"])
    join(db, bob.id, ids["build"])
    with db.session() as session:
        service.update_user(session, SYSTEM, carol.id, UserUpdate(version=1, is_active=False))
    login(client, "alice")

    page = client.get("/users")
    assert page.status_code == 200
    assert _user_ids(page.text) == [alice.id, bob.id, carol.id]  # by username
    assert _user_ids(client.get("/users", params={"q": "bo"}).text) == [bob.id]
    assert _user_ids(client.get("/users", params={"role": "engineer"}).text) == [bob.id, carol.id]
    assert _user_ids(client.get("/users", params={"team_id": ids["build"]}).text) == [bob.id]
    assert _user_ids(client.get("/users", params={"active": "inactive"}).text) == [carol.id]
    assert _user_ids(client.get("/users", params={"active": "active"}).text) == [alice.id, bob.id]
    empty = client.get("/users", params={"q": "nobody"})
    assert "Nobody matches these filters" in empty.text


def test_sorting_and_an_unknown_sort_falls_back(client, db, make_account):
    for name in ("anna", "zoe", "mike"):
        make_account("viewer", username=name)
    login(client, "anna")
    descending = client.get("/users", params={"sort": "-username"})
    assert [n for n in ("zoe", "mike", "anna")] == [
        n
        for n in sorted(("anna", "zoe", "mike"), key=lambda n: descending.text.index(f">{n}</td>"))
    ]
    assert 'class="table-sort desc" href="/users?sort=username"' in descending.text
    assert client.get("/users", params={"sort": "password_hash"}).status_code == 200


def test_pagination_shows_the_right_total(client, db, admin):
    with db.session() as session:
        for n in range(64):
            service.create_user(session, SYSTEM, UserCreate(username=f"person{n:02d}"))
    login(client, "admin")

    first = client.get("/users")
    assert "Showing 1 to 50 of 65" in first.text
    assert len(_user_ids(first.text)) == 50
    last = client.get("/users", params={"offset": 50, "q": "person"})
    assert "Showing 51 to 64 of 64" in last.text
    assert "q=person&amp;offset=0&limit=50" in last.text  # paging keeps the filter


def test_profile_shows_roles_units_and_activity_for_auditors(client, db, make_account):
    ids = seed_org(db)
    committee = make_account("committee", username="chair")
    viewer = make_account("viewer")
    join(db, committee.id, ids["platform"], lead=True)
    login(client, viewer.username)

    profile = client.get(f"/users/{committee.id}")
    assert profile.status_code == 200
    assert 'data-role="committee"' in profile.text and "Technical committee" in profile.text
    assert "Platform" in profile.text.split('id="user-teams"')[1]
    assert "Lead" in profile.text.split('id="user-teams"')[1]
    assert 'id="user-activity"' not in profile.text  # viewers cannot read the audit log
    assert 'id="edit-user"' not in profile.text

    client.cookies.clear()
    login(client, "chair")
    own = client.get(f"/users/{committee.id}")
    assert 'id="user-activity"' in own.text
    assert "Signed in" in own.text.split('id="user-activity"')[1]
    assert client.get("/users/4242").status_code == 404


def test_admin_creates_a_person_with_roles_and_units(client, db, admin):
    ids = seed_org(db)
    login(client, "admin")
    assert client.get("/users/new").status_code == 200

    response = post_form(
        client,
        "/users",
        {
            "username": "dora",
            "display_name": "Dora Explorer",
            "email": "dora@example.com",
            "password": PASSWORD,
            "roles": ["architect", "tech_lead"],
            "team_ids": [ids["gateway"], ids["build"]],
        },
    )

    assert response.status_code == 303
    with db.session() as session:
        dora = service.user_by_name(session, "dora")
        assert dora is not None
        assert dora.role_names == ["architect", "tech_lead"]
        assert service.user_team_ids(session, dora.id) == sorted([ids["gateway"], ids["build"]])
    assert audit_entries(db, "user", "create")[-1].actor_name == "admin"
    client.cookies.clear()
    assert login(client, "dora").status_code == 303  # the password works


def test_admin_edits_roles_teams_and_deactivates(client, db, admin, make_account):
    ids = seed_org(db)
    erin = make_account("engineer", username="erin")
    login(client, "admin")
    form = client.get(f"/users/{erin.id}/edit")
    assert 'value="engineer" class="form-selectgroup-input" checked>' in form.text

    response = post_form(
        client,
        f"/users/{erin.id}/edit",
        {
            "version": 1,
            "display_name": "Erin",
            "email": "",
            "roles": ["sre"],
            "team_ids": [ids["gateway"]],
        },
    )  # is_active unchecked -> deactivated

    assert response.status_code == 303
    with db.session() as session:
        user = service.get_user(session, erin.id)
        assert (user.display_name, user.role_names, user.is_active) == ("Erin", ["sre"], False)
        assert service.user_team_ids(session, erin.id) == [ids["gateway"]]
    change = audit_entries(db, "user", "update")[-1].changes
    assert change["roles"] == {"before": ["engineer"], "after": ["sre"]}


def test_user_form_errors_and_stale_version(client, db, admin, make_account):
    frank = make_account("engineer", username="frank")
    login(client, "admin")

    bad = post_form(client, "/users", {"username": "x", "email": "not-an-email", "roles": []})
    assert bad.status_code == 422
    assert 'data-field-error="username">Use 2 to 80 letters' in bad.text
    assert 'data-field-error="email">Enter a valid e-mail address.' in bad.text
    assert 'data-field-error="roles">Choose at least one.' in bad.text

    taken = post_form(client, "/users", {"username": "frank", "roles": ["viewer"]})
    assert taken.status_code == 409
    assert 'data-field-error="username">This username is already taken.' in taken.text

    with db.session() as session:
        service.update_user(session, SYSTEM, frank.id, UserUpdate(version=1, display_name="F"))
    stale = post_form(
        client,
        f"/users/{frank.id}/edit",
        {"version": 1, "display_name": "Frankie", "roles": ["admin"], "is_active": "1"},
    )
    assert stale.status_code == 409
    assert "Someone else saved a change" in stale.text
    with db.session() as session:
        user = service.get_user(session, frank.id)
        assert (user.display_name, user.role_names) == ("F", ["engineer"])


def test_non_admins_cannot_create_people(client, db, make_account):
    lead = make_account("tech_lead")
    login(client, lead.username)
    assert client.get("/users/new").status_code == 403
    assert (
        post_form(client, "/users", {"username": "sneaky", "roles": ["admin"]}).status_code == 403
    )
    with db.session() as session:
        assert service.user_by_name(session, "sneaky") is None
