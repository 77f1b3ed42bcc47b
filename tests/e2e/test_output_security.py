"""In a real browser, over the demo with hostile text in every free-text field: no dialog ever
opens, the Content-Security-Policy is in force, and the app's own code runs under it without a
single violation (charts draw, htmx loads fragments)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rich.console import Console
from sqlalchemy import update

from tests.helpers.browser import browser_page, running_server, screenshot
from tests.helpers.hostile_data import PAYLOAD, poison
from tmse.core.db import Database
from tmse.core.identity.models import User
from tmse.demo import load_demo
from tmse.migrations import upgrade

pytestmark = pytest.mark.e2e

# Overview, catalog graph, backlog, chart pages, heat map, the API docs, a Markdown page.
PAGES = (
    "/",
    "/catalog/graph",
    "/requirements",
    "/projects/1",
    "/kano/1",
    "/changes",
    "/scorecards/heatmap",
    "/decisions/1",
    "/api/docs",
)


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A server over the hostile demo, and the admin's password."""
    folder = tmp_path_factory.mktemp("hostile-e2e")
    url = f"sqlite:///{folder / 'tmse.db'}"
    upgrade(url)
    database = Database(url)
    context = load_demo(
        database, credentials_file=folder / "admin.txt", console=Console(quiet=True)
    )
    assert context is not None
    with database.engine.begin() as connection:
        poison(connection)
        # Sign-in takes names as long as the column (80); the other people keep the payload.
        connection.execute(
            update(User).where(User.username == "admin" + PAYLOAD).values(username="admin")
        )
    database.dispose()
    with running_server(url, "hostile-e2e-secret") as base:
        yield base, context.password


class Watch:
    """Dialogs (accepted, so nothing blocks) and CSP violations and script errors of a page."""

    def __init__(self, page: Any) -> None:
        self.dialogs: list[str] = []
        self.violations: list[str] = []
        self.page = page
        page.on("dialog", self._dialog)
        page.on("console", self._console)
        page.on("pageerror", self._error)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _error(self, error: Any) -> None:
        self.violations.append(f"page error on {self.page.url}: {error.message}\n{error.stack}")

    def _console(self, message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.violations.append(message.text)


def _sign_in(page: Any, password: str) -> None:
    page.goto("/login")
    page.fill("#username", "admin")
    page.fill("#password", password)
    page.click("#sign-in")
    page.wait_for_url("**/")


def _touch_charts(page: Any) -> None:
    """Wait for every chart, then move over it so tooltips built from the data are drawn."""
    for selector in ("[data-chart]", "[data-catalog-graph]"):
        for chart in page.locator(selector).all():
            page.wait_for_function("(el) => el.dataset.ready === '1'", arg=chart.element_handle())
            box = chart.bounding_box()
            for fx, fy in ((0.5, 0.5), (0.3, 0.4), (0.7, 0.6)):
                page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
                page.wait_for_timeout(80)


def test_hostile_data_opens_no_dialog_and_breaks_no_policy(browser, hostile_server):  # type: ignore[no-untyped-def]
    base, password = hostile_server
    with browser_page(browser, base) as page:
        watch = Watch(page)
        _sign_in(page, password)
        for path in PAGES:
            response = page.goto(path)
            assert response.status == 200, path
            assert "script-src 'self'" in response.headers["content-security-policy"]
            page.wait_for_load_state("networkidle")
            _touch_charts(page)
            shot = path.strip("/").replace("/", "-") or "overview"
            screenshot(page, f"hostile-{shot}")
        assert watch.dialogs == []
        assert watch.violations == []
        # htmx ran under the policy: the notification bell was fetched and swapped in.
        page.goto("/")
        page.wait_for_selector("#notification-bell #bell-link")


def test_the_policy_blocks_injected_inline_script(browser, hostile_server):  # type: ignore[no-untyped-def]
    """The CSP is really enforced: an inline handler added to the page does not run."""
    base, password = hostile_server
    with browser_page(browser, base) as page:
        watch = Watch(page)
        _sign_in(page, password)
        page.evaluate(
            "() => { const img = document.createElement('img');"
            " img.setAttribute('onerror', 'alert(1)'); img.src = 'x';"
            " document.body.appendChild(img); }"
        )
        page.wait_for_timeout(300)
        assert watch.dialogs == []
        assert any("inline event handler" in v for v in watch.violations), watch.violations
