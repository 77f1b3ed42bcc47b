"""Migrations on both databases, the generated secret, locale negotiation."""

from __future__ import annotations

import stat

import pytest
from alembic import command
from sqlalchemy import inspect

from tmse.core.db import make_engine
from tmse.core.i18n import choose_locale, negotiate
from tmse.metadata import load_metadata
from tmse.migrations import alembic_config, current_revision, head_revision, upgrade
from tmse.settings import Settings, secret_key


def test_migrations_build_the_whole_schema_and_match_the_models(database_url):
    upgrade(database_url)
    engine = make_engine(database_url)
    assert current_revision(engine) == head_revision(database_url)
    tables = set(inspect(engine).get_table_names())
    assert set(load_metadata().tables) <= tables
    engine.dispose()
    command.check(alembic_config(database_url))  # raises if models and migrations differ


def test_secret_is_generated_once_beside_the_database(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", secret_key=None)
    first = secret_key(settings)
    assert len(first) >= 40
    path = tmp_path / "x.db.secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_key(settings) == first


def test_configured_secret_wins(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", secret_key="given")
    assert secret_key(settings) == "given"
    assert not (tmp_path / "x.db.secret").exists()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh_CN"),
        ("en-US,en;q=0.9,zh-CN;q=0.5", "en"),
        ("fr-FR, zh-TW;q=0.4", "zh_CN"),
        ("de;q=1.0, en;q=0", None),
        ("", None),
    ],
)
def test_accept_language_negotiation(header, expected):
    assert negotiate(header) == expected


def test_user_preference_beats_cookie_beats_header():
    assert choose_locale("zh_CN", "en", "en") == "zh_CN"
    assert choose_locale(None, "zh-CN", "en") == "zh_CN"
    assert choose_locale(None, None, "zh") == "zh_CN"
    assert choose_locale(None, None, None) == "en"
