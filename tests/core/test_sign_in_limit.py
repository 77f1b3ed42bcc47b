"""The sign-in limit holds across worker processes: 40 wrong passwords sent at once to
`tmse serve --workers 2` get exactly LIMIT password checks; the rest are 429 with Retry-After."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from tests.helpers import PASSWORD, SYSTEM
from tests.helpers.databases import POSTGRES_URL, postgres_schema
from tests.helpers.server_process import start_server
from tmse.core.audit import AuditEntry
from tmse.core.db import Database
from tmse.core.identity import service
from tmse.core.identity.schemas import UserCreate
from tmse.migrations import upgrade

LIMIT = 10
ATTEMPTS = 40


@pytest.fixture(params=["sqlite"] + (["postgresql"] if POSTGRES_URL else []))
def migrated_url(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A migrated database with one user, `target`, on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'limit.db'}"
        urls = iter([url])
    else:
        assert POSTGRES_URL
        urls = postgres_schema(POSTGRES_URL)
        url = next(urls)
    upgrade(url)
    database = Database(url)
    with database.session() as session:
        service.create_user(
            session, SYSTEM, UserCreate(username="target", password=PASSWORD, roles=["viewer"])
        )
    database.dispose()
    yield url
    next(urls, None)  # drops the PostgreSQL schema


def _failed_sign_ins(url: str) -> int:
    database = Database(url)
    with database.session(write=False) as session:
        count = session.scalar(select(func.count()).where(AuditEntry.action == "login_failed"))
    database.dispose()
    return count or 0


def test_parallel_wrong_passwords_across_workers_check_exactly_the_limit(migrated_url):
    server = start_server(
        migrated_url, "limit-test", workers=2, env={"TMSE_LOGIN_FAILURE_LIMIT": str(LIMIT)}
    )
    start = threading.Barrier(ATTEMPTS)

    def attempt(_: int) -> httpx.Response:
        with httpx.Client(base_url=server.base, timeout=60) as client:
            client.get("/login")
            form = {
                "username": "target",
                "password": "wrong-password",
                "csrf_token": client.cookies["tmse_csrf"],
            }
            start.wait(timeout=60)
            return client.post("/login", data=form)

    try:
        with ThreadPoolExecutor(ATTEMPTS) as pool:
            responses = list(pool.map(attempt, range(ATTEMPTS)))
        right_password = httpx.Client(base_url=server.base, timeout=60)
        right_password.get("/login")
        locked_out = right_password.post(
            "/login",
            data={
                "username": "target",
                "password": PASSWORD,
                "csrf_token": right_password.cookies["tmse_csrf"],
            },
        )
        right_password.close()
    finally:
        server.stop()

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [401] * LIMIT + [429] * (ATTEMPTS - LIMIT)
    assert _failed_sign_ins(migrated_url) == LIMIT
    for refused in (r for r in responses if r.status_code == 429):
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert "Too many failed sign-ins" in refused.text
    # Even the right password waits until the window is over.
    assert locked_out.status_code == 429 and "retry-after" in locked_out.headers
