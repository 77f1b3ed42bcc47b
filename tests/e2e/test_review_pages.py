"""An architecture review in a real browser: a tech lead requests one through the form, the
checklist flags a frontend reading a data store, an architect refuses a plain approval, approves
with a condition for the blocking item, ticks it, and the gate opens; then the queue in Chinese.

This test runs its own server: it adds people (an architect, a tech lead), which the shared
server's other tests count."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers import PASSWORD, SYSTEM
from tests.helpers.browser import (
    browser_page,
    require_front_end_assets,
    running_server,
    screenshot,
    switch_language,
)
from tmse.catalog import service as catalog
from tmse.catalog.data_stores import service as data_stores
from tmse.catalog.data_stores.schemas import DataStoreCreate
from tmse.catalog.schemas import DependencyCreate, ServiceCreate
from tmse.core.db import Database
from tmse.core.identity import service as identity
from tmse.core.identity.schemas import TeamCreate, UserCreate
from tmse.migrations import upgrade

pytestmark = pytest.mark.e2e


def _seed(url: str) -> None:
    database = Database(url)
    with database.session() as session:
        acme = identity.create_team(session, SYSTEM, TeamCreate(name="Acme", kind="company"))
        platform = identity.create_team(
            session, SYSTEM, TeamCreate(name="Platform", kind="department", parent_id=acme.id)
        )
        web = identity.create_team(session, SYSTEM, TeamCreate(name="Web", parent_id=platform.id))
        for username, display, role in (
            ("ada", "Ada Lovelace / 架构师", "architect"),
            ("lee", "Lee Tech Lead", "tech_lead"),
        ):
            identity.create_user(
                session,
                SYSTEM,
                UserCreate(
                    username=username,
                    display_name=display,
                    password=PASSWORD,
                    roles=[role],
                    team_ids=[web.id],
                ),
            )
        for name, layer in (
            ("web-shop", "frontend"),
            ("edge-gateway", "gateway"),
            ("orders", "business"),
        ):
            catalog.create_service(
                session, SYSTEM, ServiceCreate(name=name, layer=layer, owner="Web")
            )
        for source, target in (("web-shop", "edge-gateway"), ("edge-gateway", "orders")):
            catalog.create_dependency(
                session, SYSTEM, DependencyCreate(source=source, target=target)
            )
        data_stores.create_data_store(
            session, SYSTEM, DataStoreCreate(name="orders-db", engine="postgresql", owner="Web")
        )
    database.dispose()


@pytest.fixture(scope="module")
def review_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_front_end_assets()
    url = f"sqlite:///{tmp_path_factory.mktemp('e2e-reviews') / 'tmse.db'}"
    upgrade(url)
    _seed(url)
    with running_server(url, "e2e-reviews") as base:
        yield base


@pytest.fixture
def review_page(browser, review_server):  # type: ignore[no-untyped-def]
    with browser_page(browser, review_server) as opened:
        yield opened


def _sign_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_url("**/")


def test_request_check_decide_with_conditions_and_open_the_gate(review_page):  # type: ignore[no-untyped-def]
    page = review_page
    _sign_in(page, "lee")
    page.goto("/reviews")
    assert (
        page.locator("#reviews-results .empty-title").inner_text() == "No architecture reviews yet"
    )
    page.click("#new-review")
    page.wait_for_url("**/reviews/new")
    page.fill("#title", "Storefront for the spring campaign")
    page.fill("#name", "storefront")
    page.select_option("#layer", "frontend")
    page.fill("#owner", "Web")
    page.fill("#dependencies", "orders-db data-store sql\nedge-gateway")
    page.fill("#description", "A campaign storefront that shows live order counts.")
    screenshot(page, "reviews-01-request-form")
    page.click("#submit-review")
    page.wait_for_url("**/reviews/1?saved=1")
    blocking = page.locator('[data-item="layering:data-store:orders-db"] [data-result]')
    assert blocking.get_attribute("data-result") == "blocking"
    assert (
        page.locator('[data-item="layering:service:edge-gateway"] [data-result]').get_attribute(
            "data-result"
        )
        == "pass"
    )
    assert page.locator("#blocking-count").inner_text() == "1 blocking item fails"
    assert page.locator("#decision-form").count() == 0  # the requester does not decide
    screenshot(page, "reviews-02-requested")
    page.click("#logout")

    _sign_in(page, "ada")
    page.goto("/reviews?mine=assigned")
    assert page.locator('[data-count="requested"]').inner_text() == "1"
    assert page.locator("#reviews-table tbody tr").count() == 1
    screenshot(page, "reviews-03-queue")
    page.click("#reviews-table a[href='/reviews/1']")
    page.check("#opinion-approve-with-conditions")
    page.click("#give-opinion")
    page.wait_for_url("**/reviews/1?saved=1")
    assert page.locator("[data-reviewer=ada] [data-opinion]").get_attribute("data-opinion") == (
        "approve-with-conditions"
    )
    page.check("#decide-approved")
    page.click("#record-decision")
    assert "Blocking checklist items fail" in page.locator("#form-message").inner_text()
    assert page.locator('[data-field-error="status"]').is_visible()
    screenshot(page, "reviews-04-plain-approval-refused")
    page.check("#decide-approved-with-conditions")
    page.fill("#condition-1", "Read order counts through the orders API")
    page.fill("#note", "Fine once the page stops reading the database.")
    page.click("#record-decision")
    page.wait_for_url("**/reviews/1?saved=1")
    assert page.locator("#review-badges [data-status]").get_attribute("data-status") == (
        "approved-with-conditions"
    )
    assert page.locator("[data-gate]").get_attribute("data-gate") == "blocked"
    with page.expect_navigation():
        page.check("#condition-0")
    assert page.locator("[data-condition='0']").get_attribute("data-done") == "1"
    assert page.locator("[data-gate]").get_attribute("data-gate") == "passed"
    screenshot(page, "reviews-05-approved-gate-open")

    switch_language(page, "zh_CN")
    assert page.locator("#checklist .card-title").inner_text() == "检查清单"
    page.goto("/reviews")
    assert page.locator("h2.page-title").inner_text() == "架构评审"
    screenshot(page, "reviews-06-queue-zh")
    switch_language(page, "en")
