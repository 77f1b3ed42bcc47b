"""Catalog contract: services in layers owned by teams, dependencies by service name."""

from __future__ import annotations

import pytest


@pytest.fixture
def team(client, admin):
    return client.post("/api/v1/teams", json={"name": "Payments"}, headers=admin.headers).json()


def _service(client, headers, name, layer="business", owner="Payments"):
    return client.post(
        "/api/v1/catalog/services",
        json={"name": name, "layer": layer, "owner": owner},
        headers=headers,
    )


def test_service_contract_create_and_read(client, admin, team):
    created = _service(client, admin.headers, "payment-api")
    assert created.status_code == 201
    body = created.json()
    assert (body["name"], body["layer"], body["owner"]) == ("payment-api", "business", "Payments")
    assert body["lifecycle"] == "production"
    fetched = client.get("/api/v1/catalog/services/payment-api", headers=admin.headers)
    assert fetched.json()["owner_team_id"] == team["id"]
    entry = client.get("/api/v1/audit?entity=service", headers=admin.headers).json()["items"][0]
    assert entry["action"] == "create" and entry["changes"]["layer"]["after"] == "business"


def test_unknown_owner_and_bad_layer_name_their_fields(client, admin, team):
    unknown = _service(client, admin.headers, "ghost", owner="Nobody")
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [{"field": "owner", "message": "no team named 'Nobody'"}]
    bad_layer = _service(client, admin.headers, "ghost", layer="middleware")
    assert bad_layer.json()["errors"][0]["field"] == "layer"
    assert client.get("/api/v1/catalog/services", headers=admin.headers).json()["total"] == 0


def test_duplicate_service_is_a_conflict(client, admin, team):
    _service(client, admin.headers, "ledger")
    assert _service(client, admin.headers, "ledger").status_code == 409


def test_dependency_contract_and_listing(client, admin, team):
    for name, layer in (("web", "frontend"), ("orders", "business"), ("orders-db", "data")):
        _service(client, admin.headers, name, layer)
    first = client.post(
        "/api/v1/catalog/dependencies",
        json={"source": "web", "target": "orders"},
        headers=admin.headers,
    )
    assert first.status_code == 201 and first.json()["protocol"] == "http"
    client.post(
        "/api/v1/catalog/dependencies",
        json={"source": "orders", "target": "orders-db", "protocol": "postgresql"},
        headers=admin.headers,
    )
    page = client.get("/api/v1/catalog/dependencies?service=orders", headers=admin.headers)
    assert [(d["source"], d["target"]) for d in page.json()["items"]] == [
        ("web", "orders"),
        ("orders", "orders-db"),
    ]
    again = client.post(
        "/api/v1/catalog/dependencies",
        json={"source": "web", "target": "orders"},
        headers=admin.headers,
    )
    assert again.status_code == 409


def test_dependency_on_unknown_or_same_service_is_refused(client, admin, team):
    _service(client, admin.headers, "api")
    unknown = client.post(
        "/api/v1/catalog/dependencies",
        json={"source": "api", "target": "nope"},
        headers=admin.headers,
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "target"
    itself = client.post(
        "/api/v1/catalog/dependencies",
        json={"source": "api", "target": "api"},
        headers=admin.headers,
    )
    assert itself.status_code == 422


def test_filters_and_roles(client, admin, team, make_account):
    _service(client, admin.headers, "ui", "frontend")
    _service(client, admin.headers, "core", "business")
    page = client.get("/api/v1/catalog/services?layer=frontend", headers=admin.headers).json()
    assert [s["name"] for s in page["items"]] == ["ui"]
    owned = client.get("/api/v1/catalog/services?owner=Payments", headers=admin.headers).json()
    assert owned["total"] == 2
    product_manager = make_account("product_manager")
    assert _service(client, product_manager.headers, "pm-svc").status_code == 403
    engineer = make_account("engineer")
    assert _service(client, engineer.headers, "eng-svc").status_code == 201


def test_services_are_linkable(client, admin, team):
    _service(client, admin.headers, "search")
    service_id = client.get("/api/v1/catalog/services/search", headers=admin.headers).json()["id"]
    link = client.post(
        "/api/v1/links",
        json={"source": f"team:{team['id']}", "target": f"service:{service_id}"},
        headers=admin.headers,
    )
    assert link.status_code == 201


def test_blast_radius_and_graph_checks_contract(client, admin, team):
    layers = {
        "web": "frontend",
        "gw": "gateway",
        "orders": "business",
        "billing": "business",
        "db": "data",
        "lonely": "business",
    }
    for name, layer in layers.items():
        _service(client, admin.headers, name, layer)
    for source, target in (
        ("web", "gw"),
        ("gw", "orders"),
        ("orders", "billing"),
        ("billing", "orders"),
        ("orders", "db"),
        ("db", "gw"),
    ):
        client.post(
            "/api/v1/catalog/dependencies",
            json={"source": source, "target": target},
            headers=admin.headers,
        )
    radius = client.get("/api/v1/catalog/services/db/blast-radius", headers=admin.headers).json()
    # db ← orders ← gw ← web, and billing ↔ orders; db → gw closes a loop back to db itself.
    assert radius["services"] == ["billing", "gw", "orders", "web"]
    assert {i["owner"] for i in radius["impacted"]} == {"Payments"}
    checks = client.get("/api/v1/catalog/checks/graph", headers=admin.headers).json()
    # One strongly connected component, listed as a walk from its smallest name.
    assert checks["cycles"] == [["billing", "orders", "db", "gw"]]
    assert {(v["source"], v["target"], v["rule"]) for v in checks["layer_violations"]} == {
        ("db", "gw", "upward")
    }
    assert checks["orphans"] == ["lonely"]
    assert (checks["services"], checks["dependencies"]) == (6, 6)
    missing = client.get("/api/v1/catalog/services/nope/blast-radius", headers=admin.headers)
    assert missing.status_code == 404


def test_duplicates_report_ranks_planted_pair_first(client, admin, team):
    services = {
        "payment-gateway": "Routes card payments to acquiring banks and card networks",
        "pay-gateway-svc": "Routes card payments to the acquiring banks and networks",
        "order-service": "Keeps customer orders and their state",
        "search-indexer": "Builds the product search index nightly",
    }
    for name, description in services.items():
        client.post(
            "/api/v1/catalog/services",
            json={
                "name": name,
                "layer": "business",
                "owner": "Payments",
                "description": description,
            },
            headers=admin.headers,
        )
    report = client.get("/api/v1/catalog/checks/duplicates", headers=admin.headers).json()
    assert (report[0]["first"], report[0]["second"]) == ("pay-gateway-svc", "payment-gateway")
    assert report[0]["score"] >= 0.5
    assert set(report[0]["evidence"]) >= {"name", "description"}
    assert report[0]["owners"] == ["Payments", "Payments"]
    assert all({p["first"], p["second"]} != {"order-service", "search-indexer"} for p in report)
