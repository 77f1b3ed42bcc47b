"""Duplicate construction over the stored catalog: API paths and schema fields from OpenAPI
definitions feed the path and schema signals, for APIs and for the services providing them."""

from __future__ import annotations

import json

import pytest

from tests.helpers.catalog_client import Catalog


def _openapi(paths: list[str], fields: list[str]) -> str:
    schema = {"type": "object", "properties": {field: {"type": "string"} for field in fields}}
    return json.dumps(
        {
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                path: {"get": {"responses": {"200": {"description": "ok"}}}} for path in paths
            },
            "components": {"schemas": {"Body": schema}},
        }
    )


@pytest.fixture
def catalog(client, admin) -> Catalog:
    for team in ("Shop", "Mobile"):
        client.post("/api/v1/teams", json={"name": team}, headers=admin.headers)
    c = Catalog(client, admin.headers)
    # Two teams built the same cart under different names; accounts is unrelated.
    c.service("checkout", owner="Shop")
    c.service("basket", owner="Mobile")
    c.service("accounts", owner="Shop")
    c.api("cart-api", owner="Shop", provider="checkout",
          definition=_openapi(["/v1/carts", "/v1/carts/{id}/items"],
                              ["cartId", "sku", "quantity", "unitPrice"]))  # fmt: skip
    c.api("basket-api", owner="Mobile", provider="basket",
          definition=_openapi(["/v2/carts", "/v2/carts/{cartId}/items"],
                              ["cart_id", "sku", "quantity", "unit_price"]))  # fmt: skip
    c.api("user-api", owner="Shop", provider="accounts",
          definition=_openapi(["/v1/users"], ["email", "displayName"]))  # fmt: skip
    return c


def test_apis_with_the_same_paths_and_fields_are_reported(catalog):
    report = catalog.get("checks/duplicates", kind="api")
    top = report[0]
    assert (top["kind"], top["first"], top["second"]) == ("api", "basket-api", "cart-api")
    assert top["owners"] == ["Mobile", "Shop"]
    # /v1 and /v2 prefixes and parameter names are normalised away; userId ≡ user_id.
    assert top["evidence"]["paths"] == {
        "score": 1.0,
        "matches": ["GET /carts", "GET /carts/{}/items"],
    }
    assert top["evidence"]["schema"] == {
        "score": 1.0,
        "matches": ["cart_id", "quantity", "sku", "unit_price"],
    }
    assert all("user-api" not in (p["first"], p["second"]) for p in report)


def test_services_inherit_the_signals_of_the_apis_they_provide(catalog):
    report = catalog.get("checks/duplicates")
    pairs = [(p["kind"], p["first"], p["second"]) for p in report]
    # Unlike names, same endpoints: the providers are flagged too; a service is never paired
    # with its own API (the two kinds are compared apart).
    assert ("service", "basket", "checkout") in pairs
    assert pairs[0] == ("api", "basket-api", "cart-api")
    service_pair = report[pairs.index(("service", "basket", "checkout"))]
    assert set(service_pair["evidence"]) == {"name", "paths", "schema"}
    assert all("accounts" not in p for p in pairs)
    assert catalog.get("checks/duplicates", kind="service", threshold=0.99) == []
