"""Scorecards in a real browser on the demo company: list, one service's trend, the heat map
(click a cell → filtered list), a lagging campaign, and the page in Chinese."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
from rich.console import Console

from tests.helpers.browser import REPO, SHOTS, free_port, screenshot
from tmse.core.db import Database
from tmse.demo import load_demo
from tmse.demo.sign_in import read_password
from tmse.migrations import upgrade

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A server of its own on the demo company, so other browser tests' data stays theirs."""
    folder = tmp_path_factory.mktemp("scorecards")
    url = f"sqlite:///{folder / 'tmse.db'}"
    upgrade(url)
    database = Database(url)
    credentials = folder / "admin.txt"
    load_demo(database, credentials_file=credentials, console=Console(quiet=True))
    database.dispose()
    password = read_password(credentials)
    assert password
    port = free_port()
    env = {**os.environ, "TMSE_DATABASE_URL": url, "TMSE_SECRET_KEY": "e2e-scorecards"}
    env["TMSE_LOG_LEVEL"] = "WARNING"
    process = subprocess.Popen(
        [sys.executable, "-m", "tmse", "serve", "--port", str(port)], env=env, cwd=REPO
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90  # a loaded machine takes a while to import everything
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("tmse serve did not become ready within 90 s")
    yield base, password
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def signed_in(browser, demo_server):  # type: ignore[no-untyped-def]
    base, password = demo_server
    context = browser.new_context(
        base_url=base, locale="en-US", viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    page.goto("/login")
    page.fill("#username", "admin")
    page.fill("#password", password)
    page.click("#sign-in")
    page.wait_for_url("**/")
    yield page
    context.close()


def wait_chart(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function(f"() => document.querySelector('{selector}[data-ready]') !== null")


def test_scorecards_heat_map_and_campaign(signed_in) -> None:  # type: ignore[no-untyped-def]
    page = signed_in
    page.click("[data-nav=scorecards]")
    page.wait_for_url("**/scorecards")
    wait_chart(page, "#chart-levels")
    rows = page.locator("#scorecards-table tbody tr")
    assert rows.count() == 50  # a full first page of the demo's ~60 services
    bars = page.evaluate(
        "() => echarts.getInstanceByDom(document.querySelector('#chart-levels'))"
        ".getOption().series[0].data.map(d => d.value)"
    )
    assert sum(bars) == int(page.locator("[data-testid=page-summary]").inner_text().split()[-1])
    screenshot(page, "scorecards-01-list")

    # The best-scored service: its page shows the rules by level and a 12-week trend.
    page.click("a.table-sort[data-sort=score]")
    page.click("a.table-sort[data-sort=score]")  # descending
    page.wait_for_url("**sort=-score**")
    best = page.locator("#scorecards-table tbody tr").first.get_attribute("data-service")
    page.click(f"#scorecards-table tr[data-service='{best}'] a")
    page.wait_for_url(f"**/scorecards/{best}")
    wait_chart(page, "#chart-trend")
    points = page.evaluate(
        "() => echarts.getInstanceByDom(document.querySelector('#chart-trend'))"
        ".getOption().series[0].data.length"
    )
    assert points >= 80  # daily history of twelve weeks plus today
    assert page.locator("[data-level-group]").count() == 3
    screenshot(page, "scorecards-02-service")

    # Heat map: clicking a cell opens the list for that team with that standard's column.
    page.goto("/scorecards/heatmap")
    wait_chart(page, "#chart-heatmap")
    screenshot(page, "scorecards-03-heatmap")
    first_cell = page.locator("#heatmap-table td[data-cell]").first
    team = first_cell.locator("xpath=..").get_attribute("data-row")
    box = page.evaluate(
        """() => {
          const chart = echarts.getInstanceByDom(document.querySelector('#chart-heatmap'));
          const option = chart.getOption();
          const [x, y] = option.series[0].data[0];
          return chart.convertToPixel({seriesIndex: 0}, [x, y]);
        }"""
    )
    chart_box = page.locator("#chart-heatmap").bounding_box()
    page.mouse.click(chart_box["x"] + box[0], chart_box["y"] + box[1])
    page.wait_for_url("**/scorecards?team=**")
    assert page.locator("[data-testid=standard-column]").is_visible()
    owners = page.locator("#scorecards-table tbody tr td:nth-child(2)").all_inner_texts()
    assert owners and set(owners) == {team}
    screenshot(page, "scorecards-04-heatmap-click")

    # The lagging campaign lists services behind Gold with what blocks them.
    page.goto("/scorecards/campaigns")
    screenshot(page, "scorecards-05-campaigns")
    page.click("text=Gold across the business layer")
    wait_chart(page, "#chart-burn-up")
    assert page.locator("[data-status=at-risk]").count() >= 1
    assert page.locator("#lagging-list [data-lagging]").count() >= 5
    assert page.locator("#lagging-list [data-blocking]").count() >= 5
    screenshot(page, "scorecards-06-campaign")
    page.screenshot(path=str(SHOTS / "scorecards-06b-campaign-top.png"))

    page.goto("/scorecards")
    with page.expect_navigation():
        page.select_option("#language-select", "zh_CN")
    assert page.locator("h2.page-title").inner_text() == "评分卡"
    wait_chart(page, "#chart-levels")
    screenshot(page, "scorecards-07-list-zh")
    with page.expect_navigation():
        page.select_option("#language-select", "en")  # leave the account in English


def test_service_page_shows_the_scorecard_panel(signed_in) -> None:  # type: ignore[no-untyped-def]
    page = signed_in
    page.goto("/scorecards?sort=-score")
    best = page.locator("#scorecards-table tbody tr").first.get_attribute("data-service")
    response = page.goto(f"/catalog/services/{best}")
    assert response is not None and response.status == 200, f"/catalog/services/{best}"
    page.wait_for_selector("#scorecard-panel")
    assert page.locator("#scorecard-panel .tmse-level-badge, #scorecard-panel [data-level]").count()
    page.locator("#scorecard-panel").scroll_into_view_if_needed()
    screenshot(page, "scorecards-08-service-panel")
