"""Fixtures for Backstage import tests: the real example files, and a second empty database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.backstage_examples import EXAMPLES
from tests.helpers.databases import POSTGRES_URL, postgres_schema
from tmse.core.db import Database
from tmse.integrations.backstage import descriptor_files
from tmse.metadata import load_metadata


@pytest.fixture
def examples() -> dict[str, str]:
    return descriptor_files(EXAMPLES)


@pytest.fixture
def other_db(database_url: str, tmp_path: Path) -> Iterator[Database]:
    """A second empty database on the same backend as `db`."""
    if database_url.startswith("sqlite"):
        urls: Iterator[str] = iter([f"sqlite:///{tmp_path / 'other.db'}"])
    else:
        assert POSTGRES_URL
        urls = postgres_schema(POSTGRES_URL)
    url = next(urls)
    database = Database(url)
    load_metadata().create_all(database.engine)
    yield database
    database.dispose()
    for _ in urls:  # drops the PostgreSQL schema
        pass
