"""A real tmse server in its own process and a real Chromium driving it through Playwright."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import PASSWORD, SYSTEM
from tests.server_process import start_server
from tmse.core.db import Database
from tmse.core.identity import service
from tmse.core.identity.schemas import TeamCreate, UserCreate
from tmse.migrations import upgrade

REPO = Path(__file__).resolve().parents[2]
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


def _chromium() -> str | None:
    found = next((p for p in CHROMIUM_CANDIDATES if Path(p).exists()), None)
    return found or shutil.which("chromium")


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("TMSE_E2E_REQUIRED") == "1":
        pytest.fail(f"browser tests are required (TMSE_E2E_REQUIRED=1) but {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _seed(url: str) -> None:
    database = Database(url)
    with database.session() as session:
        company = service.create_team(session, SYSTEM, TeamCreate(name="Acme", kind="company"))
        for dept_name, size in (("Platform", 5), ("Product", 3)):
            dept = service.create_team(
                session, SYSTEM, TeamCreate(name=dept_name, kind="department", parent_id=company.id)
            )
            team = service.create_team(
                session, SYSTEM, TeamCreate(name=f"{dept_name} Team", parent_id=dept.id)
            )
            for index in range(size):
                service.create_user(
                    session,
                    SYSTEM,
                    UserCreate(
                        username=f"{dept_name.lower()}{index}",
                        roles=["engineer"],
                        team_ids=[team.id],
                    ),
                )
        service.create_user(
            session, SYSTEM, UserCreate(username="admin", password=PASSWORD, roles=["admin"])
        )
    database.dispose()


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


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not (REPO / "tmse/web/static/vendor/echarts/echarts.min.js").exists():
        _skip_or_fail("front-end assets are missing; run `make assets`")
    url = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'tmse.db'}"
    upgrade(url)
    _seed(url)
    with running_server(url, "e2e-secret") as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = _chromium()
    if executable is None:
        _skip_or_fail("no Chromium found (install Debian's `chromium` package)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("Playwright for Python is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, server):  # type: ignore[no-untyped-def]
    with browser_page(browser, server) as opened:
        yield opened


def screenshot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
