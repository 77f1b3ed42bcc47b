"""The backlog in a real browser: switching the ranking model between RICE, WSJF and MoSCoW
(components shown for each), the Must-effort banner, a custom-field column, then a requirement's
page with its priority breakdown, trace links and history, and the backlog in Chinese.

Runs its own server: it adds projects and requirements, which other pages' tests would count."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.helpers import PASSWORD, SYSTEM
from tests.helpers.browser import (
    REPO,
    free_port,
    require_front_end_assets,
    screenshot,
    switch_language,
)
from tmse.core.db import Database
from tmse.core.identity import service as identity
from tmse.core.identity.schemas import UserCreate
from tmse.core.links.service import create_link
from tmse.metadata import load_metadata
from tmse.migrations import upgrade
from tmse.planning.models import Project, Release
from tmse.requirements import custom_fields, service

pytestmark = pytest.mark.e2e
WSJF_PARTS = ("wsjf_value", "wsjf_time_criticality", "wsjf_risk_reduction", "wsjf_job_size")

# title, moscow, effort days, RICE (reach, impact, confidence, effort), WSJF parts, tier
PLAN = [
    (
        "Pay with Alipay at checkout / 支付宝结算",
        "must",
        20,
        (1000, 2, 80, 2),
        (8, 5, 3, 2),
        "gold",
    ),
    ("Invoice PDF export", "should", 5, (200, 1, 50, 1), (13, 8, 5, 1), "silver"),
    ("Search by pinyin initials / 拼音搜索", "could", 8, (5000, 0.5, 100, 3), (3, 2, 1, 5), None),
    ("Dark mode for merchants", "wont", 3, None, (1, 1, 1, 8), None),
    ("Refund notifications / 退款通知", "must", 12, (800, 3, 80, 1), None, "gold"),
]


def _seed(url: str) -> None:
    database = Database(url)
    with database.session() as session:
        identity.create_user(
            session, SYSTEM, UserCreate(username="pat", password=PASSWORD, roles=["admin"])
        )
        project = Project(key="PAY", name="Payments 2027", start_on=dt.date(2027, 1, 1))
        session.add(project)
        session.flush()
        release = Release(project_id=project.id, name="2027.1")
        session.add(release)
        session.flush()
        custom_fields.create_definition(
            session, SYSTEM,
            {"key": "tier", "label_en": "Customer tier", "label_zh": "客户等级",
             "kind": "single_select", "options": ["gold", "silver"]},
        )  # fmt: skip
        ids = []
        for title, moscow, days, rice, wsjf, tier in PLAN:
            values = {"title": title, "moscow": moscow, "effort_days": days,
                      "project_id": project.id, "release_id": release.id,
                      "description": "As a shopper I want this, so that paying is easy.",
                      "custom": {"tier": tier} if tier else {}}  # fmt: skip
            if rice:
                values |= dict(
                    zip(
                        ("rice_reach", "rice_impact", "rice_confidence", "rice_effort"),
                        rice,
                        strict=True,
                    )
                )
            if wsjf:
                values |= dict(zip(WSJF_PARTS, wsjf, strict=True))
            ids.append(service.create_requirement(session, SYSTEM, values, "web").id)
        create_link(session, SYSTEM, f"requirement:{ids[0]}", f"requirement:{ids[4]}", "derives")
        requirement = service.get_requirement(session, ids[0])
        clean = service.validate_changes(session, requirement, {"rice_confidence": 100})
        service.apply_changes(session, SYSTEM, requirement, clean)  # the link turns Suspect
    database.dispose()


@pytest.fixture(scope="module")
def backlog_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_front_end_assets()
    url = f"sqlite:///{tmp_path_factory.mktemp('e2e-backlog') / 'tmse.db'}"
    upgrade(url)
    database = Database(url)
    load_metadata().create_all(database.engine, checkfirst=True)  # tables not yet migrated
    database.dispose()
    _seed(url)
    port = free_port()
    env = {**os.environ, "TMSE_DATABASE_URL": url, "TMSE_SECRET_KEY": "e2e-backlog",
           "TMSE_LOG_LEVEL": "WARNING"}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "tmse", "serve", "--port", str(port)], env=env, cwd=REPO
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("the backlog server did not become ready within 60 s")
    yield base
    process.terminate()
    process.wait(timeout=10)


def _titles(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        t.split(" / ")[0]
        for t in page.locator("#backlog-table tbody td:nth-child(2) a").all_inner_texts()
    ]


def test_backlog_model_switch_and_requirement_page(browser, backlog_server) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=backlog_server, locale="en-US", viewport={"width": 1440, "height": 900}
    )
    page = context.new_page()
    page.goto("/login")
    page.fill("#username", "pat")
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_url("**/")
    page.goto("/requirements")
    assert page.locator("#backlog-table tbody tr").count() == 5
    assert (
        page.locator('#backlog-table th[data-cf="tier"]').text_content().strip() == "Customer tier"
    )
    # 32 of 48 person-days are Must-haves: 66.7% > 60%.
    assert "66.7%" in page.locator('[data-testid="must-banner"]').inner_text()
    screenshot(page, "backlog-01-default")

    page.click('#model-switch [data-model="rice"]')
    page.wait_for_url("**/requirements?model=rice")
    # RICE: 1920 (refunds), 1000 (Alipay at 100%), 833.3 (search), 100 (invoice), none (dark).
    assert _titles(page) == ["Refund notifications", "Pay with Alipay at checkout",
                             "Search by pinyin initials", "Invoice PDF export",
                             "Dark mode for merchants"]  # fmt: skip
    first = page.locator("#backlog-table tbody tr").first
    assert first.locator('[data-score="rice"]').inner_text() == "1920"
    assert page.locator("#backlog-table thead").text_content().count("C%") == 1
    screenshot(page, "backlog-02-rice")

    page.click('#model-switch [data-model="wsjf"]')
    page.wait_for_url("**/requirements?model=wsjf")
    assert _titles(page)[:2] == ["Invoice PDF export", "Pay with Alipay at checkout"]
    assert _titles(page)[-1] == "Refund notifications"  # no WSJF parts: last
    assert "Job size" in page.locator("#backlog-table thead").inner_html()
    screenshot(page, "backlog-03-wsjf")

    page.click('#model-switch [data-model="moscow"]')
    page.wait_for_url("**/requirements?model=moscow")
    moscow = page.locator("#backlog-table tbody [data-moscow]").evaluate_all(
        "els => els.map(e => e.dataset.moscow)"
    )
    assert moscow == ["must", "must", "should", "could", "wont"]
    page.select_option("#filter-cf-tier", "gold")
    page.click("#backlog-filter button[type=submit]")
    page.wait_for_url("**cf.tier=gold**")
    assert page.locator("#backlog-table tbody tr").count() == 2
    screenshot(page, "backlog-04-moscow-gold")

    page.click("#backlog-table tbody tr >> nth=0 >> a")
    page.wait_for_url("**/requirements/*")
    assert page.locator("#rice-breakdown [data-score=rice]").inner_text() in ("1000", "1920")
    assert page.locator("#history tbody tr").count() >= 1
    screenshot(page, "backlog-05-requirement")
    page.goto("/requirements/1")
    assert page.locator("#rice-breakdown [data-score=rice]").inner_text() == "1000"
    assert page.locator('#trace-links tr[data-state="suspect"]').count() == 1
    assert page.locator("#history tbody tr").count() == 2
    screenshot(page, "backlog-06-requirement-suspect-link")

    page.goto("/requirements/new")
    page.fill("#title", "Coupons stack with member points")
    page.fill("#effort_days", "-2")
    page.select_option("#rice_impact", "2")
    page.click("#save-requirement")
    assert (
        "Effort cannot be negative."
        in page.locator('[data-field-error="effort_days"]').inner_text()
    )
    assert page.locator("#title").input_value() == "Coupons stack with member points"
    screenshot(page, "backlog-07-form-error")
    page.goto("/requirements/import")
    page.check("input[name=mapping][value=generic]")
    page.fill("#csv", "title,moscow,effort_days\nGood,must,3\nBad,often,-1\n")
    page.click("#import-submit")
    assert page.locator("#import-errors tbody tr").count() == 2
    screenshot(page, "backlog-08-import-errors")

    switch_language(page, "zh_CN")
    page.goto("/requirements?model=rice")
    assert page.locator("h2.page-title").inner_text() == "需求池"
    screenshot(page, "backlog-09-rice-zh")
    switch_language(page, "en")
    context.close()
