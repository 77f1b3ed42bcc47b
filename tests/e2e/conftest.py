"""Fixtures: a real tmse server in its own process and a real Chromium driving it through
Playwright (the functions behind them are in tests/helpers/browser.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers import PASSWORD, SYSTEM
from tests.helpers.browser import (
    CHROMIUM_ARGS,
    browser_missing,
    browser_page,
    chromium,
    require_front_end_assets,
    running_server,
)
from tmse.core.db import Database
from tmse.core.identity import service
from tmse.core.identity.schemas import TeamCreate, UserCreate
from tmse.migrations import upgrade


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


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_front_end_assets()
    url = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'tmse.db'}"
    upgrade(url)
    _seed(url)
    with running_server(url, "e2e-secret") as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = chromium()
    if executable is None:
        browser_missing("no Chromium found (install Debian's `chromium` package)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser_missing("Playwright for Python is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, server):  # type: ignore[no-untyped-def]
    with browser_page(browser, server) as opened:
        yield opened
