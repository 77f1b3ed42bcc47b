"""The CLI as an operator runs it: separate processes against a real database file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tmse.migrations import upgrade


def tmse(database_url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "TMSE_DATABASE_URL": database_url, "TMSE_LOG_JSON": "false"}
    return subprocess.run(
        [sys.executable, "-m", "tmse", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def migrated(database_url: str) -> str:
    upgrade(database_url)
    return database_url


def test_user_and_token_create_then_the_token_works(migrated, tmp_path: Path):
    created = tmse(
        migrated,
        "user",
        "create",
        "--username",
        "ops",
        "--role",
        "sre",
        "--role",
        "engineer",
        "--password-stdin",
        stdin="a-long-password\n",
    )
    assert created.returncode == 0, created.stderr
    token = tmse(migrated, "token", "create", "--user", "ops", "--name", "deploy-bot")
    assert token.returncode == 0, token.stderr
    plaintext = token.stdout.strip().splitlines()[-1]
    assert plaintext.startswith("tmse_") and " " not in plaintext

    from fastapi.testclient import TestClient

    from tmse.app import create_app
    from tmse.settings import Settings

    app = create_app(Settings(database_url=migrated, secret_key="cli-test"))
    with TestClient(app) as client:
        me = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {plaintext}"})
    assert me.json()["roles"] == ["engineer", "sre"]


def test_bad_role_and_unknown_user_exit_non_zero(migrated):
    bad_role = tmse(
        migrated,
        "user",
        "create",
        "--username",
        "x1",
        "--role",
        "wizard",
        "--password",
        "long-enough-1",
    )
    assert bad_role.returncode != 0 and "roles" in bad_role.stderr
    unknown = tmse(migrated, "token", "create", "--user", "nobody", "--name", "t")
    assert unknown.returncode != 0 and "no user named 'nobody'" in unknown.stderr


def test_audit_verify_exit_codes(migrated):
    tmse(migrated, "user", "create", "--username", "a1", "--role", "viewer")
    tmse(migrated, "user", "create", "--username", "a2", "--role", "viewer")
    intact = tmse(migrated, "audit", "verify")
    assert intact.returncode == 0 and "intact: 2 entries" in intact.stdout

    from sqlalchemy import text

    from tmse.core.db import Database

    database = Database(migrated)
    with database.session() as session:
        session.execute(text("UPDATE audit_log SET entity_id = '999' WHERE id = 1"))
    database.dispose()
    broken = tmse(migrated, "audit", "verify")
    assert broken.returncode == 1
    assert "broken at entry 1" in broken.stderr


def test_db_current_reports_head(migrated):
    result = tmse(migrated, "db", "current")
    assert result.returncode == 0 and "(head)" in result.stdout
