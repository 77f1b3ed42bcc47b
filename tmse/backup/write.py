"""Writing a backup: every tmse table, streamed from one consistent snapshot."""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, func, select

import tmse
from tmse.backup.fileformat import (
    FORMAT,
    FORMAT_VERSION,
    BackupError,
    backed_up_tables,
    encode_line,
)
from tmse.backup.progress import DelayedProgress
from tmse.core.db import Database, utcnow
from tmse.metadata import load_metadata
from tmse.migrations import alembic_config

BATCH = 1000


@contextmanager
def _snapshot(db: Database) -> Iterator[Connection]:
    """One read transaction, so every table is read as of the same moment."""
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # READ COMMITTED gives each statement its own snapshot; REPEATABLE READ gives one.
            conn = conn.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        # SQLite (WAL) keeps the snapshot of the transaction's first read until it ends.
        with conn.begin():
            yield conn


def _check_revision(conn: Connection, url: str) -> str:
    revision = MigrationContext.configure(conn).get_current_revision()
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    if revision is None:
        raise BackupError("the database has no tmse schema, so there is nothing to back up")
    if revision != head:
        # The tables are read through this code's metadata, which describes `head` only.
        raise BackupError(
            f"the database is at schema revision {revision} but this tmse "
            f"expects {head}; run `tmse db upgrade` first"
        )
    return revision


def write_backup(db: Database, path: Path, progress: bool = True) -> dict[str, int]:
    """Write every tmse table to `path` (gzip JSON lines) from one snapshot; rows per table."""
    tables = backed_up_tables(load_metadata())
    partial = path.with_name(path.name + ".partial")
    counts: dict[str, int] = {}
    with _snapshot(db) as conn:
        revision = _check_revision(conn, db.url)
        total = (
            sum(conn.scalar(select(func.count()).select_from(t)) or 0 for t in tables)
            if progress
            else 0
        )
        header = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "tmse": tmse.__version__,
            "revision": revision,
            "created_at": utcnow().isoformat(),
            "dialect": conn.dialect.name,
        }
        try:
            with (
                gzip.open(partial, "wt", encoding="utf-8", compresslevel=6) as out,
                DelayedProgress(progress, "backup", total) as bar,
            ):
                out.write(encode_line(header))
                for table in tables:
                    columns = [c.name for c in table.columns]
                    out.write(encode_line({"table": table.name, "columns": columns}))
                    stmt = select(*table.columns).order_by(*table.primary_key.columns)
                    counts[table.name] = 0
                    # yield_per streams (a server-side cursor on PostgreSQL) instead of loading all.
                    for rows in conn.execute(stmt.execution_options(yield_per=BATCH)).partitions():
                        out.writelines(encode_line(list(row)) for row in rows)
                        counts[table.name] += len(rows)
                        bar.update(sum(counts.values()))
                out.write(encode_line({"end": True, "rows": counts}))
            # Renamed only once complete, so a failed run never leaves a file that looks whole.
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return counts
