"""Shared fixtures: every database test runs on SQLite and, when TMSE_TEST_DATABASE_URL is set,
again on PostgreSQL, each test in a database (or schema) of its own."""

from __future__ import annotations

import shutil
import uuid
import warnings
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex, CreateTable

warnings.filterwarnings("ignore", message=".*httpx2.*")

from fastapi.testclient import TestClient  # noqa: E402

from tests.helpers import PASSWORD, SYSTEM, Account  # noqa: E402
from tests.helpers.databases import BACKENDS, POSTGRES_URL, postgres_schema  # noqa: E402
from tmse.app import create_app  # noqa: E402
from tmse.core.db import Database  # noqa: E402
from tmse.core.events import load_subscribers  # noqa: E402
from tmse.core.identity import credentials, service  # noqa: E402
from tmse.core.identity.schemas import UserCreate  # noqa: E402
from tmse.metadata import load_metadata  # noqa: E402
from tmse.settings import Settings  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing() -> Iterator[None]:
    """Argon2id at its lowest cost in tests: a real hash that verifies, without the ~0.17 s
    (and 64 MiB) each hash and sign-in costs at the recommended parameters. The product's
    parameters are checked in tests/core/test_identity_api.py; servers started by browser
    tests run with the real ones."""
    real = service.hash_password
    service.hash_password = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash
    yield
    service.hash_password = real


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a fresh SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tmse.db'}"
        return
    assert POSTGRES_URL
    yield from postgres_schema(POSTGRES_URL)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file holding every table, built once per test process and copied per test."""
    path = tmp_path_factory.mktemp("template") / "tmse.db"
    database = Database(f"sqlite:///{path}")
    load_metadata().create_all(database.engine)
    with database.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    return path


@lru_cache(maxsize=1)
def postgres_schema_script() -> str:
    """The CREATE statements of every table and index, compiled once, run in one round trip."""
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    statements: list[str] = []
    for table in load_metadata().sorted_tables:
        statements.append(str(CreateTable(table).compile(dialect=dialect)))
        statements += [str(CreateIndex(index).compile(dialect=dialect)) for index in table.indexes]
    return ";\n".join(statements)


@pytest.fixture
def db(database_url: str, request: pytest.FixtureRequest) -> Iterator[Database]:
    """The database of `database_url` with every table, ready for a test."""
    load_subscribers()  # as the app, CLI and worker do at start: services publish to them
    if database_url.startswith("sqlite:///"):
        shutil.copyfile(request.getfixturevalue("sqlite_template"), database_url[10:])
        database = Database(database_url)
    else:
        database = Database(database_url)
        with database.engine.begin() as connection:
            connection.exec_driver_sql(postgres_schema_script())
    yield database
    database.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url, secret_key="test-secret-" + uuid.uuid4().hex, log_json=False
    )


@pytest.fixture
def app(settings: Settings, db: Database):  # type: ignore[no-untyped-def]
    return create_app(settings, db)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def make_account(db: Database):  # type: ignore[no-untyped-def]
    """make_account('architect', ...) -> a user with those roles, a password and an API token."""
    counter = iter(range(1, 10_000))

    def make(*roles: str, username: str | None = None) -> Account:
        name = username or f"{roles[0] if roles else 'user'}{next(counter)}"
        with db.session() as session:
            user = service.create_user(
                session,
                SYSTEM,
                UserCreate(username=name, password=PASSWORD, roles=list(roles) or ["viewer"]),
            )  # type: ignore[arg-type]
            _, token = credentials.create_token(session, SYSTEM, user, "test")
            return Account(user.id, name, token)

    return make


@pytest.fixture
def admin(make_account) -> Account:  # type: ignore[no-untyped-def]
    return make_account("admin", username="admin")
