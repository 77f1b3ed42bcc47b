"""Driving a real Chromium against a real tmse server: finding the browser, the front-end
assets, a server in its own process, a fresh browser context, screenshots, signing in and
switching language. A missing browser skips only when browser tests are not required
(TMSE_E2E_REQUIRED=1 makes it a failure); anything else that goes wrong fails."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import PASSWORD
from tests.helpers.server_process import REPO, free_port, start_server

__all__ = [
    "CHROMIUM_ARGS",
    "REPO",
    "SHOTS",
    "browser_missing",
    "browser_page",
    "chromium",
    "free_port",
    "require_front_end_assets",
    "running_server",
    "screenshot",
    "sign_in",
    "switch_language",
]

SHOTS = REPO / "test-output" / "e2e"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ECHARTS = REPO / "tmse/web/static/vendor/echarts/echarts.min.js"


def chromium() -> str | None:
    found = next((p for p in CHROMIUM_CANDIDATES if Path(p).exists()), None)
    return found or shutil.which("chromium")


def browser_missing(reason: str) -> None:
    """No browser here: skip, unless browser tests are required (then it is a failure)."""
    if os.environ.get("TMSE_E2E_REQUIRED") == "1":
        pytest.fail(f"browser tests are required (TMSE_E2E_REQUIRED=1) but {reason}")
    pytest.skip(reason)


def require_front_end_assets() -> None:
    """Pages without their scripts are broken pages: a failure, never a skip."""
    if not ECHARTS.exists():
        pytest.fail("front-end assets are missing; run `make assets`")


@contextmanager
def running_server(url: str, secret: str) -> Iterator[str]:
    """`tmse serve` on a free port against the database at `url`: its base URL once /readyz
    answers; stopped on exit."""
    server = start_server(url, secret, ready_within=60)
    try:
        yield server.base
    finally:
        server.stop()


@contextmanager
def browser_page(browser: Any, base: str) -> Iterator[Any]:
    """A fresh browser context (English, 1366 × 900) on the server at `base`, and its page."""
    context = browser.new_context(
        base_url=base, locale="en-US", viewport={"width": 1366, "height": 900}
    )
    try:
        yield context.new_page()
    finally:
        context.close()


def screenshot(page: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Any, username: str = "admin", password: str = PASSWORD) -> None:
    page.goto("/")
    page.wait_for_url("**/login?next=/")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#sign-in")
    page.wait_for_url("**/")


def switch_language(page: Any, locale: str) -> None:
    """Pick a language and wait for the page it posts back to, not the one already loaded."""
    with page.expect_navigation():
        page.select_option("#language-select", locale)
