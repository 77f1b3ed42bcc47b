"""What the catalog keeps between requests — the catalog page as rendered, the blast radius and
the graph checks — is served while nothing is written, and never once anything is: a person
sees every change at once, and only their own page."""

from __future__ import annotations

from tests.helpers import login
from tests.helpers.catalog_client import Catalog
from tests.helpers.unseen_writes import write_unseen


def _behind_the_audit_log(db, sql: str, **params: str) -> None:
    write_unseen(db, sql, **params)


def _shop(client, admin) -> Catalog:
    catalog = Catalog(client, admin.headers)
    client.post("/api/v1/teams", json={"name": "Core"}, headers=admin.headers)
    catalog.service("orders")
    catalog.service("payments")
    catalog.service("web", layer="frontend")
    catalog.depend("web", "orders")
    catalog.depend("orders", "payments")
    return catalog


def _unrelated_write(client, admin) -> None:
    response = client.post("/api/v1/teams", json={"name": "Unrelated"}, headers=admin.headers)
    assert response.status_code == 201


RENAME = "UPDATE catalog_services SET name = :new WHERE name = :old"


def test_catalog_page_is_kept_until_any_write(client, admin, db):
    _shop(client, admin)
    login(client, "admin")
    assert 'data-service="payments"' in client.get("/catalog").text
    _behind_the_audit_log(db, RENAME, old="payments", new="settlement")
    assert 'data-service="payments"' in client.get("/catalog").text  # kept
    assert 'data-service="settlement"' in client.get("/catalog?view=table").text  # other URL
    _unrelated_write(client, admin)
    page = client.get("/catalog").text
    assert 'data-service="settlement"' in page and 'data-service="payments"' not in page


def test_a_service_saved_in_the_form_shows_on_the_page(client, admin):
    _shop(client, admin)
    login(client, "admin")
    assert 'data-service="ledger"' not in client.get("/catalog").text
    Catalog(client, admin.headers).service("ledger", layer="infrastructure")
    assert 'data-service="ledger"' in client.get("/catalog").text


def test_each_person_gets_their_own_page(client, admin, make_account):
    _shop(client, admin)
    viewer = make_account("viewer")
    login(client, "admin")
    assert 'id="new-service"' in client.get("/catalog").text
    login(client, viewer.username)
    assert 'id="new-service"' not in client.get("/catalog").text


def test_an_ended_session_is_not_served_the_kept_page(client, admin):
    _shop(client, admin)
    login(client, "admin")
    assert client.get("/catalog").status_code == 200
    assert client.get("/catalog").status_code == 200  # kept
    cookies = dict(client.cookies.items())
    client.post("/logout", data={"csrf_token": cookies["tmse_csrf"]})
    for name, value in cookies.items():  # the old cookie, replayed
        client.cookies.set(name, value)
    response = client.get("/catalog", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_the_saved_message_is_never_kept(client, admin, db):
    _shop(client, admin)
    login(client, "admin")
    assert "Your changes were saved." in client.get("/catalog?saved=1").text
    _behind_the_audit_log(db, RENAME, old="payments", new="settlement")
    assert 'data-service="settlement"' in client.get("/catalog?saved=1").text


def test_blast_radius_is_kept_until_any_write(client, admin, db):
    catalog = _shop(client, admin)
    # A distinct query string each time, so the API's read cache is not what answers.
    assert catalog.get("services/payments/blast-radius", n=1)["services"] == ["orders", "web"]
    _behind_the_audit_log(db, RENAME, old="web", new="portal")
    assert catalog.get("services/payments/blast-radius", n=2)["services"] == ["orders", "web"]
    _unrelated_write(client, admin)
    radius = catalog.get("services/payments/blast-radius", n=3)
    assert radius["services"] == ["orders", "portal"]
    assert radius["impacted"] == [
        {"name": "orders", "owner": "Core"},
        {"name": "portal", "owner": "Core"},
    ]


def test_graph_checks_show_a_new_cycle_at_once(client, admin):
    catalog = _shop(client, admin)
    assert catalog.get("checks/graph", n=1)["cycles"] == []
    catalog.depend("payments", "web")
    assert catalog.get("checks/graph", n=2)["cycles"] == [["orders", "payments", "web"]]
    violations = catalog.get("checks/graph", n=2)["layer_violations"]
    assert [(v["source"], v["target"], v["rule"]) for v in violations] == [
        ("payments", "web", "upward"),
        ("web", "orders", "skips-layer"),
    ]


def test_blast_radius_schema_is_documented(client):
    operation = client.get("/api/openapi.json").json()["paths"][
        "/api/v1/catalog/services/{name}/blast-radius"
    ]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/BlastRadius"}
