"""No import holds the database's write lock while it parses: during every import's parse no
connection of the app is checked out, and on SQLite another writer takes the lock and commits
at once. Moving a parse back inside the write transaction (or behind a locking sign-in) fails."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from tests.helpers import SYSTEM
from tmse.catalog.backstage.cli import import_path
from tmse.core.db import Database
from tmse.integrations import yaml_safe
from tmse.integrations.backstage import reading as importing
from tmse.integrations.kano_csv import responses as csv_io
from tmse.requirements import csv_import
from tmse.standards.checks import api as checks_api
from tmse.standards.decisions import service as decisions

DESCRIPTOR = (
    "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: payments}\n"
    "spec: {type: team, children: []}\n"
)
OPENAPI = "openapi: 3.0.0\ninfo: {title: Pay, version: '1'}\npaths: {}\n"
ADR = (
    "# 1. Record decisions\n\nDate: 2026-01-02\n\n## Status\n\nAccepted\n\n"
    "## Context\n\nc\n\n## Decision\n\nd\n\n## Consequences\n\ne\n"
)
KANO_CSV = "respondent,fast_functional,fast_dysfunctional\nBo,like,dislike\n"


def _another_writer_commits(db: Database) -> bool:
    if not db.is_sqlite:
        return True  # PostgreSQL has no database-wide write lock; the pool check covers it
    other = sqlite3.connect(db.url.removeprefix("sqlite:///"), timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # fails at once with "database is locked" if held
        other.execute("COMMIT")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


@pytest.fixture
def parses(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[Any, str], list[bool]]]:
    """parses(module, name): wrap that parse function; returns, per call, whether the database
    was free for other writers while it ran."""

    def watch(module: Any, name: str) -> list[bool]:
        seen: list[bool] = []
        original = getattr(module, name)

        def watched(*args: Any, **kwargs: Any) -> Any:
            seen.append(db.engine.pool.checkedout() == 0 and _another_writer_commits(db))
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, watched)
        return seen

    yield watch


def test_api_imports_parse_outside_the_write_transaction(client, admin, parses) -> None:  # type: ignore[no-untyped-def]
    headers = admin.headers
    backstage = parses(importing, "parse_catalog")
    sent = client.post(
        "/api/v1/catalog/import/backstage",
        content=DESCRIPTOR,
        headers=headers | {"content-type": "application/yaml"},
    )
    assert sent.status_code == 200, sent.text
    assert backstage == [True]

    requirements = parses(csv_import, "read_table")
    sent = client.post(
        "/api/v1/requirements/import/csv",
        content="title\nA\n",
        headers=headers | {"content-type": "text/csv"},
    )
    assert sent.status_code == 200, sent.text
    page = client.post(
        "/requirements/import", data={"mapping": "generic", "csv": "title\nB\n"}, headers=headers
    )
    assert page.status_code == 200, page.text
    assert requirements == [True, True]

    body = {"name": "Search", "features": [{"key": "fast", "name": "Fast search"}]}
    survey = client.post("/api/v1/kano/surveys", json=body, headers=headers).json()["id"]
    kano = parses(csv_io, "read_table")
    sent = client.post(
        f"/api/v1/kano/surveys/{survey}/responses/import",
        content=KANO_CSV,
        headers=headers | {"content-type": "text/csv"},
    )
    assert sent.status_code == 201, sent.text
    page = client.post(
        f"/kano/{survey}/import", data={"csv": KANO_CSV.replace("Bo", "Cy")}, headers=headers
    )
    assert page.status_code == 200, page.text
    assert kano == [True, True]

    documents = parses(yaml_safe, "load")
    logs = parses(checks_api, "check_log_lines")
    assert (
        client.post(
            "/api/v1/standards/checks/openapi", content=OPENAPI, headers=headers
        ).status_code
        == 200
    )
    sample = {"lines": ['{"level": "info"}']}
    assert (
        client.post("/api/v1/standards/checks/log-format", json=sample, headers=headers).status_code
        == 200
    )
    assert documents == [True] and logs == [True]

    adrs = parses(decisions, "parse_adr_folder")
    sent = client.post(
        "/api/v1/decisions/import/adr-tools",
        json={"files": {"0001-record-decisions.md": ADR}},
        headers=headers,
    )
    assert sent.status_code == 200, sent.text
    assert adrs == [True]


def test_cli_imports_parse_outside_the_write_transaction(db, parses, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    console = Console(file=open(tmp_path / "out.txt", "w"))  # noqa: SIM115 - closed with the test
    backstage = parses(importing, "parse_catalog")
    (tmp_path / "catalog-info.yaml").write_text(DESCRIPTOR)
    assert import_path(db, SYSTEM, tmp_path / "catalog-info.yaml", console)
    assert backstage == [True]
    requirements = parses(csv_import, "read_table")
    (tmp_path / "requirements.csv").write_text("title\nA\n")
    assert csv_import.import_file(db, SYSTEM, tmp_path / "requirements.csv", "generic", console)
    assert requirements == [True]
    console.file.close()
