"""A hybrid project in a real browser: the projects list with mode badges, the project page with
its phase timeline and velocity chart drawn, a Go refused at the gate while a Must requirement
waits for approval, a Hold recorded in the history; then the page in Chinese.

This test runs its own server: it adds people and delivery data the shared server's other tests
do not expect."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest

from tests.helpers import PASSWORD, SYSTEM
from tests.helpers.browser import (
    browser_page,
    require_front_end_assets,
    running_server,
    screenshot,
    switch_language,
)
from tmse.core.db import Database, utcnow
from tmse.core.identity import service as identity
from tmse.core.identity.schemas import TeamCreate, UserCreate
from tmse.delivery import gates, iterations, phases
from tmse.delivery.schemas import GateCreate, IterationCreate, PhaseCreate
from tmse.metadata import load_metadata
from tmse.migrations import upgrade
from tmse.planning import service
from tmse.planning.schemas import MilestoneCreate, ProjectCreate, ReleaseCreate
from tmse.requirements.models import Requirement

pytestmark = pytest.mark.e2e


def _seed(url: str) -> None:
    database = Database(url)
    load_metadata().create_all(database.engine, checkfirst=True)
    today = utcnow().date()

    def day(offset: int) -> dt.date:
        return today + dt.timedelta(days=offset)

    with database.session() as session:
        team = identity.create_team(session, SYSTEM, TeamCreate(name="Payments / 支付"))
        pam = identity.create_user(
            session,
            SYSTEM,
            UserCreate(
                username="pam",
                display_name="Pam Product / 产品经理",
                password=PASSWORD,
                roles=["product_manager"],
                team_ids=[team.id],
            ),
        )
        project = service.create_project(
            session,
            SYSTEM,
            ProjectCreate(
                key="PAY",
                name="支付中台升级 / Payments platform upgrade",
                owner_id=pam.id,
                team_id=team.id,
                start_on=day(-56),
                end_on=day(40),
            ),
        )
        service.create_project(
            session,
            SYSTEM,
            ProjectCreate(key="LEG", name="Legacy retirement", status="closed"),
        )
        service.create_release(session, SYSTEM, project.id, ReleaseCreate(name="PAY 2.0"))
        for name, due, reached in (("Beta", -20, -19), ("GA", 38, None)):
            service.create_milestone(
                session,
                SYSTEM,
                project.id,
                MilestoneCreate(
                    name=name, due_on=day(due), reached_on=day(reached) if reached else None
                ),
            )
        build = phases.create_phase(
            session,
            SYSTEM,
            project.id,
            PhaseCreate(name="Build", kind="iterative", start_on=day(-56), end_on=day(13)),
        )
        launch = phases.create_phase(
            session,
            SYSTEM,
            project.id,
            PhaseCreate(name="Launch", kind="gated", start_on=day(14), end_on=day(40)),
        )
        sprints = [
            iterations.create_iteration(
                session,
                SYSTEM,
                build.id,
                IterationCreate(
                    name=f"Sprint {n + 1}", start_on=day(-56 + 14 * n), end_on=day(-43 + 14 * n)
                ),
            )
            for n in range(5)
        ]
        efforts = [(3, 2, 5), (4, 4, 1), (2, 6, 3), (5, 3, 2), (3, 3, 8)]
        for sprint, sizes in zip(sprints, efforts, strict=True):
            finished = sprint.end_on < today
            for index, size in enumerate(sizes):
                requirement = Requirement(
                    title=f"{sprint.name} story {index + 1}",
                    project_id=project.id,
                    moscow="must" if index == 0 else "should",
                    effort_days=Decimal(size),
                    status="done" if finished and index < 2 else "approved",
                    custom={},
                )
                session.add(requirement)
                session.flush()
                late = index == 2
                added = sprint.start_on + dt.timedelta(days=3 if late else -1)
                item = iterations.add_item(
                    session,
                    SYSTEM,
                    sprint.id,
                    requirement.id,
                    at=dt.datetime.combine(added, dt.time(9), dt.UTC),
                )
                if requirement.status == "done":
                    item.completed_at = dt.datetime.combine(
                        sprint.end_on - dt.timedelta(days=2), dt.time(17), dt.UTC
                    )
        session.add(
            Requirement(
                title="3-D Secure 2",
                project_id=project.id,
                moscow="must",
                effort_days=Decimal(8),
                status="in-review",
                custom={},
            )
        )
        session.flush()
        gates.create_gate(
            session,
            SYSTEM,
            launch.id,
            GateCreate(
                name="Launch readiness",
                criteria=[{"key": "all-must-approved"}, {"key": "no-open-change-requests"}],
                approver_ids=[pam.id],
            ),
        )
    database.dispose()


@pytest.fixture(scope="module")
def delivery_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_front_end_assets()
    url = f"sqlite:///{tmp_path_factory.mktemp('e2e-delivery') / 'tmse.db'}"
    upgrade(url)
    _seed(url)
    with running_server(url, "e2e-delivery") as base:
        yield base


@pytest.fixture
def delivery_page(browser, delivery_server):  # type: ignore[no-untyped-def]
    with browser_page(browser, delivery_server) as opened:
        yield opened


def _charts_drawn(page) -> None:  # type: ignore[no-untyped-def]
    for chart in ("#timeline-chart", "#velocity-chart"):
        page.wait_for_function(f"() => document.querySelector('{chart}[data-ready]') !== null")


def test_projects_timeline_velocity_and_gate(delivery_page):  # type: ignore[no-untyped-def]
    page = delivery_page
    page.goto("/login")
    page.fill("#username", "pam")
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_url("**/")

    page.click("[data-nav=projects]")
    page.wait_for_url("**/projects")
    assert page.locator("[data-project=PAY] [data-mode]").get_attribute("data-mode") == "hybrid"
    assert page.locator("[data-project=LEG] [data-status]").get_attribute("data-status") == "closed"
    screenshot(page, "projects-01-list")

    page.click("#projects-table a:has-text('Payments platform upgrade')")
    page.wait_for_url("**/projects/1")
    _charts_drawn(page)
    assert page.locator("#iterations-table tbody tr[data-iteration]").count() == 5
    sprint1 = page.locator("[data-iteration='Sprint 1']")
    assert sprint1.locator("[data-planned]").get_attribute("data-planned") == "2"
    assert sprint1.locator("[data-added]").get_attribute("data-added") == "1"
    assert sprint1.locator("[data-completed]").get_attribute("data-completed") == "2"
    assert "person-days per iteration" in page.locator("#average-velocity").inner_text()
    gate = page.locator(".tmse-gate")
    assert (
        gate.locator("[data-criterion=all-must-approved] [data-passed]").get_attribute(
            "data-passed"
        )
        == "0"
    )
    assert (
        gate.locator("[data-criterion=no-open-change-requests] [data-passed]").get_attribute(
            "data-passed"
        )
        == "1"
    )
    screenshot(page, "projects-02-project")

    gate.locator("input[value=go]").check()
    gate.locator("textarea[name=note]").fill("Ship it")
    gate.locator("button[type=submit]").click()
    message = page.locator("#form-message")
    assert "all-must-approved" in message.inner_text()
    screenshot(page, "projects-03-go-refused")

    gate = page.locator(".tmse-gate")
    gate.locator("input[value=hold]").check()
    gate.locator("textarea[name=note]").fill("Wait for 3-D Secure 2 to be approved")
    with page.expect_navigation():
        gate.locator("button[type=submit]").click()
    assert (
        page.locator(".tmse-gate [data-gate-status]").first.get_attribute("data-gate-status")
        == "hold"
    )
    assert page.locator("[data-history] [data-decision=hold]").count() == 1

    switch_language(page, "zh_CN")
    _charts_drawn(page)
    assert page.locator("#timeline .card-title").inner_text() == "阶段时间线"
    screenshot(page, "projects-04-project-zh")
    switch_language(page, "en")
