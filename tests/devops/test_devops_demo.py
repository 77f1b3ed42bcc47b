"""The DevOps demo step: two years of deliveries for every demo service, where the DORA API
tells the improvement programme's story, stored figures as the hooks would store them, and the
same seed giving the same history."""

from __future__ import annotations

import datetime as dt
import random
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

import tmse.catalog.demo
import tmse.demo.org
import tmse.devops.demo  # noqa: F401  (the imports register the steps run below)
from tests.helpers import SYSTEM
from tests.helpers.databases import BACKENDS, POSTGRES_URL, postgres_schema
from tmse.app import create_app
from tmse.catalog.queries import service_ids
from tmse.core import audit
from tmse.core.db import Database, utctoday
from tmse.core.identity import credentials, service
from tmse.demo import DEMO_ACTOR
from tmse.demo.steps import DemoContext, registered_steps
from tmse.devops import demo
from tmse.devops.models import Deployment, DeploymentCommit, Incident
from tmse.metadata import load_metadata
from tmse.settings import Settings

STEPS = ("organisation", "catalog", "delivery-history")
TODAY = utctoday()
# The last quarter, and the quarter that ended the day before the programme started.
LAST_QUARTER = {"from": (TODAY - dt.timedelta(days=90)).isoformat(), "to": TODAY.isoformat()}
BEFORE_START = TODAY - dt.timedelta(days=demo.PROGRAMME_DAYS_AGO + 1)
BEFORE_QUARTER = {
    "from": (BEFORE_START - dt.timedelta(days=90)).isoformat(),
    "to": BEFORE_START.isoformat(),
}


def load_steps(url: str, seed: int = 7, names: tuple[str, ...] = STEPS) -> Database:
    """The organisation, the catalog and the delivery history, as `tmse demo` runs them."""
    db = Database(url)
    load_metadata().create_all(db.engine)
    ctx = DemoContext(db, random.Random(), "small", DEMO_ACTOR, "demo-password-unused")
    steps = {step.name: step for step in registered_steps()}
    for name in names:
        ctx.random = random.Random(f"{seed}:{name}")  # as load_demo seeds each step
        steps[name].run(ctx)
    return db


@pytest.fixture(scope="module", params=BACKENDS)
def demo_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    folder = tmp_path_factory.mktemp("devops-demo")
    if request.param == "sqlite":
        urls: Iterator[str] = iter([f"sqlite:///{folder / 'tmse.db'}"])
    else:
        assert POSTGRES_URL
        urls = postgres_schema(POSTGRES_URL)
    db = load_steps(next(urls))
    yield db
    db.dispose()
    next(urls, None)


@pytest.fixture(scope="module")
def api(demo_db: Database) -> Iterator[tuple[TestClient, dict[str, str]]]:
    with demo_db.session() as session:
        admin = service.user_by_name(session, "admin")
        assert admin is not None
        _, token = credentials.create_token(session, SYSTEM, admin, "test")
    url = str(demo_db.engine.url.render_as_string(hide_password=False))
    settings = Settings(database_url=url, secret_key=uuid.uuid4().hex, log_json=False)
    with TestClient(create_app(settings, demo_db), raise_server_exceptions=False) as client:
        yield client, {"Authorization": f"Bearer {token}"}


def dora(api: tuple[TestClient, dict[str, str]], **params: str) -> dict:  # type: ignore[type-arg]
    client, headers = api
    response = client.get("/api/v1/dora", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_every_service_has_two_years_of_history_ending_today(demo_db: Database) -> None:
    with demo_db.session(write=False) as session:
        services = set(service_ids(session))
        delivered = set(session.scalars(select(Deployment.service_id).distinct()))
        first, last = session.execute(
            select(func.min(Deployment.finished_day), func.max(Deployment.finished_day))
        ).one()
        environments = set(session.scalars(select(Deployment.environment).distinct()))
    assert len(services) >= 50 and delivered == services
    # Weekly releases from the first week: the earliest lands within its first week and a day
    # (staging runs up to a day or so before production).
    assert TODAY - dt.timedelta(days=731) <= first <= TODAY - dt.timedelta(days=720)
    assert TODAY - dt.timedelta(days=7) <= last <= TODAY
    assert environments == {"production", "staging"}


def test_lead_time_and_time_to_restore_fall_after_the_programme_starts(api) -> None:  # type: ignore[no-untyped-def]
    before, after = dora(api, **BEFORE_QUARTER), dora(api, **LAST_QUARTER)
    lead_before = before["lead_time"]["median_minutes"]
    lead_after = after["lead_time"]["median_minutes"]
    # Before: commits wait days (the brief's 4–7 days); after: under a day.
    assert 4 * 24 * 60 <= lead_before <= 7 * 24 * 60
    assert lead_after < 24 * 60
    restore_before = before["time_to_restore"]["median_minutes"]
    restore_after = after["time_to_restore"]["median_minutes"]
    assert 2 * 60 <= restore_before <= 6 * 60 and restore_after <= 60
    # Several deployments a week instead of one: well over twice as many in a quarter.
    deployments_before = before["deployment_frequency"]["deployments"]
    assert after["deployment_frequency"]["deployments"] > 2.5 * deployments_before


def test_change_failure_rate_falls_and_counts_each_deployment_once(api) -> None:  # type: ignore[no-untyped-def]
    before, after = dora(api, **BEFORE_QUARTER), dora(api, **LAST_QUARTER)
    cfr_before = before["change_failure_rate"]
    cfr_after = after["change_failure_rate"]
    assert 0.18 <= cfr_before["value"] <= 0.32
    assert 0.03 <= cfr_after["value"] <= 0.13
    for figures in (cfr_before, cfr_after):
        assert figures["failed_deployments"] <= figures["deployments"]


def test_incidents_link_by_name_by_time_and_not_at_all(demo_db: Database, api) -> None:  # type: ignore[no-untyped-def]
    with demo_db.session(write=False) as session:
        named = session.scalar(select(func.count()).where(Incident.deployment_id.is_not(None)))
        by_time = session.scalar(select(func.count()).where(Incident.deployment_ref.is_(None)))
        failures = session.scalar(
            select(func.count()).where(
                Deployment.environment == "production", Deployment.result == "failure"
            )
        )
    assert named and by_time
    whole = dora(api, **{"from": (TODAY - dt.timedelta(days=729)).isoformat()})
    cfr = whole["change_failure_rate"]
    # Failed results plus incidents named: fewer than counted, so some linked only by time.
    assert cfr["failed_deployments"] > failures + named
    assert cfr["unlinked_incidents"] > 0


def test_stored_figures_are_those_the_hooks_would_store(demo_db: Database) -> None:
    with demo_db.session(write=False) as session:
        deployments = session.execute(select(Deployment).limit(500)).scalars().all()
        for row in deployments:
            assert row.finished_day == row.finished_at.date()
            assert row.finished_s == int(row.finished_at.timestamp())
            assert row.started_at <= row.finished_at
        commits = session.execute(
            select(DeploymentCommit, Deployment.finished_at)
            .join(Deployment, Deployment.id == DeploymentCommit.deployment_id)
            .limit(2000)
        ).all()
        for commit, finished in commits:
            assert commit.lead_time_s == int((finished - commit.authored_at).total_seconds()) > 0
        for incident in session.scalars(select(Incident)):
            assert incident.opened_s == int(incident.opened_at.timestamp())
            if incident.resolved_at is not None:
                restore = incident.resolved_at - incident.opened_at
                assert incident.restore_s == int(restore.total_seconds())
        assert audit.verify(session).intact


def test_the_programme_ramps_up_over_eight_weeks() -> None:
    start = 1_000_000 * demo.DAY_S
    halfway = demo.regime_at(start + demo.RAMP_DAYS * demo.DAY_S / 2, start)
    # Rates move linearly: 1 + (3.5 − 1) × 0.5 = 2.25 deployments a week.
    assert halfway.deploys_per_week == pytest.approx(2.25)
    # Durations geometrically: √(4 h × 30 min) = √(14,400 × 1,800) s ≈ 5,091.2 s.
    assert halfway.restore_s == pytest.approx(5091.17, abs=0.01)
    assert demo.regime_at(start - 1, start) == demo.BEFORE
    assert demo.regime_at(start + demo.RAMP_DAYS * demo.DAY_S, start) == demo.AFTER


def history(db: Database) -> list[tuple[object, ...]]:
    with db.session(write=False) as session:
        rows = session.execute(
            select(
                Deployment.external_id,
                Deployment.result,
                Deployment.finished_s,
                func.count(DeploymentCommit.id),
                func.sum(DeploymentCommit.lead_time_s),
            )
            .outerjoin(DeploymentCommit, DeploymentCommit.deployment_id == Deployment.id)
            .group_by(Deployment.id)
            .order_by(Deployment.id)
        ).all()
        incidents = session.execute(
            select(Incident.external_id, Incident.opened_s, Incident.restore_s).order_by(
                Incident.id
            )
        ).all()
    return [tuple(row) for row in rows + incidents]


def test_the_same_seed_gives_the_same_history(tmp_path: Path) -> None:
    load_steps(f"sqlite:///{tmp_path / 'company.db'}", names=STEPS[:2]).dispose()
    for name in ("a", "b", "c"):
        shutil.copyfile(tmp_path / "company.db", tmp_path / f"{name}.db")
    history_only = STEPS[2:]
    first = load_steps(f"sqlite:///{tmp_path / 'a.db'}", names=history_only)
    second = load_steps(f"sqlite:///{tmp_path / 'b.db'}", names=history_only)
    third = load_steps(f"sqlite:///{tmp_path / 'c.db'}", seed=8, names=history_only)
    assert history(first) == history(second)
    assert history(first) != history(third)
