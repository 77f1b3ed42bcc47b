"""The traceability page in a real browser: coverage chart, matrix with a Suspect cell and
orphans, the CSV download, and the page in Chinese."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.helpers import PASSWORD, SYSTEM
from tests.helpers.browser import REPO, free_port, screenshot
from tests.helpers.traceability_chain import build_chain
from tmse.core.db import Database
from tmse.core.identity import service
from tmse.core.identity.schemas import UserCreate
from tmse.metadata import load_metadata
from tmse.migrations import upgrade
from tmse.requirements.models import Requirement

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def chain_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of its own on the small chain, one requirement changed so its links are Suspect."""
    url = f"sqlite:///{tmp_path_factory.mktemp('traceability') / 'tmse.db'}"
    upgrade(url)
    database = Database(url)
    load_metadata().create_all(database.engine, checkfirst=True)
    with database.session() as session:
        service.create_user(
            session, SYSTEM, UserCreate(username="admin", password=PASSWORD, roles=["admin"])
        )
    ids = build_chain(database)
    with database.session() as session:
        session.get(Requirement, ids["pay"]).title = "一键支付（含指纹）"
    database.dispose()
    port = free_port()
    env = {**os.environ, "TMSE_DATABASE_URL": url, "TMSE_SECRET_KEY": "e2e-traceability"}
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
    yield base
    process.terminate()
    process.wait(timeout=10)


def _signed_in(browser, base: str, locale: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=base, locale=locale, viewport={"width": 1366, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.goto("/login")
    page.fill("#username", "admin")
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_url("**/")
    return context, page


def test_traceability_page(browser, chain_server) -> None:  # type: ignore[no-untyped-def]
    context, page = _signed_in(browser, chain_server, "en-US")
    try:
        page.click("a[href='/traceability']")
        page.wait_for_url("**/traceability")
        page.wait_for_function("() => document.querySelector('#chart-coverage[data-ready]')")
        assert page.inner_text("h2.page-title").strip() == "Traceability"
        rows = page.locator("#trace-matrix tbody tr")
        assert rows.count() == 6
        suspect = page.locator("#trace-matrix td[data-suspect]")
        assert suspect.count() == 3  # the changed requirement twice, payments once
        assert "Suspect" in suspect.first.inner_text()
        assert page.locator("#trace-matrix tr[data-orphan]").count() == 3
        assert page.locator("#trace-summary tr[data-level='requirement'] [data-coverage]")
        summary = page.inner_text("#trace-summary tr[data-level='requirement']")
        assert "66.7%" in summary
        screenshot(page, "traceability-matrix")

        with page.expect_download() as download:
            page.click("#export-csv")
        assert download.value.suggested_filename == "traceability.csv"
        text = open(download.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115
        assert text.splitlines()[0].startswith("Goal ID,Goal,Objective ID")
        assert len(text.strip().splitlines()) == 7

        page.select_option("#filter-goal", label="Grow online sales")
        page.click("#trace-filter button[type=submit]")
        page.wait_for_url("**/traceability?goal=*")
        assert page.locator("#trace-matrix tbody tr").count() == 2
        assert "goal=" in (page.get_attribute("#export-xlsx", "href") or "")
    finally:
        context.close()

    context, page = _signed_in(browser, chain_server, "zh-CN")
    try:
        page.goto("/traceability")
        page.wait_for_function("() => document.querySelector('#chart-coverage[data-ready]')")
        assert page.inner_text("h2.page-title").strip() == "可追溯性"
        assert "追溯矩阵" in page.inner_text("#trace-matrix-card")
        screenshot(page, "traceability-matrix-zh")
    finally:
        context.close()
