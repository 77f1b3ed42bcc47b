"""Joint review in a real browser: a tech lead asks a product manager and an architect to review
a requirement; the architect sees the bell's count and approves from the queue; the product
manager approves on the review panel and the requirement is approved; then the pages in Chinese.

This test runs its own server: it adds people, which the shared server's other tests count."""

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
from tmse.core.db import Database
from tmse.core.identity import service as identity
from tmse.core.identity.schemas import UserCreate
from tmse.metadata import load_metadata
from tmse.migrations import upgrade
from tmse.requirements.models import Requirement

pytestmark = pytest.mark.e2e

PEOPLE = (
    ("pia", "Pia Product / 产品经理", "product_manager"),
    ("ada", "Ada Lovelace / 架构师", "architect"),
    ("lee", "Lee Tech Lead", "tech_lead"),
)


def _seed(url: str) -> None:
    database = Database(url)
    load_metadata().create_all(database.engine, checkfirst=True)
    with database.session() as session:
        ids = {}
        for username, display, role in PEOPLE:
            user = identity.create_user(
                session,
                SYSTEM,
                UserCreate(
                    username=username, display_name=display, password=PASSWORD, roles=[role]
                ),
            )  # type: ignore[arg-type]
            ids[username] = user.id
        session.add(
            Requirement(
                title="Refunds in one click / 一键退款",
                description="Customers refund an order from its page without calling support.",
                acceptance_criteria="The refund reaches the card within 5 seconds.",
                status="accepted",
                product_manager_id=ids["pia"],
                custom={},
            )
        )
    database.dispose()


@pytest.fixture(scope="module")
def joint_review_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_front_end_assets()
    url = f"sqlite:///{tmp_path_factory.mktemp('e2e-joint-review') / 'tmse.db'}"
    upgrade(url)
    _seed(url)
    with running_server(url, "e2e-joint-review") as base:
        yield base


@pytest.fixture
def review_page(browser, joint_review_server):  # type: ignore[no-untyped-def]
    with browser_page(browser, joint_review_server) as opened:
        yield opened


def _sign_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_url("**/")


def test_request_review_approve_from_queue_and_panel(review_page):  # type: ignore[no-untyped-def]
    page = review_page
    _sign_in(page, "lee")
    page.goto("/requirements/1/review")
    panel = page.locator("#review-panel")
    assert panel.get_attribute("data-status") == "accepted"
    page.click("summary[data-action=request-review]")
    # Only the architect: the form comes back with the field marked, nothing stored.
    page.select_option("#reviewers-input", label="Ada Lovelace / 架构师 (Technical review)")
    page.click("[data-submit=request-review]")
    assert page.locator('[data-field-error="reviewers"]').is_visible()
    assert page.locator("#review-panel").get_attribute("data-status") == "accepted"
    screenshot(page, "requirement-review-01-reviewers-refused")
    page.select_option(
        "#reviewers-input",
        label=[
            "Ada Lovelace / 架构师 (Technical review)",
            "Pia Product / 产品经理 (Product review)",
        ],
    )
    page.fill("#reason-request-review", "Ready for the payments release")
    page.click("[data-submit=request-review]")
    page.wait_for_url("**/requirements/1/review?saved=1")
    assert page.locator("#review-panel").get_attribute("data-status") == "in-review"
    assert page.locator("#pending-reviewers [data-reviewer]").count() == 2
    screenshot(page, "requirement-review-02-in-review")
    page.click("#logout")

    _sign_in(page, "ada")
    page.wait_for_selector("#bell-count")
    assert page.locator("#bell-count").inner_text() == "1"
    screenshot(page, "requirement-review-03-bell")
    page.click("[data-nav=requirement-reviews]")
    page.wait_for_url("**/requirements/reviews")
    assert page.locator('[data-count="awaiting_me"]').inner_text() == "1"
    assert page.locator("#queue-table tbody tr").count() == 1
    screenshot(page, "requirement-review-04-queue")
    page.click("[data-approve='1']")
    page.wait_for_url("**/requirements/reviews?saved=1")
    assert page.locator('[data-count="awaiting_me"]').inner_text() == "0"
    assert page.locator('[data-count="missing_technical"]').inner_text() == "0"
    page.goto("/notifications")
    assert page.locator("[data-notification-id]").count() == 1
    screenshot(page, "requirement-review-05-notifications")
    page.click("#read-all")
    page.wait_for_url("**/notifications")
    assert page.locator("#bell-count").count() == 0
    page.click("#logout")

    _sign_in(page, "pia")
    page.goto("/requirements/1/review")
    page.click("summary[data-action=approve]")
    page.fill("#comment-approve", "Worth it: fewer support calls")
    page.click("[data-submit=approve]")
    page.wait_for_url("**/requirements/1/review?saved=1")
    assert page.locator("#review-panel").get_attribute("data-status") == "approved"
    for capacity in ("product", "technical"):
        approved = page.locator(f'[data-capacity="{capacity}"]').get_attribute("data-approved")
        assert approved == "yes"
    assert page.locator("#no-actions").is_visible()  # a product manager does not start work
    screenshot(page, "requirement-review-06-approved")
    # The requirement's own page carries the same panel.
    page.click("#requirement-link")
    page.wait_for_url("**/requirements/1")
    assert page.locator("#review-panel").get_attribute("data-status") == "approved"
    screenshot(page, "requirement-review-07-detail-page")

    switch_language(page, "zh_CN")
    assert page.locator("#review-panel .card-title").inner_text() == "联合评审"
    page.goto("/requirements/reviews")
    assert page.locator("h2.page-title").inner_text() == "评审队列"
    screenshot(page, "requirement-review-08-queue-zh")
    page.goto("/requirements/1/review")
    screenshot(page, "requirement-review-09-panel-zh")
    switch_language(page, "en")
