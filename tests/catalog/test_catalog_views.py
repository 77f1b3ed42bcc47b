"""Catalog pages: layer lanes and table with filters and paging, the service form, a service's
page, the graph, the lists of systems, APIs and data stores, and the duplicates report."""

from __future__ import annotations

import json
import re

import pytest

from tests.helpers import login
from tests.helpers.pages import audit_entries, post_form
from tmse.catalog import queries


def _post(client, admin, path, body):
    response = client.post(f"/api/v1{path}", json=body, headers=admin.headers)
    assert response.status_code in (200, 201), (path, response.text)
    return response.json()


def seed_shop(client, admin):
    """Web → gateway → orders ⇄ payments (a cycle), orders → ledger (skips the data layer),
    metrics-agent → gateway (upward); an API, a data store with a replica, one system."""
    for team in ("Storefront", "Payments", "Platform"):
        _post(client, admin, "/teams", {"name": team})
    _post(client, admin, "/catalog/systems", {"name": "checkout", "owner": "Payments"})
    services = [
        ("shop-web", "frontend", "Storefront", None, 1),
        ("edge-gateway", "gateway", "Platform", None, 0),
        ("orders", "business", "Payments", "checkout", 0),
        ("payments", "business", "Payments", "checkout", 1),
        ("ledger", "infrastructure", "Platform", None, 2),
        ("metrics-agent", "infrastructure", "Platform", None, 3),
    ]
    for name, layer, owner, system, tier in services:
        body = {"name": name, "layer": layer, "owner": owner, "tier": tier}
        body |= {"system": system} if system else {}
        body |= {"description": f"{name} of the shop", "language": "Go"}
        _post(client, admin, "/catalog/services", body)
    edges = [
        ("shop-web", "edge-gateway", "http"),
        ("edge-gateway", "orders", "grpc"),
        ("orders", "payments", "grpc"),
        ("payments", "orders", "amqp"),
        ("orders", "ledger", "grpc"),
        ("metrics-agent", "edge-gateway", "http"),
    ]
    for source, target, protocol in edges:
        _post(
            client,
            admin,
            "/catalog/dependencies",
            {"source": source, "target": target, "protocol": protocol},
        )
    _post(
        client,
        admin,
        "/catalog/apis",
        {"name": "payments-api", "owner": "Payments", "provider": "payments", "type": "openapi"},
    )
    _post(
        client,
        admin,
        "/catalog/dependencies",
        {"source": "orders", "target": "payments-api", "target_kind": "api"},
    )
    _post(
        client,
        admin,
        "/catalog/data-stores",
        {"name": "orders-db", "engine": "postgresql", "owner": "Payments"},
    )
    _post(
        client,
        admin,
        "/catalog/data-stores",
        {"name": "orders-db-ro", "engine": "postgresql", "owner": "Payments"}
        | {"primary": "orders-db"},
    )
    _post(
        client,
        admin,
        "/catalog/dependencies",
        {"source": "orders", "target": "orders-db", "target_kind": "data-store", "protocol": "sql"},
    )


def _lane(html: str, layer: str) -> str:
    return html.split(f'data-lane="{layer}"')[1].split("</section>")[0]


def test_layer_view_shows_five_lanes_of_cards(client, admin, make_account):
    seed_shop(client, admin)
    viewer = make_account("viewer")
    login(client, viewer.username)

    page = client.get("/catalog")

    assert page.status_code == 200
    assert 'data-nav="catalog"' in page.text and 'data-nav="decisions"' in page.text
    order = [page.text.index(f'data-lane="{layer}"') for layer in queries.DEFAULT_LAYERS]
    assert order == sorted(order)  # frontend on top, infrastructure at the bottom
    business = _lane(page.text, "business")
    assert 'data-testid="lane-count-business">2<' in business
    orders_card = business.split('data-service="orders"')[1].split("</a>")[0]
    assert "Payments" in orders_card and "checkout" in orders_card
    assert 'data-lifecycle="production"' in orders_card and 'data-tier="0"' in orders_card
    assert "No services in this layer." in _lane(page.text, "data")
    assert 'id="new-service"' not in page.text  # viewers cannot add services


def test_filters_narrow_lanes_and_table(client, admin):
    seed_shop(client, admin)
    login(client, "admin")

    by_team = client.get("/catalog", params={"team": "Platform"})
    assert re.findall(r'class="catalog-card" href="/catalog/services/([\w-]+)"', by_team.text) == [
        "edge-gateway",
        "ledger",
        "metrics-agent",
    ]
    by_system = client.get("/catalog", params={"system": "checkout", "view": "table"})
    assert re.findall(r'<tr data-service="([\w-]+)"', by_system.text) == ["orders", "payments"]
    by_name = client.get("/catalog", params={"q": "pay", "view": "table"})
    assert "Showing 1 to 1 of 1" in by_name.text
    by_lifecycle = client.get("/catalog", params={"lifecycle": "deprecated"})
    assert "No services match these filters" in by_lifecycle.text
    by_layer = client.get("/catalog", params={"layer": "gateway", "view": "table"})
    assert re.findall(r'<tr data-service="([\w-]+)"', by_layer.text) == ["edge-gateway"]


def test_table_pages_and_a_full_lane_links_to_the_rest(client, admin):
    _post(client, admin, "/teams", {"name": "Core"})
    for n in range(60):
        _post(
            client,
            admin,
            "/catalog/services",
            {"name": f"svc-{n:02d}", "layer": "business", "owner": "Core"},
        )
    login(client, "admin")

    first = client.get("/catalog", params={"view": "table"})
    assert "Showing 1 to 50 of 60" in first.text
    assert first.text.count("<tr data-service=") == 50
    second = client.get("/catalog", params={"view": "table", "offset": 50})
    assert "Showing 51 to 60 of 60" in second.text
    assert second.text.count("<tr data-service=") == 10

    lanes = client.get("/catalog")
    business = _lane(lanes.text, "business")
    assert business.count('class="catalog-card"') == queries.LANE_CARDS
    assert "and 36 more in the table" in business
    assert 'href="/catalog?view=table&layer=business"' in business


def test_empty_catalog_invites_the_first_service(client, admin):
    login(client, "admin")
    page = client.get("/catalog")
    assert "No services yet" in page.text and "Add the first service" in page.text


def test_new_service_form_writes_through_the_service(client, admin, db, make_account):
    _post(client, admin, "/teams", {"name": "Payments"})
    engineer = make_account("engineer")
    login(client, engineer.username)

    form = client.get("/catalog/services/new")
    assert form.status_code == 200 and 'id="service-form"' in form.text
    created = post_form(
        client,
        "/catalog/services",
        {"name": "refunds", "layer": "business", "owner": "Payments", "tier": "1", "type": ""},
    )

    assert created.status_code == 303
    assert created.headers["location"] == "/catalog/services/refunds?saved=1"
    stored = client.get("/api/v1/catalog/services/refunds", headers=admin.headers).json()
    assert (stored["owner"], stored["tier"], stored["type"]) == ("Payments", 1, "service")
    assert [e.actor_name for e in audit_entries(db, "service", "create")] == [engineer.username]
    assert "Your changes were saved." in client.get(created.headers["location"]).text


def test_bad_service_input_names_fields_and_stores_nothing(client, admin):
    _post(client, admin, "/teams", {"name": "Payments"})
    login(client, "admin")

    bad = post_form(
        client,
        "/catalog/services",
        {"name": "Bad Name!", "layer": "", "owner": "Payments", "tier": "high"},
    )
    assert bad.status_code == 422
    errors = dict(re.findall(r'data-field-error="(\w+)">([^<]+)<', bad.text))
    assert set(errors) == {"name", "layer", "tier"}
    assert errors["tier"] == "Enter a whole number."
    assert 'value="Bad Name!"' in bad.text  # what was typed stays in the form
    empty = post_form(client, "/catalog/services", {"name": "", "layer": "data", "owner": "x"})
    assert 'data-field-error="name">This field is required.' in empty.text

    unknown_owner = post_form(
        client, "/catalog/services", {"name": "ghost", "layer": "data", "owner": "Nobody"}
    )
    assert unknown_owner.status_code == 422
    assert 'data-field-error="owner">No team has this name.' in unknown_owner.text
    total = client.get("/api/v1/catalog/services", headers=admin.headers).json()["total"]
    assert total == 0

    ledger = {"name": "ledger", "layer": "data", "owner": "Payments"}
    _post(client, admin, "/catalog/services", ledger)
    taken = post_form(client, "/catalog/services", ledger)
    assert taken.status_code == 409
    assert "A service with this name already exists." in taken.text


def test_edit_service_and_stale_version(client, admin):
    seed_shop(client, admin)
    login(client, "admin")
    form = client.get("/catalog/services/ledger/edit")
    version = re.search(r'name="version" value="(\d+)"', form.text).group(1)
    assert 'value="Platform" selected' in form.text

    fields = {"name": "ledger", "layer": "infrastructure", "owner": "Platform"}
    saved = post_form(
        client,
        "/catalog/services/ledger/edit",
        fields | {"lifecycle": "deprecated", "system": "checkout", "version": version},
    )
    assert saved.status_code == 303
    stored = client.get("/api/v1/catalog/services/ledger", headers=admin.headers).json()
    assert (stored["lifecycle"], stored["system"]) == ("deprecated", "checkout")

    stale = post_form(
        client,
        "/catalog/services/ledger/edit",
        fields | {"lifecycle": "production", "version": version},
    )
    assert stale.status_code == 409
    assert "Someone else saved a change while you were editing" in stale.text
    assert "Reload the latest version" in stale.text
    still = client.get("/api/v1/catalog/services/ledger", headers=admin.headers).json()
    assert still["lifecycle"] == "deprecated"


def test_viewer_cannot_open_or_post_service_forms(client, admin, make_account):
    seed_shop(client, admin)
    viewer = make_account("viewer")
    login(client, viewer.username)
    assert client.get("/catalog/services/new").status_code == 403
    assert client.get("/catalog/services/ledger/edit").status_code == 403
    denied = post_form(client, "/catalog/services", {"name": "x", "layer": "data", "owner": "x"})
    assert denied.status_code == 403 and "catalog:write" in denied.text
    assert 'id="edit-service"' not in client.get("/catalog/services/ledger").text


def test_service_page_shows_neighbourhood_findings_and_decisions(client, admin):
    seed_shop(client, admin)
    record = _post(client, admin, "/decisions", {"title": "Orders own the checkout"})
    orders_id = client.get("/api/v1/catalog/services/orders", headers=admin.headers).json()["id"]
    _post(
        client,
        admin,
        "/links",
        {"source": f"adr:{record['id']}", "target": f"service:{orders_id}", "link_type": "decides"},
    )
    login(client, "admin")

    page = client.get("/catalog/services/orders").text

    depends_on = page.split('id="depends-on"')[1].split('id="used-by"')[0]
    assert re.findall(r'data-dependency="([\w-]+)"', depends_on) == [
        "payments-api",
        "orders-db",
        "ledger",
        "payments",
    ]
    assert "<code>sql</code>" in depends_on and "provided by payments" in depends_on
    used_by = page.split('id="used-by"')[1].split('id="apis"')[0]
    assert re.findall(r'data-dependant="([\w-]+)"', used_by) == ["edge-gateway", "payments"]
    assert 'data-api="payments-api"' in page.split('id="apis-consumed"')[1]
    assert 'data-store="orders-db"' in page
    # orders → ledger skips the data layer; orders ⇄ payments is a cycle.
    findings = page.split('id="architecture-findings"')[1]
    assert 'data-violation="orders→ledger"' in findings and 'data-rule="skips-layer"' in findings
    assert 'data-cycle="orders,payments"' in findings
    # Everything reaching orders: payments, the gateway, and what depends on the gateway.
    blast = page.split('id="blast-radius"')[1]
    assert 'data-testid="blast-count">4<' in blast
    assert set(re.findall(r'data-impacted="([\w-]+)"', blast)) == {
        "edge-gateway",
        "metrics-agent",
        "payments",
        "shop-web",
    }
    assert 'data-adr="1"' in page and "Orders own the checkout" in page
    assert 'data-testid="system"><a href="/catalog?system=checkout">checkout</a>' in page


def test_unknown_service_is_a_404_page(client, admin):
    login(client, "admin")
    page = client.get("/catalog/services/nope")
    assert page.status_code == 404 and "This service does not exist." in page.text


def _graph_option(html: str) -> dict:
    raw = re.search(r"data-catalog-graph='([^']*)'", html).group(1)
    return json.loads(raw.replace("&#39;", "'").replace("&amp;", "&"))


def test_graph_draws_services_coloured_by_layer_with_violations_red(client, admin):
    seed_shop(client, admin)
    login(client, "admin")

    page = client.get("/catalog/graph").text
    series = _graph_option(page)["series"][0]
    nodes = {n["id"]: n for n in series["data"]}
    assert {"service:orders", "api:payments-api", "data-store:orders-db-ro"} <= set(nodes)
    assert nodes["service:orders"]["category"] == 2  # business, third layer
    assert nodes["api:payments-api"]["symbol"] == "diamond"
    assert nodes["data-store:orders-db"]["symbol"] == "rect"
    red = {
        (e["source"], e["target"])
        for e in series["links"]
        if e.get("lineStyle", {}).get("color") == "#d63939"
    }
    assert ("service:orders", "service:ledger") in red  # skips a layer
    assert ("service:metrics-agent", "service:edge-gateway") in red  # upward
    assert ("service:shop-web", "service:edge-gateway") not in red
    assert 'data-violation="metrics-agent→edge-gateway"' in page
    assert 'data-cycle="orders,payments"' in page


def test_graph_filter_by_team_keeps_neighbours_pale(client, admin):
    seed_shop(client, admin)
    login(client, "admin")
    page = client.get("/catalog/graph", params={"team": "Storefront"}).text
    nodes = {n["id"]: n for n in _graph_option(page)["series"][0]["data"]}
    assert set(nodes) == {"service:shop-web", "service:edge-gateway"}
    assert "itemStyle" not in nodes["service:shop-web"]
    assert nodes["service:edge-gateway"]["itemStyle"] == {"opacity": 0.35}
    # The cycle orders ⇄ payments does not touch this team's services.
    assert "data-cycle=" not in page


def test_graph_too_broad_asks_for_a_filter(client, admin, monkeypatch):
    seed_shop(client, admin)
    monkeypatch.setattr(queries, "GRAPH_NODE_LIMIT", 3)
    login(client, "admin")
    page = client.get("/catalog/graph").text
    assert 'id="graph-too-broad"' in page and "data-catalog-graph" not in page
    assert "at most 3" in page
    empty = client.get("/catalog/graph", params={"team": "Nobody"}).text
    assert "No services match these filters" in empty


def test_systems_apis_and_data_store_lists(client, admin):
    seed_shop(client, admin)
    login(client, "admin")

    systems = client.get("/catalog/systems").text
    row = systems.split('data-system="checkout"')[1].split("</tr>")[0]
    assert ">2</a>" in row and "Payments" in row

    apis = client.get("/catalog/apis").text
    api_row = apis.split('data-api="payments-api"')[1].split("</tr>")[0]
    assert "/catalog/services/payments" in api_row and "OpenAPI" in api_row
    assert "No APIs match these filters" in client.get("/catalog/apis?type=grpc").text

    stores = client.get("/catalog/data-stores").text
    assert stores.count("<tr data-store=") == 1  # the replica sits under its primary
    primary = stores.split('data-store="orders-db"')[1].split("</tr>")[0]
    assert 'data-replica="orders-db-ro"' in primary and "1 read replica" in primary
    assert "Showing 1 to 1 of 1" in stores


def test_api_page_shows_definition_and_design_rule_violations(client, admin):
    seed_shop(client, admin)
    definition = {
        "openapi": "3.0.3",
        "info": {"title": "Refunds", "version": "1"},
        "paths": {"/getRefunds": {"get": {"responses": {"200": {"description": "ok"}}}}},
    }
    _post(
        client,
        admin,
        "/catalog/apis",
        {"name": "refunds-api", "owner": "Payments", "definition": json.dumps(definition)},
    )
    login(client, "admin")

    page = client.get("/catalog/apis/refunds-api").text

    assert 'id="conformance-table"' in page
    assert "/getRefunds" in page  # the definition is shown, escaped, as text
    assert re.search(r'data-testid="conformance-errors">\d+ errors?<', page)
    assert client.get("/catalog/apis/nope").status_code == 404


def test_duplicates_report_ranks_planted_pair_first(client, admin):
    _post(client, admin, "/teams", {"name": "Growth"})
    _post(client, admin, "/teams", {"name": "Retention"})
    for name, owner, text in (
        ("coupon-service", "Growth", "Issues and redeems discount coupons for orders"),
        ("coupons-svc", "Retention", "Issues and redeems discount coupons for orders"),
        ("search-indexer", "Growth", "Builds the product search index"),
    ):
        body = {"name": name, "layer": "business", "owner": owner, "description": text}
        _post(client, admin, "/catalog/services", body)
    login(client, "admin")

    page = client.get("/catalog/duplicates").text

    pairs = re.findall(r'data-pair="([\w|-]+)"', page)
    assert pairs[0] == "coupon-service|coupons-svc"
    first = page.split('data-pair="coupon-service|coupons-svc"')[1].split("</tr>")[0]
    assert "Growth" in first and "Retention" in first
    assert 'class="progress-bar' in first and "Similar descriptions" in first
    assert 'href="/catalog/services/coupons-svc"' in first


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/catalog", "服务目录"),
        ("/catalog/graph", "依赖关系图"),
        ("/catalog/duplicates", "疑似重复建设"),
    ],
)
def test_catalog_pages_in_chinese(client, admin, path, title):
    seed_shop(client, admin)
    login(client, "admin")
    client.cookies.set("tmse_locale", "zh_CN")
    page = client.get(path).text
    assert f'<h2 class="page-title">{title}' in page
    assert "Owning team" not in page and "Layer violations" not in page


def test_a_long_cycle_is_cut_short(client, admin):
    _post(client, admin, "/teams", {"name": "Core"})
    ring = [f"ring-{n}" for n in range(10)]
    for name in ring:
        _post(client, admin, "/catalog/services", {"name": name, "layer": "data", "owner": "Core"})
    for source, target in zip(ring, ring[1:] + ring[:1], strict=True):
        _post(client, admin, "/catalog/dependencies", {"source": source, "target": target})
    login(client, "admin")
    for path in ("/catalog/graph", "/catalog/services/ring-3"):
        page = client.get(path).text
        assert 'data-cycle-size="10"' in page and "10 services in one tangle" in page
        assert page.count('href="/catalog/services/ring-9"') <= 1


def test_a_layer_finding_reads_in_each_readers_language(client, admin):
    seed_shop(client, admin)
    login(client, "admin")
    english = client.get("/catalog/services/orders").text.split('id="architecture-findings"')[1]
    assert "orders → ledger: Business → Infrastructure skips Data" in english
    client.cookies.set("tmse_locale", "zh_CN")
    chinese = client.get("/catalog/services/orders").text.split('id="architecture-findings"')[1]
    assert "orders → ledger：业务层 → 基础设施层 跳过了 数据层" in chinese
    assert " skips " not in chinese
    # The API keeps its English sentence and gives the message id beside it.
    checks = client.get("/api/v1/catalog/checks/graph", headers=admin.headers).json()
    (finding,) = [v for v in checks["layer_violations"] if v["source"] == "orders"]
    assert finding["message"] == "orders → ledger: business → infrastructure skips data"
    assert finding["finding_message"]["id"] == "{source} → {target}: {reason}"
