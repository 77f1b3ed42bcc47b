"""The standards registry in a real browser on the demo company: pass rates, a standard's text
and failing services, the results with fix hints, publishing a stricter version and its diff,
and the registry in Chinese."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
from rich.console import Console

from tests.helpers.browser import REPO, free_port, screenshot
from tmse.core.db import Database
from tmse.demo import load_demo
from tmse.demo.sign_in import read_password
from tmse.migrations import upgrade

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A server of its own on the demo company, since this test publishes a version."""
    folder = tmp_path_factory.mktemp("standards")
    url = f"sqlite:///{folder / 'tmse.db'}"
    upgrade(url)
    database = Database(url)
    credentials = folder / "admin.txt"
    load_demo(database, credentials_file=credentials, console=Console(quiet=True))
    database.dispose()
    password = read_password(credentials)
    assert password
    port = free_port()
    env = {**os.environ, "TMSE_DATABASE_URL": url, "TMSE_SECRET_KEY": "e2e-standards"}
    env["TMSE_LOG_LEVEL"] = "WARNING"
    process = subprocess.Popen(
        [sys.executable, "-m", "tmse", "serve", "--port", str(port)], env=env, cwd=REPO
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
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


def test_registry_standard_results_publish_and_chinese(browser, demo_server) -> None:  # type: ignore[no-untyped-def]
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

    page.click("[data-nav=standards]")
    page.wait_for_url("**/standards")
    rows = page.locator("#standards-table tbody tr")
    assert rows.count() == 6  # the built-in standards
    rates = [float(r) for r in page.locator("[data-pass-rate]").evaluate_all(
        "nodes => nodes.map(n => n.dataset.passRate)")]  # fmt: skip
    assert len(rates) == 6 and all(0 <= rate <= 100 for rate in rates)
    screenshot(page, "standards-01-registry")

    page.click("#standards-table a[href='/standards/api-design']")
    page.wait_for_url("**/standards/api-design")
    assert page.locator("#standard-body h1").inner_text() == "Interface naming and API design"
    failing = page.locator("#rules-table tr[data-rule=resource-naming] [data-failing]")
    assert int(failing.inner_text()) >= 1  # the demo plants APIs with verbs in their paths
    screenshot(page, "standards-02-api-design")

    page.click("#results-link")
    page.wait_for_url("**/standards/results?standard=api-design&outcome=failed")
    first = page.locator("#results-table tbody tr").first
    assert first.locator("[data-location]").inner_text().startswith("api:")
    assert first.locator("[data-fix-hint]").is_visible()
    screenshot(page, "standards-03-results")

    # Raise the coverage bar in a new version of the quality standard: the diff shows it.
    page.goto("/standards/quality/publish")
    rules = json.loads(page.locator("#publish-rules").input_value())
    for rule in rules:
        if rule["key"] == "coverage":
            rule["params"]["threshold"] = 85
    page.fill("#publish-rules", json.dumps(rules, indent=2))
    page.fill("#publish-note", "Raise the coverage bar to 85%")
    page.click("#save-version")
    page.wait_for_url("**/standards/quality?saved=1")
    changed = page.locator("#diff-card [data-diff=changed]")
    assert changed.count() == 1 and "85" in changed.inner_text()
    assert page.locator("#history-card [data-version]").count() == 2
    screenshot(page, "standards-04-quality-v2")

    with page.expect_navigation():
        page.select_option("#language-select", "zh_CN")
    page.goto("/standards")
    assert page.locator("h2.page-title").inner_text() == "标准"
    screenshot(page, "standards-05-registry-zh")
    context.close()
