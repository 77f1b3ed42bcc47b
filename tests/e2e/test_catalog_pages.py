"""The catalog in a real browser: layer lanes, the service form and page, the graph drawn by
ECharts and filtered by team, duplicates, decisions, and the same pages in Chinese."""

from __future__ import annotations

import pytest

from tests.helpers.browser import screenshot, sign_in, switch_language

pytestmark = pytest.mark.e2e

TEAMS = ("Platform Team", "Product Team")
SERVICES = [
    # name, layer, owner, system, description
    ("shop-web", "frontend", "Product Team", "shop", "Web shop for customers"),
    ("shop-admin", "frontend", "Product Team", "shop", "Back office for merchants"),
    ("edge-gateway", "gateway", "Platform Team", None, "Routes and authenticates requests"),
    ("orders", "business", "Product Team", "shop", "Takes and tracks customer orders"),
    ("payments", "business", "Product Team", "shop", "Charges cards and wallets"),
    ("coupon-service", "business", "Product Team", "shop", "Issues and redeems discount coupons"),
    ("coupons-svc", "business", "Platform Team", None, "Issues and redeems discount coupons"),
    ("catalog-search", "data", "Platform Team", None, "Indexes products for search"),
    ("ledger", "infrastructure", "Platform Team", None, "Append-only money ledger"),
    ("message-bus", "infrastructure", "Platform Team", None, "Kafka for domain events"),
]
EDGES = [
    ("shop-web", "edge-gateway"),
    ("shop-admin", "edge-gateway"),
    ("edge-gateway", "orders"),
    ("edge-gateway", "payments"),
    ("orders", "payments"),
    ("payments", "orders"),  # a cycle
    ("orders", "catalog-search"),
    ("orders", "ledger"),  # skips the data layer
    ("payments", "message-bus"),  # skips the data layer
    ("message-bus", "edge-gateway"),  # upward
    ("orders", "coupon-service"),
]


def _api(page, method: str, path: str, body: dict) -> None:  # type: ignore[no-untyped-def]
    """Call the JSON API as the signed-in browser (session cookie plus the CSRF header)."""
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "tmse_csrf")
    response = page.request.fetch(
        f"/api/v1{path}", method=method, data=body, headers={"X-CSRF-Token": csrf}
    )
    assert response.status in (200, 201, 409), (path, response.status, response.text())


def _seed_catalog(page) -> None:  # type: ignore[no-untyped-def]
    _api(page, "POST", "/catalog/systems", {"name": "shop", "owner": "Product Team"})
    for name, layer, owner, system, description in SERVICES:
        body = {"name": name, "layer": layer, "owner": owner, "description": description}
        body |= {"system": system, "tier": 1} if system else {"tier": 2}
        _api(page, "POST", "/catalog/services", body)
    for source, target in EDGES:
        _api(page, "POST", "/catalog/dependencies", {"source": source, "target": target})
    _api(
        page,
        "POST",
        "/catalog/data-stores",
        {"name": "orders-db", "engine": "postgresql", "owner": "Product Team"},
    )
    _api(
        page,
        "POST",
        "/catalog/dependencies",
        {"source": "orders", "target": "orders-db", "target_kind": "data-store", "protocol": "sql"},
    )


def _wait_for_graph(page) -> int:  # type: ignore[no-untyped-def]
    page.wait_for_function("() => document.querySelector('#catalog-graph[data-ready]') !== null")
    return int(
        page.evaluate(
            "() => echarts.getInstanceByDom(document.querySelector('#catalog-graph'))"
            ".getOption().series[0].data.length"
        )
    )


def test_catalog_layers_service_page_graph_and_chinese(page):  # type: ignore[no-untyped-def]
    sign_in(page)
    _seed_catalog(page)

    page.click("[data-nav=catalog]")
    page.wait_for_url("**/catalog")
    lanes = page.locator(".catalog-lane")
    assert lanes.count() == 5
    assert page.locator("[data-lane=business] .catalog-card").count() == 4
    assert page.locator("[data-testid=lane-count-infrastructure]").inner_text() == "2"
    screenshot(page, "catalog-01-layers")

    page.click("#filter-team")
    page.select_option("#filter-team", "Platform Team")
    page.wait_for_url("**team=Platform%20Team**")
    page.wait_for_function("() => document.querySelectorAll('.catalog-card').length === 5")
    screenshot(page, "catalog-02-layers-filtered")

    page.click("[data-view=table]")
    page.wait_for_selector("#services-table")
    assert page.locator("#services-table tbody tr").count() == 5
    screenshot(page, "catalog-03-table")

    # A new service through the form: first empty (errors shown), then filled in.
    page.goto("/catalog/services/new")
    page.click("#save-service")
    assert page.locator("[data-field-error=name]").is_visible()
    screenshot(page, "catalog-04-form-errors")
    page.fill("#service-name", "risk-engine")
    page.select_option("#service-owner", "Platform Team")
    page.select_option("#service-layer", "business")
    page.fill("#service-tier", "1")
    page.fill("#service-description", "Scores orders for fraud")
    page.click("#save-service")
    page.wait_for_url("**/catalog/services/risk-engine?saved=1")
    assert "Your changes were saved." in page.locator(".alert-success").inner_text()

    page.goto("/catalog/services/orders")
    assert page.locator("#depends-on [data-dependency]").count() == 5
    assert page.locator("[data-violation='orders→ledger']").is_visible()
    assert page.locator("[data-testid=blast-count]").inner_text() == "5"
    screenshot(page, "catalog-05-service")

    page.click("#service-in-graph")
    page.wait_for_url("**/catalog/graph?system=shop")
    assert _wait_for_graph(page) >= 5
    page.goto("/catalog/graph")
    total = _wait_for_graph(page)
    assert total == len(SERVICES) + 2  # the new service and the data store
    assert page.locator("#graph-violations [data-violation]").count() == 3
    assert page.locator("#graph-cycles [data-cycle]").count() == 1
    screenshot(page, "catalog-06-graph")

    with page.expect_navigation():
        page.select_option("#graph-team", "Product Team")
    focused = _wait_for_graph(page)
    assert 0 < focused < total
    screenshot(page, "catalog-07-graph-team")

    page.click("[data-tab=duplicates]")
    page.wait_for_url("**/catalog/duplicates")
    assert page.locator("#duplicates-table tbody tr").first.get_attribute("data-pair") == (
        "coupon-service|coupons-svc"
    )
    screenshot(page, "catalog-08-duplicates")

    switch_language(page, "zh_CN")
    assert page.locator("h2.page-title").inner_text() == "疑似重复建设"
    page.goto("/catalog")
    assert page.locator("[data-lane=business] .catalog-lane-title").inner_text() == "业务层"
    screenshot(page, "catalog-09-layers-zh")
    page.goto("/catalog/graph")
    _wait_for_graph(page)
    screenshot(page, "catalog-10-graph-zh")
    page.goto("/catalog/services/orders")
    screenshot(page, "catalog-11-service-zh")
    switch_language(page, "en")


def test_decisions_list_record_and_link(page):  # type: ignore[no-untyped-def]
    sign_in(page)
    _seed_catalog(page)
    page.click("[data-nav=decisions]")
    page.wait_for_url("**/decisions")
    page.click("#new-decision")
    page.fill("#decision-title", "Use PostgreSQL for orders")
    page.select_option("#decision-status", "accepted")
    page.fill("#decision-context", "Orders need transactions.\n\n- strong consistency\n- SQL")
    page.fill("#decision-decision", "We will store orders in PostgreSQL.")
    page.fill("#decision-consequences", "Teams learn one database well.")
    page.click("#save-decision")
    page.wait_for_url("**/decisions/*?saved=1")
    page.fill("#link-service", "orders")
    page.click("#link-service-form button")
    page.wait_for_url("**/decisions/*?saved=1")
    assert page.locator("#linked-services [data-service=orders]").is_visible()
    screenshot(page, "catalog-12-decision")
    page.goto("/decisions")
    assert page.locator("#decisions-table tbody tr").count() >= 1
    screenshot(page, "catalog-13-decisions")
    page.goto("/catalog/services/orders")
    assert page.locator("#decisions [data-adr]").count() >= 1
