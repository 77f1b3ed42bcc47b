"""Domains, systems, APIs and data stores over the JSON API: audited, versioned, validated."""

from __future__ import annotations

import json

import pytest

from tests.helpers.catalog_client import Catalog
from tmse.core.messages import Message, render

OPENAPI_YAML = """\
openapi: 3.0.3
info:
  title: Orders
  version: "1"
paths:
  /v1/orders:
    get:
      operationId: listOrders
      responses:
        "200": {description: ok}
"""


@pytest.fixture
def catalog(client, admin) -> Catalog:
    for team in ("Core", "Web"):
        client.post("/api/v1/teams", json={"name": team}, headers=admin.headers)
    return Catalog(client, admin.headers)


def test_domain_and_system_lifecycle(catalog):
    catalog.post("domains", name="commerce", owner="Core", title="Commerce")
    system = catalog.post("systems", name="trading", owner="Web", domain="commerce")
    assert (system["owner"], system["domain"], system["version"]) == ("Web", "commerce", 1)
    catalog.service("orders", system="trading")
    assert catalog.get("domains/commerce")["systems"] == ["trading"]
    assert [s["name"] for s in catalog.get("services", system="trading")["items"]] == ["orders"]
    assert catalog.get("systems", domain="commerce", owner="Web")["total"] == 1
    assert catalog.get("systems", owner="Core")["total"] == 0

    renamed = catalog.patch("systems/trading", version=1, name="trade", description="Orders")
    assert renamed.status_code == 200 and renamed.json()["version"] == 2
    assert catalog.get("services/orders")["system"] == "trade"
    stale = catalog.patch("systems/trade", version=1, description="lost update")
    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    assert catalog.get("systems/trade")["description"] == "Orders"

    # Deleting the domain keeps its system, now without a domain.
    assert catalog.delete("domains/commerce", version=1).status_code == 204
    assert catalog.get("systems/trade")["domain"] is None
    assert catalog.delete("systems/trade").status_code == 204
    assert catalog.get("services/orders")["system"] is None
    actions = [(e["action"], e["entity_type"]) for e in catalog.audit("system")]
    assert sorted(actions) == [("create", "system"), ("delete", "system"), ("update", "system")]


def test_unknown_references_are_named_and_store_nothing(catalog):
    refused = catalog.post("systems", expect=422, name="x", owner="Nobody", domain="none")
    assert {e["field"] for e in refused["errors"]} == {"owner", "domain"}
    no_system = catalog.service("svc", system="ghost-system", expect=422)
    assert no_system["errors"] == [{"field": "system", "message": "no system named 'ghost-system'"}]
    bad_api = catalog.api("orders-api", expect=422, provider="nope", system="gone")
    assert {e["field"] for e in bad_api["errors"]} == {"provider", "system"}
    bad_store = catalog.store("replica", expect=422, primary="no-such-db")
    assert bad_store["errors"] == [
        {"field": "primary", "message": "no data store named 'no-such-db'"}
    ]
    assert catalog.get("systems")["total"] == 0
    assert catalog.get("apis")["total"] == 0
    assert catalog.get("data-stores")["total"] == 0
    assert catalog.get("services")["total"] == 0


def test_api_with_provider_consumers_and_definition(catalog):
    catalog.service("orders")
    catalog.service("web", layer="frontend")
    created = catalog.api("orders-api", provider="orders", definition=OPENAPI_YAML)
    assert (created["provider"], created["type"], created["has_definition"]) == (
        "orders",
        "openapi",
        True,
    )
    catalog.depend("web", "orders-api", kind="api", protocol="https")
    detail = catalog.get("apis/orders-api")
    assert detail["consumers"] == ["web"] and detail["definition"] == OPENAPI_YAML
    assert [a["name"] for a in catalog.get("apis", provider="orders")["items"]] == ["orders-api"]
    assert catalog.get("apis", type="grpc")["total"] == 0
    # The provider cannot consume its own API.
    own = catalog.depend("orders", "orders-api", kind="api", expect=422)
    assert own["errors"][0]["field"] == "target"

    grpc = catalog.patch("apis/orders-api", version=1, type="grpc", definition="service Orders {}")
    assert grpc.status_code == 200 and grpc.json()["type"] == "grpc"
    removed = catalog.delete("apis/orders-api", version=2)
    assert removed.status_code == 204
    assert catalog.get("dependencies", service="web")["total"] == 0
    assert [e["action"] for e in catalog.audit("api")] == ["delete", "update", "create"]


@pytest.mark.parametrize(
    ("definition", "line", "words"),
    [
        # Line 5 opens a flow sequence that never closes; YAML notices at the end, line 6.
        ("openapi: 3.0.0\ninfo:\n  title: x\npaths:\n  /a: [\n", 6, "not valid JSON or YAML"),
        ('swagger: "2.0"\ninfo: {title: x}\npaths: {}\n', 1, "swagger '2.0'"),
        ("openapi: 2.5.0\ninfo: {title: x}\npaths: {}\n", 1, "not OpenAPI 3.x"),
        ("openapi: 3.1.0\npaths: {}\ninfo: just text\n", 3, "'info' must be a mapping"),
        ("openapi: 3.1.0\ninfo:\n  title: x\n", 1, "'paths' must be a mapping"),
        ('{"openapi": "3.0.0",\n "info": {},\n "paths": []}', 3, "'paths' must be a mapping"),
    ],
)
def test_invalid_openapi_definition_names_field_and_line(catalog, definition, line, words):
    refused = catalog.api("broken", definition=definition, expect=422)
    (error,) = refused["errors"]
    assert (error["field"], error["line"]) == ("definition", line)
    assert words in error["message"] and error["message"].startswith(f"line {line}:")
    # The same refusal as a message id, which reads in Chinese too.
    finding = Message.from_json(error["finding_message"])
    assert error["message"] == f"line {line}: {render(finding, 'en')}"
    assert render(finding, "zh_CN") != render(finding, "en")
    assert catalog.get("apis")["total"] == 0


def test_asyncapi_needs_channels_and_other_types_are_free_text(catalog):
    events = {"asyncapi": "2.6.0", "info": {"title": "Events", "version": "1"}, "channels": {}}
    catalog.api("order-events", type="asyncapi", definition=json.dumps(events))
    refused = catalog.api("bad-events", type="asyncapi", definition="asyncapi: 2.6.0\ninfo: {}\n",
                          expect=422)  # fmt: skip
    assert "'channels' must be a mapping" in refused["errors"][0]["message"]
    catalog.api("search-graph", type="graphql", definition="type Query { search: [String] }")
    # Changing only the type re-validates the stored definition against it.
    switched = catalog.patch("apis/search-graph", version=1, type="openapi")
    assert switched.status_code == 422 and switched.json()["errors"][0]["field"] == "definition"
    assert catalog.get("apis/search-graph")["type"] == "graphql"


def test_conformance_runs_the_api_design_rules(catalog):
    definition = OPENAPI_YAML.replace("/v1/orders", "/getOrders")
    catalog.api("orders-api", definition=definition)
    report = catalog.get("apis/orders-api/conformance")
    rules = {v["rule"] for v in report["violations"]}
    # No security requirement, a verb and camelCase in the path, no version prefix.
    assert {"oas.security-required", "oas.no-verbs-in-path", "oas.versioned-base-path"} <= rules
    assert report["errors"] >= 1 and report["api"] == "orders-api"
    catalog.api("empty-api")
    assert (
        catalog.get("apis/empty-api/conformance", expect=422)["errors"][0]["field"] == "definition"
    )
    catalog.api("rpc", type="grpc")
    assert catalog.get("apis/rpc/conformance", expect=422)["errors"][0]["field"] == "type"
    catalog.get("apis/nope/conformance", expect=404)


def test_data_store_replicas(catalog):
    catalog.store("orders-db", kind="relational")
    replica = catalog.store("orders-db-ro", primary="orders-db")
    assert replica["primary"] == "orders-db"
    catalog.store("cache", engine="redis", kind="nosql")
    assert catalog.get("data-stores/orders-db")["replicas"] == ["orders-db-ro"]
    assert [s["name"] for s in catalog.get("data-stores", kind="nosql")["items"]] == ["cache"]
    # A replica of a replica, or a primary turned replica, would blur the picture: refused.
    chained = catalog.store("orders-db-ro2", primary="orders-db-ro", expect=422)
    assert chained["errors"][0]["field"] == "primary"
    turned = catalog.patch("data-stores/orders-db", version=1, primary="cache")
    assert turned.status_code == 422
    kept = catalog.delete("data-stores/orders-db")
    assert kept.status_code == 409 and kept.json()["replicas"] == ["orders-db-ro"]
    assert catalog.delete("data-stores/orders-db-ro", version=1).status_code == 204
    assert catalog.delete("data-stores/orders-db").status_code == 204
    assert catalog.get("data-stores")["total"] == 1


def test_service_patch_and_delete(catalog):
    catalog.post("systems", name="shop", owner="Core")
    catalog.service("orders")
    catalog.service("web", layer="frontend")
    catalog.depend("web", "orders")
    changed = catalog.patch("services/orders", version=1, owner="Web", system="shop", tier=1)
    body = changed.json()
    assert (body["owner"], body["system"], body["tier"], body["version"]) == ("Web", "shop", 1, 2)
    null_owner = catalog.patch("services/orders", version=2, owner=None)
    assert null_owner.status_code == 422 and null_owner.json()["errors"][0]["field"] == "owner"
    unknown = catalog.patch("services/orders", version=2, owner="Ghosts", system="none")
    assert {e["field"] for e in unknown.json()["errors"]} == {"owner", "system"}
    stale = catalog.patch("services/orders", version=1, tier=3)
    assert stale.status_code == 409
    assert catalog.get("services/orders")["tier"] == 1
    taken = catalog.patch("services/orders", version=2, name="web")
    assert taken.status_code == 409
    assert catalog.delete("services/orders", version=1).status_code == 409
    assert catalog.delete("services/orders", version=2).status_code == 204
    assert catalog.get("dependencies")["total"] == 0
    deleted = catalog.audit("service")[0]
    assert deleted["action"] == "delete"


def test_writes_need_catalog_write(client, catalog, make_account):
    viewer = make_account("viewer")
    for path in ("domains", "systems", "apis", "data-stores"):
        body = {"name": "x", "owner": "Core", "engine": "redis"}
        response = client.post(f"/api/v1/catalog/{path}", json=body, headers=viewer.headers)
        assert response.status_code == 403, path
    engineer = Catalog(client, make_account("engineer").headers)
    engineer.store("sessions", engine="redis", kind="nosql")


@pytest.mark.parametrize(
    ("path", "kind", "body", "change"),
    [
        ("domains", "domain", {"name": "retail", "owner": "Core"}, {"title": "Retail"}),
        ("systems", "system", {"name": "shop", "owner": "Core"}, {"title": "Shop"}),
        ("apis", "api", {"name": "cart-api", "owner": "Core"}, {"description": "Carts"}),
        ("data-stores", "data-store", {"name": "kv", "owner": "Core", "engine": "redis"},
         {"engine": "valkey"}),
    ],
)  # fmt: skip
def test_every_record_is_audited_and_versioned(catalog, path, kind, body, change):
    catalog.post(path, **body)
    name = body["name"]
    assert catalog.patch(f"{path}/{name}", version=1, **change).json()["version"] == 2
    # A second editor still holding version 1 is refused and changes nothing.
    stale = catalog.patch(f"{path}/{name}", version=1, owner="Web")
    assert stale.status_code == 409 and stale.json()["type"].endswith("/stale-version")
    assert catalog.get(f"{path}/{name}")["owner"] == "Core"
    renamed = catalog.patch(f"{path}/{name}", version=2, name="Bad Name")
    assert renamed.status_code == 422 and renamed.json()["errors"][0]["field"] == "name"
    assert catalog.delete(f"{path}/{name}", version=1).status_code == 409
    assert catalog.delete(f"{path}/{name}", version=2).status_code == 204
    catalog.get(f"{path}/{name}", expect=404)
    entries = catalog.audit(kind)
    assert [e["action"] for e in entries] == ["delete", "update", "create"]
    (field,) = change
    assert entries[1]["changes"][field]["after"] == change[field]
