"""Editable layering rules: defaults until stored, validated, versioned, audited, and the ones
the graph checks judge by."""

from __future__ import annotations

import pytest

from tests.helpers.catalog_client import Catalog
from tmse.catalog.graph.layers import LayerRules
from tmse.catalog.layer_rules.service import current_layer_rules

DEFAULT_ORDER = ["frontend", "gateway", "business", "data", "infrastructure"]


@pytest.fixture
def catalog(client, admin) -> Catalog:
    client.post("/api/v1/teams", json={"name": "Core"}, headers=admin.headers)
    return Catalog(client, admin.headers)


def _put(catalog: Catalog, **body):
    return catalog.client.put("/api/v1/catalog/layer-rules", json=body, headers=catalog.headers)


def test_defaults_until_stored(catalog, db):
    rules = catalog.get("layer-rules")
    assert rules == {
        "order": DEFAULT_ORDER,
        "allow": [],
        "allow_skip_down": False,
        "version": 0,
        "stored": False,
        "updated_at": None,
    }
    with db.session() as session:
        assert current_layer_rules(session) == LayerRules()


def test_stored_rules_change_the_graph_verdicts(catalog, db):
    # web (frontend) → orders-db (data store): skips gateway and business by default;
    # ledger (business) → web (frontend): upward.
    catalog.service("web", "frontend")
    catalog.service("ledger")
    catalog.store("orders-db")
    catalog.depend("web", "orders-db", "data-store")
    catalog.depend("ledger", "web")
    found = catalog.get("checks/graph")["layer_violations"]
    verdicts = {(v["source"], v["target"], v["rule"]) for v in found}
    assert verdicts == {("web", "orders-db", "skips-layer"), ("ledger", "web", "upward")}

    saved = _put(catalog, order=DEFAULT_ORDER, allow=[["business", "frontend"]],
                 allow_skip_down=True, version=0)  # fmt: skip
    assert saved.status_code == 200
    assert (saved.json()["version"], saved.json()["stored"]) == (1, True)
    assert catalog.get("checks/graph")["layer_violations"] == []
    with db.session() as session:
        assert current_layer_rules(session) == LayerRules(
            DEFAULT_ORDER, [("business", "frontend")], allow_skip_down=True
        )

    # Turning the order upside down makes both edges point upwards... except the allowed pair.
    # (Without the allowed pair, business → frontend would now skip gateway going down.)
    flipped = _put(catalog, order=DEFAULT_ORDER[::-1], allow=[["business", "frontend"]], version=1)
    assert flipped.status_code == 200 and flipped.json()["allow_skip_down"] is False
    rules = {(v["source"], v["rule"]) for v in catalog.get("checks/graph")["layer_violations"]}
    assert rules == {("web", "upward")}
    graph = catalog.get("graph")
    assert {e["violation"] for e in graph["edges"]} == {"upward", None}
    entries = catalog.audit("layer-rules")
    assert [e["action"] for e in entries] == ["update", "create"]


def test_bad_rules_name_the_field_and_store_nothing(catalog):
    refused = _put(
        catalog,
        order=["frontend", "gateway", "business", "data"],
        allow=[["business", "data"], ["business", "middleware"], ["data"]],
        version=0,
    )
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"field": "order", "message": f"must list each of {', '.join(DEFAULT_ORDER)} exactly once"},
        {"field": "allow[1]", "message": "unknown layer 'middleware'"},
        {"field": "allow[2]", "message": "must be [source layer, target layer]"},
    ]  # fmt: skip
    assert catalog.get("layer-rules")["stored"] is False
    repeated = _put(catalog, order=["frontend"] * 5, version=0)
    assert repeated.json()["errors"][0]["field"] == "order"


def test_stale_version_is_a_conflict(catalog):
    assert _put(catalog, order=DEFAULT_ORDER, version=3).status_code == 409
    assert _put(catalog, order=DEFAULT_ORDER, version=0).status_code == 200
    stale = _put(catalog, order=DEFAULT_ORDER, allow_skip_down=True, version=0)
    assert stale.status_code == 409 and stale.json()["current_version"] == 1
    assert catalog.get("layer-rules")["allow_skip_down"] is False


def test_only_standards_writers_edit_rules(client, catalog, make_account):
    body = {"order": DEFAULT_ORDER, "version": 0}
    engineer = make_account("engineer")  # may edit the catalog, not the standards
    denied = client.put("/api/v1/catalog/layer-rules", json=body, headers=engineer.headers)
    assert denied.status_code == 403
    architect = make_account("architect")
    allowed = client.put("/api/v1/catalog/layer-rules", json=body, headers=architect.headers)
    assert allowed.status_code == 200
