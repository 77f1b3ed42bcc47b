"""The demo organisation: shape, roles, names, determinism, if-empty, sign-in file, audit chain."""

from __future__ import annotations

import random
import re
import stat
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from rich.console import Console
from sqlalchemy import func, select

import tmse.demo.org  # noqa: F401  (registers its step before a test copies the registry)
from tmse.core import audit
from tmse.core.db import Database
from tmse.core.identity import service
from tmse.core.identity.models import Membership, Team, User, UserRole
from tmse.core.identity.passwords import verify_password
from tmse.core.permissions import Role
from tmse.demo import DemoContext, load_demo, register_step, steps
from tmse.demo.org_plan import organisation_plan
from tmse.demo.sign_in import read_password
from tmse.metadata import load_metadata

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Six personas at Argon2's full cost take over a second; their hashes still verify."""
    monkeypatch.setattr(
        service, "hash_password", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash
    )


def quiet() -> Console:
    return Console(quiet=True)


def load(
    db: Database,
    tmp_path: Path,
    seed: int = 7,
    if_empty: bool = False,
    console: Console | None = None,
) -> DemoContext | None:
    return load_demo(
        db,
        size="small",
        seed=seed,
        if_empty=if_empty,
        credentials_file=tmp_path / "admin-password",
        console=console or quiet(),
    )


def usernames(db: Database) -> list[str]:
    with db.session(write=False) as session:
        return list(session.scalars(select(User.username).order_by(User.id)))


def table_counts(db: Database) -> tuple[int, ...]:
    with db.session(write=False) as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (User, Team, Membership, audit.AuditEntry)
        )


def only_organisation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the organisation step alone, for tests about it that load the demo twice."""
    monkeypatch.setattr(
        steps, "_registry", {k: v for k, v in steps._registry.items() if k == "organisation"}
    )


def test_small_demo_company_personas_audit_chain_and_if_empty(db: Database, tmp_path: Path) -> None:
    """One load of the whole small demo, every step included, looked at from every side."""
    load(db, tmp_path)
    with db.session(write=False) as session:
        kinds = dict(session.execute(select(Team.kind, func.count()).group_by(Team.kind)).all())
        users = session.scalars(select(User)).all()
        roles = set(session.scalars(select(UserRole.role)))
        teams = session.scalars(select(Team.id).where(Team.kind == "team")).all()
        led = set(session.scalars(select(Membership.team_id).where(Membership.is_lead)))
        hashes = dict(session.execute(select(User.username, User.password_hash)).all())
        report = audit.verify(session)
    assert kinds["company"] == 1
    assert 4 <= kinds["department"] <= 8
    assert 12 <= kinds["team"] <= 20
    assert 100 <= len(users) <= 140
    assert roles == {str(role) for role in Role}
    names = [u.display_name for u in users]
    assert sum(1 for n in names if CHINESE.fullmatch(n[:1]) and n.isalpha()) >= 30
    assert sum(1 for n in names if n.isascii() and " " in n) >= 5
    assert set(teams) <= led

    # Only the personas can sign in, with the password written to a private file.
    file = tmp_path / "admin-password"
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    password = read_password(file)
    assert password
    personas = {"admin", "cto", "architect", "pm", "lead", "viewer"}
    assert {name for name, value in hashes.items() if value} == personas
    assert verify_password(hashes["admin"], password)

    # The audit chain is intact, with an entry per created entity.
    users_count, teams_count, _, entries = table_counts(db)
    assert report.intact
    assert entries >= users_count + teams_count

    # --if-empty leaves a loaded database alone; without it, a database with users is refused.
    before = table_counts(db)
    console = Console(record=True, width=200)
    assert load(db, tmp_path, seed=99, if_empty=True, console=console) is None
    assert table_counts(db) == before
    assert read_password(file) == password
    output = console.export_text()
    assert "http://127.0.0.1:8000" in output and f"admin / {password}" in output
    with pytest.raises(SystemExit):
        load(db, tmp_path)
    assert table_counts(db) == before


def test_same_seed_same_company(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_organisation(monkeypatch)
    other = Database(f"sqlite:///{tmp_path / 'other.db'}")
    load_metadata().create_all(other.engine)
    try:
        load(db, tmp_path)
        load(other, tmp_path)
        assert usernames(db) == usernames(other)
    finally:
        other.dispose()
    assert (
        organisation_plan(random.Random("8:organisation"), "small").people
        != organisation_plan(random.Random("7:organisation"), "small").people
    )


def test_later_steps_run_in_order_and_see_the_organisation(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_organisation(monkeypatch)
    seen: list[tuple[str, int]] = []

    def catalog(ctx: DemoContext) -> None:
        seen.append(("catalog", len(ctx.created["team"])))
        assert ctx.named["user:admin"] in ctx.created["user:admin"]

    register_step("catalog", catalog, order=200)
    register_step("first", lambda ctx: seen.append(("first", len(ctx.created["team"]))), 50)
    context = load(db, tmp_path, if_empty=True)  # an empty database is loaded even so
    assert context is not None
    assert seen == [("first", 0), ("catalog", len(context.created["team"]))]
    assert (
        len(context.created["lead"])
        == len(context.created["team"]) + len(context.created["department"]) + 1
    )


def test_large_plan_has_the_benchmark_scale() -> None:
    plan = organisation_plan(random.Random("7:organisation"), "large")
    assert sum(1 for unit in plan.units if unit.kind == "team") >= 50
    assert len(plan.people) >= 2000
    assert len({person.name.username for person in plan.people}) == len(plan.people)
