"""Durability: `tmse serve` killed with SIGKILL while 50 clients write through the API loses no
acknowledged write, and the audit chain still verifies after the restart."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from tests.helpers.databases import POSTGRES_URL, postgres_schema
from tests.helpers.server_process import REPO, admin_token, start_server
from tmse.core.db import Database
from tmse.core.identity.models import Team
from tmse.migrations import upgrade

CLIENTS = 50
# The kill comes once this many writes are acknowledged, with every client still writing.
KILL_AFTER = 300
SECRET = "durability-test"


@pytest.fixture(params=["sqlite"] + (["postgresql"] if POSTGRES_URL else []))
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty, migrated database: a SQLite file or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'durable.db'}"
        upgrade(url)
        yield url
        return
    assert POSTGRES_URL
    schemas = postgres_schema(POSTGRES_URL)
    url = next(schemas)
    upgrade(url)
    yield url
    next(schemas, None)  # drops the schema


def _stored_team_names(url: str) -> set[str]:
    database = Database(url)
    with database.session(write=False) as session:
        names = set(session.scalars(select(Team.name)))
    database.dispose()
    return names


def test_sigkill_under_load_loses_no_acknowledged_write(fresh_url: str) -> None:
    token = admin_token(fresh_url)
    server = start_server(fresh_url, SECRET, workers=2)
    acknowledged: list[str] = []
    lock = threading.Lock()
    enough = threading.Event()
    started = time.monotonic()

    def write_until_the_crash(client_number: int) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=server.base, headers=headers, timeout=30) as client:
            for sequence in range(100_000):
                name = f"c{client_number}-w{sequence}"
                try:
                    response = client.post("/api/v1/teams", json={"name": name})
                except httpx.HTTPError:
                    return  # the server is gone: this write was never acknowledged
                if response.is_success:
                    with lock:
                        acknowledged.append(name)
                        if len(acknowledged) >= KILL_AFTER:
                            enough.set()

    try:
        with ThreadPoolExecutor(CLIENTS) as pool:
            writers = [pool.submit(write_until_the_crash, n) for n in range(CLIENTS)]
            assert enough.wait(timeout=45), f"only {len(acknowledged)} writes acknowledged"
            server.kill()
            for writer in writers:
                writer.result(timeout=60)
    finally:
        if server.process.poll() is None:
            server.kill()

    restarted = start_server(fresh_url, SECRET, workers=2)
    try:
        headers = {"Authorization": f"Bearer {token}"}
        after = httpx.post(
            f"{restarted.base}/api/v1/teams", json={"name": "after-restart"}, headers=headers
        )
        assert after.status_code == 201, after.text
    finally:
        restarted.stop()

    lost = set(acknowledged) - _stored_team_names(fresh_url)
    print(  # the figures, for `pytest -s`
        f"\n{fresh_url.split(':')[0]}: {len(acknowledged)} writes acknowledged, "
        f"{len(lost)} lost, {time.monotonic() - started:.1f} s"
    )
    assert len(acknowledged) >= KILL_AFTER
    assert lost == set()
    verified = subprocess.run(
        [sys.executable, "-m", "tmse", "audit", "verify"],
        env={**os.environ, "TMSE_DATABASE_URL": fresh_url},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "intact" in verified.stdout
