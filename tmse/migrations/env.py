"""Alembic environment: tmse's metadata, its engine conventions, batch mode for SQLite."""

from __future__ import annotations

from alembic import context

from tmse.core.db import make_engine
from tmse.metadata import load_metadata

config = context.config
target_metadata = load_metadata()


def run_migrations() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable, url)
        return
    engine = make_engine(url)
    with engine.connect() as connection:
        _run(connection, url)
    engine.dispose()


# Indexes on expressions (the backlog's rank orders) are written by hand in their migration:
# neither database reflects them in a form autogenerate can compare.
HAND_WRITTEN_INDEXES = frozenset(
    {
        "ix_requirements_moscow_rank",
        "ix_requirements_rank_rice",
        "ix_requirements_rank_wsjf",
        "ix_requirements_status_rank_rice",
        "ix_requirements_status_rank_wsjf",
    }
)


def _compared(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    return not (type_ == "index" and name in HAND_WRITTEN_INDEXES)


def _run(connection, url: str) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=url.startswith("sqlite"),
        compare_type=True,
        include_object=_compared,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
