"""Restoring a backup into an empty database: schema by migration, rows in dependency order,
all in one transaction so a failed restore leaves the target as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import (
    Connection,
    MetaData,
    Table,
    bindparam,
    column,
    insert,
    inspect,
    literal_column,
    select,
    table,
    text,
    update,
)
from sqlalchemy.exc import NoSuchTableError, StatementError

from tmse.backup.fileformat import NOT_BACKED_UP, BackupError, BackupReader, decoder_for
from tmse.backup.progress import DelayedProgress
from tmse.core.db import Database
from tmse.metadata import load_metadata
from tmse.migrations import alembic_config

BATCH = 1000


class _TableLoader:
    """Inserts one table's rows in batches; a row pointing at a later row of its own table
    (a team moved under a newer team) gets that reference once the table is complete."""

    def __init__(self, conn: Connection, name: str, columns: list[str], known: Table) -> None:
        self._conn, self.name, self._columns = conn, name, columns
        # A bare table clause: no column defaults or onupdate (updated_at) may touch the rows.
        self._table = table(name, *[column(c, known.c[c].type) for c in columns])
        self._decoders = [(c, d) for c in columns if (d := decoder_for(known.c[c].type))]
        self.key = [c.name for c in known.primary_key.columns]
        self._refs = (
            [
                (fk.parent.name, fk.column.name)
                for fk in known.foreign_keys
                if fk.column.table.name == name
                and fk.parent.nullable
                and fk.parent.name in columns
                and fk.column.name in columns
            ]
            if self.key and set(self.key) <= set(columns)
            else []
        )
        self._seen: dict[str, set[Any]] = {ref: set() for _, ref in self._refs}
        self._rows: list[dict[str, Any]] = []
        self._later: list[dict[str, Any]] = []
        self.count = 0

    def add(self, values: list[Any]) -> None:
        row = dict(zip(self._columns, values, strict=True))
        for name, decode in self._decoders:
            if row[name] is not None:
                row[name] = decode(row[name])
        for ref, seen in self._seen.items():
            seen.add(row[ref])
        if any(row[col] is not None and row[col] not in self._seen[ref] for col, ref in self._refs):
            self._later.append(
                {f"k_{k}": row[k] for k in self.key}
                | {f"v_{col}": row[col] for col, _ in self._refs}
            )
            for col, _ in self._refs:
                row[col] = None
        self._rows.append(row)
        self.count += 1
        if len(self._rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self._rows:
            self._conn.execute(insert(self._table), self._rows)
            self._rows = []

    def finish(self) -> int:
        self.flush()
        if self._later:
            t = self._table
            stmt = (
                update(t)
                .where(*[t.c[k] == bindparam(f"k_{k}") for k in self.key])
                .values({col: bindparam(f"v_{col}") for col, _ in self._refs})
            )
            self._conn.execute(stmt, self._later)
        return self.count


def _known_table(conn: Connection, metadata: MetaData, name: str, columns: list[str]) -> Table:
    """The table's types from this code's models, or, for an older schema, from the target."""
    known = metadata.tables.get(name)
    if known is None or not set(columns) <= set(known.c.keys()):
        try:
            known = Table(name, MetaData(), autoload_with=conn)
        except NoSuchTableError:
            raise BackupError(
                f"the backup's table {name} is unknown to its schema revision"
            ) from None
    missing = sorted(set(columns) - set(known.c.keys()))
    if missing:
        raise BackupError(f"the backup's table {name} has unknown columns: {', '.join(missing)}")
    return known


def _load_rows(
    conn: Connection, reader: BackupReader, bar: DelayedProgress
) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Rows per table and each table's primary key, once the end marker confirms the counts."""
    metadata = load_metadata()
    counts: dict[str, int] = {}
    keys: dict[str, list[str]] = {}
    loader: _TableLoader | None = None
    for item in reader:
        if isinstance(item, list):
            if loader is None:
                raise reader.damaged("a row comes before any table")
            try:
                loader.add(item)
            except (ValueError, TypeError, ArithmeticError) as exc:
                raise reader.damaged(f"a row of {loader.name} cannot be read ({exc})") from exc
            if loader.count % BATCH == 0:
                bar.update(reader.position())
            continue
        if loader is not None:
            counts[loader.name], keys[loader.name] = loader.finish(), loader.key
            loader = None
        if (
            isinstance(item, dict)
            and isinstance(item.get("table"), str)
            and isinstance(item.get("columns"), list)
            and item["table"] not in counts
        ):
            name, columns = item["table"], item["columns"]
            loader = _TableLoader(conn, name, columns, _known_table(conn, metadata, name, columns))
        elif isinstance(item, dict) and item.get("end") is True:
            if item.get("rows") != counts:
                raise reader.damaged("its row counts do not match the rows it holds")
            return counts, keys
        else:
            raise reader.damaged("an unexpected line")
    raise BackupError(
        f"{reader.path} is incomplete (its end marker is missing); nothing was restored"
    )


def _check_target(conn: Connection, script: ScriptDirectory, revision: str) -> None:
    """Refuse a target that holds tmse rows, or whose schema is not on the way to `revision`."""
    metadata = load_metadata()
    present = set(inspect(conn).get_table_names()) & set(metadata.tables) - NOT_BACKED_UP
    for name in sorted(present):
        if conn.execute(select(literal_column("1")).select_from(table(name)).limit(1)).first():
            raise BackupError(
                f"the target database is not empty (table {name} has rows); "
                "restore only into an empty database"
            )
    current = MigrationContext.configure(conn).get_current_revision()
    if current is None and present:
        raise BackupError(
            "the target database has tmse tables but no schema revision; "
            "restore into a new, empty database"
        )
    if current is not None and current not in {
        s.revision for s in script.iterate_revisions(revision, "base")
    }:
        raise BackupError(
            f"the target database is at schema revision {current}, newer than "
            f"the backup's {revision}; restore into a new, empty database"
        )


def _reset_sequences(conn: Connection, keys: dict[str, list[str]]) -> None:
    """Move PostgreSQL id sequences past the restored ids, so the next insert doesn't collide."""
    quote = conn.dialect.identifier_preparer.quote
    for name, key in keys.items():
        if len(key) != 1:
            continue
        sequence = conn.scalar(
            text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": quote(name), "c": key[0]}
        )
        if sequence:
            conn.execute(
                text(
                    f"SELECT setval(:s, COALESCE(MAX({quote(key[0])}), 0) + 1, false) "  # noqa: S608 - names from the metadata
                    f"FROM {quote(name)}"
                ),
                {"s": sequence},
            )


def restore_backup(db: Database, path: Path, progress: bool = True) -> dict[str, int]:
    """Load a backup into a database without tmse rows, in one transaction; rows per table."""
    with BackupReader(path) as reader:
        revision = reader.header["revision"]
        script = ScriptDirectory.from_config(alembic_config(db.url))
        try:
            script.get_revision(revision)
        except CommandError as exc:
            raise BackupError(
                f"{path} has schema revision {revision}, newer than this tmse "
                f"knows ({script.get_current_head()}); upgrade tmse first"
            ) from exc
        try:
            with (
                db.engine.execution_options(tmse_write=True).begin() as conn,
                DelayedProgress(progress, "restore", reader.size) as bar,
            ):
                _check_target(conn, script, revision)
                # Migrating on our own connection puts the new tables in the same transaction.
                config = alembic_config(db.url)
                config.attributes["connection"] = conn
                command.upgrade(config, revision)
                counts, keys = _load_rows(conn, reader, bar)
                if conn.dialect.name == "postgresql":
                    _reset_sequences(conn, keys)
        except StatementError as exc:
            raise BackupError(f"restore failed and was undone: {exc.orig or exc}") from exc
    return counts
