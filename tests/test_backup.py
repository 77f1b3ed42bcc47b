"""Backup and move: a populated SQLite database round-trips through a backup file into an empty
SQLite file and an empty PostgreSQL schema with every row, byte for byte."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, inspect, select

from tests.helpers import PASSWORD, SYSTEM
from tests.helpers.databases import POSTGRES_URL, postgres_schema
from tmse.backup import BackupError, restore_backup, write_backup
from tmse.backup.fileformat import backed_up_tables
from tmse.core import audit
from tmse.core.db import Database, utcnow
from tmse.core.identity import credentials, service
from tmse.core.identity.models import Team
from tmse.core.identity.schemas import TeamCreate, TeamUpdate, UserCreate, UserUpdate
from tmse.core.identity.sign_in_limit import claim_attempt
from tmse.core.links.service import create_link
from tmse.jobs.models import JobRun, LeaderLock
from tmse.metadata import load_metadata
from tmse.migrations import current_revision, head_revision, upgrade

Rows = dict[str, list[tuple[Any, ...]]]


def populate(db: Database) -> None:
    """An organisation built through the services, so the audit chain covers every change."""
    with db.session() as s:
        company = service.create_team(s, SYSTEM, TeamCreate(name="Acme", kind="company"))
        platform = service.create_team(
            s, SYSTEM, TeamCreate(name="Platform", kind="department", parent_id=company.id)
        )
        sre = service.create_team(
            s,
            SYSTEM,
            TeamCreate(
                name="SRE 运维", parent_id=platform.id, description='Ünïcode ✓ 中文 "quoted"\n'
            ),
        )
        payments = service.create_team(s, SYSTEM, TeamCreate(name="Payments", parent_id=company.id))
        fintech = service.create_team(
            s, SYSTEM, TeamCreate(name="Fintech", kind="department", parent_id=company.id)
        )
        # Moved under a newer team: in id order this child comes before its parent.
        service.update_team(
            s, SYSTEM, payments.id, TeamUpdate(version=payments.version, parent_id=fintech.id)
        )
    with db.session() as s:
        alice = service.create_user(
            s,
            SYSTEM,
            UserCreate(
                username="alice",
                display_name="Alice 李",
                email="alice@example.com",
                password=PASSWORD,
                roles=["admin", "architect"],
                team_ids=[platform.id, sre.id],
            ),
        )
        bob = service.create_user(
            s,
            SYSTEM,
            UserCreate(
                username="bob", password=PASSWORD, roles=["engineer"], team_ids=[payments.id]
            ),
        )
        service.create_user(s, SYSTEM, UserCreate(username="carol"))
        service.update_user(
            s,
            SYSTEM,
            bob.id,
            UserUpdate(version=bob.version, roles=["engineer", "sre"], is_active=False),
        )
        credentials.create_token(s, SYSTEM, alice, "ci")
        revoked, _ = credentials.create_token(s, SYSTEM, bob, "laptop")
        credentials.revoke_token(s, SYSTEM, revoked.id)
        credentials.start_web_session(s, alice, dt.timedelta(hours=8))
        create_link(s, SYSTEM, f"team:{sre.id}", f"user:{alice.id}", "owned_by")
        create_link(s, SYSTEM, f"user:{bob.id}", f"team:{payments.id}", "member_of")
    claim = claim_attempt(db, "alice", "10.0.0.7", limit=10)
    with db.session() as s:
        credentials.login(s, "alice", "wrong password", "10.0.0.7", claim)
        now = utcnow()
        s.add_all(
            [
                JobRun(
                    job="slo",
                    holder="w1",
                    scheduled_for=now,
                    finished_at=now,
                    ok=True,
                    detail="多字节 detail",
                ),
                JobRun(job="kpi", holder="w1", scheduled_for=now, ok=None),
                LeaderLock(name="worker", holder="w1", expires_at=now + dt.timedelta(seconds=90)),
            ]
        )
    with db.session() as s:
        # Changes a linked team's content, so its link turns Suspect (an UPDATE on trace_links).
        team = service.get_team(s, sre.id)
        service.update_team(
            s, SYSTEM, sre.id, TeamUpdate(version=team.version, description="on call")
        )


def dump(db: Database) -> Rows:
    """Every table's rows in primary-key order, datetimes as UTC."""
    rows: Rows = {}
    with db.engine.connect() as conn:
        for table in backed_up_tables(load_metadata()):
            key = [table.columns.keys().index(c.name) for c in table.primary_key.columns]
            found = [tuple(_normalise(v) for v in row) for row in conn.execute(select(table))]
            # Sorted in Python: PostgreSQL's collation may order text keys differently.
            rows[table.name] = sorted(found, key=lambda r: [r[i] for i in key])
    return rows


def _normalise(value: Any) -> Any:
    return value.astimezone(dt.UTC) if isinstance(value, dt.datetime) else value


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path_factory.mktemp('source') / 'source.db'}"
    upgrade(url)
    db = Database(url)
    populate(db)
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def backup_file(source: Database, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("backup") / "tmse.backup.gz"
    write_backup(source, path, progress=False)
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty database: a new SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'target.db'}")
        yield db
        db.dispose()
        return
    if not POSTGRES_URL:
        pytest.skip("TMSE_TEST_DATABASE_URL is not set")
    for url in postgres_schema(POSTGRES_URL):
        db = Database(url)
        yield db
        db.dispose()


def _gzip_lines(path: Path, lines: list[str]) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.writelines(lines)


def _read_lines(path: Path) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8") as src:
        return src.readlines()


def test_backup_file_is_gzip_json_lines(source: Database, backup_file: Path) -> None:
    lines = [json.loads(line) for line in _read_lines(backup_file)]
    header, end = lines[0], lines[-1]
    assert header["format"] == "tmse-backup" and header["version"] == 1
    assert header["revision"] == current_revision(source.engine)
    assert header["dialect"] == "sqlite" and header["tmse"]
    assert dt.datetime.fromisoformat(header["created_at"]).tzinfo is not None
    tables = [line["table"] for line in lines if isinstance(line, dict) and "table" in line]
    every_table = [t.name for t in load_metadata().sorted_tables]
    # All data, in dependency order; the read caches' table versions belong to one database.
    assert tables == [name for name in every_table if name != "tmse_table_versions"]
    assert end == {"end": True, "rows": {name: len(rows) for name, rows in dump(source).items()}}
    # Timestamps carry their offset and every microsecond; booleans stay booleans.
    users_at = next(
        i for i, line in enumerate(lines) if isinstance(line, dict) and line.get("table") == "users"
    )
    alice = dict(zip(lines[users_at]["columns"], lines[users_at + 1], strict=True))
    assert alice["username"] == "alice" and alice["is_active"] is True
    assert dt.datetime.fromisoformat(alice["created_at"]).utcoffset() == dt.timedelta(0)
    assert len(alice["created_at"]) == len("2026-01-01T00:00:00.000000+00:00")


def test_round_trip_keeps_every_row(source: Database, backup_file: Path, target: Database) -> None:
    expected = dump(source)
    counts = restore_backup(target, backup_file, progress=False)

    assert counts == {name: len(rows) for name, rows in expected.items()}
    for name in (
        "teams",
        "users",
        "user_roles",
        "memberships",
        "api_tokens",
        "web_sessions",
        "trace_links",
        "audit_log",
        "login_attempts",
        "job_runs",
        "leader_locks",
    ):
        assert counts[name] > 0, f"the fixture should fill {name}"
    restored = dump(target)
    for name, rows in expected.items():
        assert restored[name] == rows, f"table {name} differs after the move"
    assert current_revision(target.engine) == head_revision(target.url)
    with target.session(write=False) as s:
        report = audit.verify(s)
        assert report.intact and report.checked == counts["audit_log"]
        # The child that points at a newer parent kept its parent.
        payments = s.scalar(select(Team).where(Team.name == "Payments"))
        fintech = s.scalar(select(Team).where(Team.name == "Fintech"))
        assert payments is not None and fintech is not None
        assert payments.parent_id == fintech.id and fintech.id > payments.id


def test_new_rows_after_restore_get_fresh_ids(backup_file: Path, target: Database) -> None:
    counts = restore_backup(target, backup_file, progress=False)
    with target.session() as s:
        team = service.create_team(s, SYSTEM, TeamCreate(name="After the move"))
        user = service.create_user(s, SYSTEM, UserCreate(username="dave", team_ids=[team.id]))
        token, _ = credentials.create_token(s, SYSTEM, user, "new")
        link = create_link(s, SYSTEM, f"team:{team.id}", f"user:{user.id}", "owned_by")
    assert (team.id, user.id) == (counts["teams"] + 1, counts["users"] + 1)
    assert (token.id, link.id) == (counts["api_tokens"] + 1, counts["trace_links"] + 1)
    with target.session(write=False) as s:
        assert audit.verify(s).intact


def test_refuses_a_database_that_has_rows(backup_file: Path, target: Database) -> None:
    upgrade(target.url)
    with target.session() as s:
        service.create_user(s, SYSTEM, UserCreate(username="existing"))
    before = dump(target)
    with pytest.raises(BackupError, match="not empty"):
        restore_backup(target, backup_file, progress=False)
    assert dump(target) == before


def test_restores_into_an_empty_migrated_database(backup_file: Path, target: Database) -> None:
    upgrade(target.url)
    counts = restore_backup(target, backup_file, progress=False)
    assert counts["audit_log"] > 0


def _tables(db: Database) -> list[str]:
    return inspect(db.engine).get_table_names()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"hello, not gzip",
        gzip.compress(b"not json\n", mtime=0),
        gzip.compress(b'{"format": "other"}\n', mtime=0),
        gzip.compress(b"[1, 2, 3]\n", mtime=0),
    ],
    ids=["empty", "not-gzip", "gzip-not-json", "other-format", "json-not-object"],
)
def test_refuses_files_that_are_not_backups(
    content: bytes, tmp_path: Path, target: Database
) -> None:
    path = tmp_path / "not-a-backup.gz"
    path.write_bytes(content)
    with pytest.raises(BackupError, match="is not a tmse backup"):
        restore_backup(target, path, progress=False)
    assert _tables(target) == []


def test_missing_file_is_a_clear_error(tmp_path: Path, target: Database) -> None:
    with pytest.raises(BackupError, match="cannot read"):
        restore_backup(target, tmp_path / "missing.gz", progress=False)


def test_damaged_backup_leaves_the_target_empty(
    backup_file: Path, tmp_path: Path, target: Database
) -> None:
    lines = _read_lines(backup_file)
    truncated = tmp_path / "truncated.gz"
    _gzip_lines(truncated, lines[: len(lines) // 2])
    with pytest.raises(BackupError, match="incomplete"):
        restore_backup(target, truncated, progress=False)
    assert _tables(target) == [], "schema and rows are undone together"

    cut = tmp_path / "cut.gz"
    cut.write_bytes(backup_file.read_bytes()[:-20])
    with pytest.raises(BackupError, match="damaged"):
        restore_backup(target, cut, progress=False)

    bad_value = tmp_path / "bad-value.gz"
    row = next(i for i, line in enumerate(lines) if line.startswith("[") and "+00:00" in line)
    _gzip_lines(
        bad_value, [*lines[:row], lines[row].replace("+00:00", "+00:00 oops", 1), *lines[row + 1 :]]
    )
    with pytest.raises(BackupError, match="damaged at line"):
        restore_backup(target, bad_value, progress=False)
    assert _tables(target) == []


def test_refuses_a_backup_from_a_newer_schema(
    backup_file: Path, tmp_path: Path, target: Database
) -> None:
    lines = _read_lines(backup_file)
    header = json.loads(lines[0]) | {"revision": "9999_future"}
    newer = tmp_path / "newer.gz"
    _gzip_lines(newer, [json.dumps(header) + "\n", *lines[1:]])
    with pytest.raises(BackupError, match="newer than this tmse"):
        restore_backup(target, newer, progress=False)
    assert _tables(target) == []


def test_backup_refuses_a_database_without_schema(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(BackupError, match="no tmse schema"):
        write_backup(db, tmp_path / "out.gz", progress=False)
    assert not (tmp_path / "out.gz").exists()


def test_backup_streams_a_larger_table(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'big.db'}"
    upgrade(url)
    db = Database(url)
    with db.session() as s:
        for i in range(2500):  # several batches
            audit.record(s, SYSTEM, "create", "thing", i, None, {"n": i})
    path = tmp_path / "big.gz"
    assert write_backup(db, path, progress=True)["audit_log"] == 2500
    target = Database(f"sqlite:///{tmp_path / 'big-target.db'}")
    assert restore_backup(target, path, progress=True)["audit_log"] == 2500
    with target.session(write=False) as s:
        assert audit.count(s) == 2500 and audit.verify(s).intact
    assert target.engine.connect().scalar(select(func.max(audit.AuditEntry.id))) == 2500


def _tmse(args: list[str], url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"TMSE_DATABASE_URL": url, "TMSE_SECRET_KEY": "test", "TMSE_LOG_JSON": "0"}
    return subprocess.run(
        [sys.executable, "-m", "tmse", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_moves_a_database_with_two_commands(source: Database, tmp_path: Path) -> None:
    file = tmp_path / "move.tmse.gz"
    target_url = f"sqlite:///{tmp_path / 'moved.db'}"

    written = _tmse(["backup", str(file)], source.url, tmp_path)
    assert written.returncode == 0, written.stderr
    restored = _tmse(["restore", str(file)], target_url, tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert "restored" in restored.stderr

    again = _tmse(["restore", str(file)], target_url, tmp_path)
    assert again.returncode != 0 and "not empty" in again.stderr
    missing = _tmse(["restore", str(tmp_path / "nope.gz")], target_url, tmp_path)
    assert missing.returncode != 0 and "cannot read" in missing.stderr
    moved = Database(target_url)
    assert dump(moved) == dump(source)
    moved.dispose()
