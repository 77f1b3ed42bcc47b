"""Change control in a real browser: an engineer proposes a change to a baselined requirement,
the committee member finds it in their queue and approves, the product manager approves and it
is applied; a request behind a freeze window cannot be approved; the board in Chinese.

This test runs its own server: it adds people, projects and requirements of its own."""

from __future__ import annotations

import datetime as dt
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
from tmse.catalog.models import Service
from tmse.core.actor import Actor
from tmse.core.db import Database
from tmse.core.identity import service as identity
from tmse.core.identity.models import Team
from tmse.core.identity.schemas import UserCreate
from tmse.core.links import service as links
from tmse.migrations import upgrade
from tmse.planning import service as freeze
from tmse.planning.models import Milestone, Project, Release
from tmse.planning.schemas import FreezeWindowCreate
from tmse.requirements import service as requirements
from tmse.requirements.baselines import service as baselines
from tmse.requirements.baselines.schemas import BaselineCreate
from tmse.requirements.changes import service as changes
from tmse.requirements.changes.schemas import ChangeRequestCreate

pytestmark = pytest.mark.e2e
SECRET = "e2e-changes"


def _seed(url: str) -> None:
    database = Database(url)
    with database.session() as s:
        people = {}
        for username, role in (
            ("eve", "engineer"),
            ("cora", "committee"),
            ("pam", "product_manager"),
        ):
            user = identity.create_user(
                s, SYSTEM, UserCreate(username=username, password=PASSWORD, roles=[role])
            )
            people[username] = Actor(user.id, username, frozenset({role}))
        team = Team(name="Payments")
        project = Project(key="PAY", name="Payments / 支付")
        s.add_all([team, project])
        s.flush()
        spring = Release(project_id=project.id, name="2027.03")
        year_end = Release(project_id=project.id, name="2026.12")
        beta = Milestone(project_id=project.id, name="Beta", due_on=dt.date(2027, 2, 1))
        s.add_all([spring, year_end, beta])
        api = Service(name="payments-api", layer="business", owner_team_id=team.id)
        ledger = Service(name="ledger", layer="data", owner_team_id=team.id)
        s.add_all([api, ledger])
        s.flush()
        pam = people["pam"].user_id

        def new(title: str, release: Release, effort: float) -> int:
            values = {"title": title, "project_id": project.id, "release_id": release.id,
                      "milestone_id": beta.id, "effort_days": effort,
                      "product_manager_id": pam}  # fmt: skip
            return requirements.create_requirement(s, SYSTEM, values).id

        r1 = new("Pay by instalments / 分期付款", spring, 5)
        r2 = new("Instalment plan API / 分期计划接口", spring, 3)
        r3 = new("Instalment ledger entries / 分期账务分录", spring, 2)
        r4 = new("Year-end invoice batch / 年末发票批处理", year_end, 8)
        for source, target, kind in (
            (r1, f"requirement:{r2}", "derives"),
            (r2, f"requirement:{r3}", "derives"),
            (r2, f"service:{api.id}", "touches"),
            (r3, f"service:{ledger.id}", "touches"),
        ):
            links.create_link(s, SYSTEM, f"requirement:{source}", target, kind)
        baseline = baselines.create_baseline(
            s, SYSTEM, BaselineCreate(name="PAY scope", approver="pam", project_id=project.id)
        )
        baselines.sign_baseline(s, people["pam"], baseline.id, SECRET)
        today = dt.datetime.now(dt.UTC).date()
        freeze.create_freeze_window(
            s,
            SYSTEM,
            FreezeWindowCreate(
                name="Year-end freeze / 年末封版", release_id=year_end.id,
                starts_on=today - dt.timedelta(days=4), ends_on=today + dt.timedelta(days=8),
                reason="year-end freeze / 年末封版",
            ),
        )  # fmt: skip
        changes.create_change_request(
            s,
            people["eve"],
            ChangeRequestCreate(requirement_id=r4, changes={"effort_days": 11},
                                reason="Tax rules changed / 税务规则变化", submit=True),
        )  # fmt: skip
    database.dispose()


@pytest.fixture(scope="module")
def change_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_front_end_assets()
    url = f"sqlite:///{tmp_path_factory.mktemp('e2e-changes') / 'tmse.db'}"
    upgrade(url)
    _seed(url)
    with running_server(url, SECRET) as base:
        yield base


@pytest.fixture
def board_page(browser, change_server):  # type: ignore[no-untyped-def]
    with browser_page(browser, change_server) as opened:
        yield opened


def _sign_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_url("**/")


def test_propose_approve_apply_and_freeze(board_page):  # type: ignore[no-untyped-def]
    page = board_page
    _sign_in(page, "eve")
    page.goto("/changes/new?requirement=1")
    page.fill("#effort_days", "9")
    page.fill("#reason", "The bank partner asks for 6-month plans / 银行要求支持 6 期")
    screenshot(page, "changes-01-propose")
    page.click("#save-cr")
    page.wait_for_url("**/changes/2?saved=1")
    assert page.locator('#changes-table [data-field="effort_days"]').count() == 1
    assert page.locator('#impact-counts [data-count="requirements"]').inner_text() == "2"
    assert page.locator('#impact-counts [data-count="services"]').inner_text() == "2"
    assert page.locator("#decision-form").count() == 0  # an engineer does not sit on the board
    page.click("#logout")

    _sign_in(page, "cora")
    page.goto("/changes")
    queue = page.locator("#my-queue-table tbody tr")
    assert queue.count() == 2
    frozen_row = page.locator('#my-queue-table tr[data-cr="1"]')
    assert frozen_row.locator("[data-frozen]").count() == 1
    page.wait_for_function(
        "() => document.querySelector('#change-metrics-chart[data-ready]') !== null"
    )
    screenshot(page, "changes-02-board")
    page.click('#my-queue-table a[href="/changes/1"] >> nth=0')
    assert page.locator("#freeze-alert").is_visible()
    assert "Year-end freeze" in page.locator("#freeze-alert").inner_text()
    assert page.locator("#approve").is_disabled()
    screenshot(page, "changes-03-frozen")
    page.goto("/changes/2")
    page.fill("#comment", "Impact is contained to the instalment services.")
    page.click("#approve")
    page.wait_for_url("**/changes/2?saved=1")
    assert (
        page.locator('[data-seat="committee"] [data-decision]').get_attribute("data-decision")
        == "approve"
    )
    page.click("#logout")

    _sign_in(page, "pam")
    page.goto("/changes/2")
    page.click("#approve")
    page.wait_for_url("**/changes/2?saved=1")
    assert page.locator("#cr-badges [data-status]").get_attribute("data-status") == "applied"
    screenshot(page, "changes-04-applied")

    switch_language(page, "zh_CN")
    page.goto("/changes?status=all")
    assert page.locator("h2.page-title").inner_text() == "变更委员会"
    page.wait_for_function(
        "() => document.querySelector('#change-metrics-chart[data-ready]') !== null"
    )
    screenshot(page, "changes-05-board-zh")
    switch_language(page, "en")
