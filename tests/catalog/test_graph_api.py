"""The whole catalog as one graph: APIs count as their provider, data stores sit in the data
layer, replicas depend on their primary. Expectations are worked out by hand from the drawing."""

from __future__ import annotations

import pytest

from tests.helpers.catalog_client import Catalog
from tmse.core.messages import Message, render

#   web (frontend, Web) ──────────► gw (gateway) ──consumes──► orders-api
#     │                                                           │ provided by
#     └──uses──► cache (store, Web)          billing ──────────► orders (business)
#                                               ▲                 │        │
#                          billing-api ─provided┘ ◄───consumes────┘        uses
#                                                                          ▼
#   report (business, Data) ──uses──► orders-db-ro (Data) ──replica of──► orders-db (Core)
#   lonely (business): no edges            archive (store, Data): unused
#
# So orders ⇄ billing is a cycle (billing → orders directly, orders → billing via billing-api),
# and web → cache skips the gateway and business layers.


@pytest.fixture
def catalog(client, admin) -> Catalog:
    for team in ("Core", "Web", "Data"):
        client.post("/api/v1/teams", json={"name": team}, headers=admin.headers)
    c = Catalog(client, admin.headers)
    c.service("web", "frontend", "Web")
    c.service("gw", "gateway")
    for name in ("orders", "billing", "lonely"):
        c.service(name)
    c.service("report", owner="Data")
    c.api("orders-api", provider="orders")
    c.api("billing-api", provider="billing")
    c.store("orders-db")
    c.store("orders-db-ro", owner="Data", primary="orders-db")
    c.store("cache", owner="Web", engine="redis", kind="nosql")
    c.store("archive", owner="Data")
    c.depend("web", "gw")
    c.depend("gw", "orders-api", "api", protocol="https")
    c.depend("orders", "billing-api", "api", protocol="grpc")
    c.depend("billing", "orders")
    c.depend("orders", "orders-db", "data-store", protocol="postgresql")
    c.depend("report", "orders-db-ro", "data-store", protocol="postgresql")
    c.depend("web", "cache", "data-store", protocol="redis")
    return c


def test_service_blast_radius_follows_apis(catalog):
    # orders ← billing (direct), ← gw (via orders-api) ← web.
    assert catalog.get("services/orders/blast-radius")["services"] == ["billing", "gw", "web"]
    # billing ← orders (via billing-api) ← gw ← web.
    radius = catalog.get("services/billing/blast-radius")
    assert radius["services"] == ["gw", "orders", "web"]
    assert {(i["name"], i["owner"]) for i in radius["impacted"]} == {
        ("gw", "Core"),
        ("orders", "Core"),
        ("web", "Web"),
    }
    assert catalog.get("services/lonely/blast-radius")["services"] == []


def test_data_store_blast_radius_includes_replicas(catalog):
    primary = catalog.get("data-stores/orders-db/blast-radius")
    # orders uses it (and billing, gw, web hang on orders); report uses its replica.
    assert primary["services"] == ["billing", "gw", "orders", "report", "web"]
    assert primary["replicas"] == ["orders-db-ro"]
    assert ("report", "Data") in {(i["name"], i["owner"]) for i in primary["impacted"]}
    assert catalog.get("data-stores/orders-db-ro/blast-radius")["services"] == ["report"]
    assert catalog.get("data-stores/cache/blast-radius")["services"] == ["web"]
    assert catalog.get("data-stores/archive/blast-radius")["services"] == []
    catalog.get("data-stores/nope/blast-radius", expect=404)


def test_graph_checks_over_the_whole_catalog(catalog):
    checks = catalog.get("checks/graph")
    assert checks["cycles"] == [["billing", "orders"]]
    finding = Message.from_json(checks["layer_violations"][0].pop("finding_message"))
    assert checks["layer_violations"] == [
        {
            "source": "web",
            "target": "cache",
            "target_kind": "data-store",
            "rule": "skips-layer",
            "message": "web → data store cache: frontend → data skips gateway, business",
        }
    ]
    # The same finding as a message id, for a reader in any language.
    assert render(finding, "zh_CN") == "web → 数据存储 cache：前端层 → 数据层 跳过了 网关层、业务层"
    assert checks["orphans"] == ["lonely"]
    assert checks["unused_data_stores"] == ["archive"]
    # orders alone joins billing to the rest and two services depend on it (gw via its API,
    # billing); orders-db alone joins the replica side, used by orders and its replica.
    assert checks["single_points_of_failure"] == ["orders"]
    assert checks["single_point_data_stores"] == ["orders-db"]
    assert (checks["services"], checks["data_stores"], checks["dependencies"]) == (6, 4, 7)


def test_dependencies_list_kinds_and_delete(catalog):
    page = catalog.get("dependencies", service="orders")
    assert [(d["source"], d["target"], d["target_kind"], d["protocol"]) for d in page["items"]] == [
        ("orders", "billing-api", "api", "grpc"),
        ("billing", "orders", "service", "http"),
        ("orders", "orders-db", "data-store", "postgresql"),
    ]
    assert catalog.get("dependencies", target_kind="data-store")["total"] == 3
    assert [d["source"] for d in catalog.get("dependencies", api="orders-api")["items"]] == ["gw"]
    unknown = catalog.depend("web", "nope", "api", expect=422)
    assert unknown["errors"] == [{"field": "target", "message": "no API named 'nope'"}]
    catalog.depend("web", "cache", "data-store", expect=409)
    cut = page["items"][1]["id"]
    assert catalog.delete(f"dependencies/{cut}").status_code == 204
    assert catalog.delete(f"dependencies/{cut}").status_code == 404
    # Without billing → orders the cycle is gone.
    assert catalog.get("checks/graph")["cycles"] == []
    entry = catalog.audit("dependency")[0]
    assert entry["action"] == "delete" and entry["changes"]["target"]["before"] == "orders"


def test_service_detail(catalog):
    detail = catalog.get("services/orders/detail")
    assert detail["owners"] == ["Core"] and detail["system"] is None
    assert [(n["name"], n["kind"], n["protocol"], n["provider"]) for n in detail["depends_on"]] == [
        ("billing-api", "api", "grpc", "billing"),
        ("orders-db", "data-store", "postgresql", None),
    ]
    assert [(n["name"], n["via_api"]) for n in detail["dependents"]] == [
        ("billing", None),
        ("gw", "orders-api"),
    ]
    assert detail["apis_provided"] == ["orders-api"]
    assert [n["name"] for n in detail["apis_consumed"]] == ["billing-api"]
    assert [n["name"] for n in detail["data_stores_used"]] == ["orders-db"]
    assert (detail["blast_radius"], detail["layer_violations"]) == (3, [])
    web = catalog.get("services/web/detail")
    assert [(v["target"], v["rule"]) for v in web["layer_violations"]] == [("cache", "skips-layer")]
    assert {n["name"]: n["violation"] for n in web["depends_on"]} == {
        "cache": "skips-layer",
        "gw": None,
    }
    catalog.get("services/nope/detail", expect=404)


def test_graph_view_whole_and_filtered(catalog):
    whole = catalog.get("graph")
    # 6 services + 2 APIs + 4 data stores; 7 dependencies + 2 "provides" + 1 "replica-of".
    assert (len(whole["nodes"]), len(whole["edges"])) == (12, 10)
    assert all(node["focus"] for node in whole["nodes"]) and not whole["truncated"]
    edges = {(e["source"], e["target"]): e for e in whole["edges"]}
    assert edges[("service:gw", "api:orders-api")]["kind"] == "consumes"
    assert edges[("service:orders", "api:orders-api")]["kind"] == "provides"
    assert edges[("data-store:orders-db-ro", "data-store:orders-db")]["kind"] == "replica-of"
    assert edges[("service:web", "data-store:cache")]["violation"] == "skips-layer"
    api_node = next(n for n in whole["nodes"] if n["id"] == "api:orders-api")
    assert (api_node["layer"], api_node["owner"]) == ("business", "Core")

    data_team = catalog.get("graph", team="Data")
    assert [(n["id"], n["focus"]) for n in data_team["nodes"]] == [
        ("data-store:archive", True),
        ("data-store:orders-db-ro", True),
        ("service:report", True),
        ("data-store:orders-db", False),
    ]
    assert {(e["source"], e["kind"]) for e in data_team["edges"]} == {
        ("service:report", "uses"),
        ("data-store:orders-db-ro", "replica-of"),
    }
    frontend = catalog.get("graph", layer="frontend")
    assert [n["id"] for n in frontend["nodes"]] == ["service:web", "data-store:cache", "service:gw"]
    assert catalog.get("graph", system="none")["nodes"] == []


def test_blast_radius_agrees_with_the_graph_analytics_on_a_random_catalog(client, admin, db):
    """The API's lean blast radius (edge query + BFS) against graph.blast_radius on the loaded
    graph, for every service and data store of a random catalog with APIs and replicas."""
    import random

    from tmse.catalog.graph import analysis as graph_analysis
    from tmse.catalog.graph import checks

    client.post("/api/v1/teams", json={"name": "Core"}, headers=admin.headers)
    c = Catalog(client, admin.headers)
    rng = random.Random(7)
    names = [f"s{i}" for i in range(14)]
    for name in names:
        c.service(name)
    for i in range(4):
        c.api(f"a{i}", provider=rng.choice(names))
    c.store("db")
    c.store("db-ro", primary="db")
    c.store("kv")
    edges = set()
    while len(edges) < 30:
        source = rng.choice(names)
        kind, target = rng.choice(
            [("service", rng.choice(names)), ("api", f"a{rng.randrange(4)}"),
             ("data-store", rng.choice(["db", "db-ro", "kv"]))]
        )  # fmt: skip
        if (source, target) in edges or source == target:
            continue
        response = c.client.post(
            "/api/v1/catalog/dependencies",
            json={"source": source, "target": target, "target_kind": kind},
            headers=admin.headers,
        )
        if response.status_code == 201:  # a provider consuming its own API is refused
            edges.add((source, target))
    with db.session() as session:
        graph = checks.load_graph(session)
        for name in names:
            assert checks.blast_radius(session, name).services == graph_analysis.blast_radius(
                graph, name
            )
        for store in ("db", "db-ro", "kv"):
            expected = graph_analysis.blast_radius(graph, f"data-store:{store}")
            found = checks.data_store_blast_radius(session, store).services
            assert found == [n for n in expected if not n.startswith("data-store:")]
