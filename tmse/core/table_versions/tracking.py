"""Which tables a statement reads and writes, seen on every engine, and their versions."""

# Every statement any engine sends (ORM flushes, bulk DML, Core, `text()`, raw driver SQL) passes
# the cursor events, so its SQL names the tables it touches: writes that changed a row are noted
# on the connection and, when its transaction commits, the versions of those tables move on in
# that same transaction; reads are added to whatever is collecting (`collecting()`), so a kept
# answer knows the tables it was computed from. SQL tmse cannot attribute to a table (DDL, a
# `WITH` statement) moves `*`, which every kept answer depends on.

from __future__ import annotations

import re
import secrets
import weakref
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Connection, Delete, Engine, Insert, Select, Update, event, inspect, text
from sqlalchemy.pool import Pool

from tmse.core.db import Base
from tmse.core.table_versions.models import TableVersion

ANY = "*"
# Moved on by every write, whatever it wrote: while it stands still, the versions read last hold.
ALL = "#"
TABLE = TableVersion.__tablename__
# (table, version) pairs an answer was computed at, sorted: it stays right while they hold.
Versions = tuple[tuple[str, int], ...]

_WRITTEN = "tmse_tables_written"
_OWN = "tmse_table_versions"  # execution option marking this module's own statements
KEYED = "tmse_keyed_read"  # execution option: (table, versions) of a read pinned to a key
FLUSHING = "tmse_flushing"  # connection info: the statements now running are an ORM flush
FLUSH_TABLES = "tmse_flush_tables"  # connection info: the tables the running flush wrote
_READ_WORDS = re.compile(r'\b(?:FROM|JOIN)\s+"?(\w+)', re.IGNORECASE)
_WRITE = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)',
    re.IGNORECASE,
)
_NOTHING_WRITTEN = re.compile(
    r"^\s*(?:\(?\s*SELECT|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA|SHOW|EXPLAIN|SET\s)",
    re.IGNORECASE,
)
# Bookkeeping that no answer kept by tmse shows (token lists are never kept): a token's
# last-used time, written at most once a minute per token.
_QUIET_WRITES = re.compile(
    r"^UPDATE api_tokens SET last_used_at=(?:\?|%\(\w+\)s) WHERE", re.IGNORECASE
)
_MOVE_ALL = text(
    "INSERT INTO tmse_table_versions (name, version, moved_at) VALUES ('#', :start, :start) "
    "ON CONFLICT (name) DO UPDATE SET version = tmse_table_versions.version + 1, "
    "moved_at = tmse_table_versions.version + 1 RETURNING version"
)
_UPSERT = text(
    "INSERT INTO tmse_table_versions (name, version, moved_at) VALUES (:name, :start, :at) "
    "ON CONFLICT (name) DO UPDATE SET version = tmse_table_versions.version + 1, moved_at = :at"
)
_EVERY = text("SELECT name, version FROM tmse_table_versions")
_MOVED = text("SELECT name, version FROM tmse_table_versions WHERE moved_at > :seen OR name = '#'")
_LATEST = text("SELECT version FROM tmse_table_versions WHERE name = '#'")
# A process that missed more writes than this reads every version afresh (a database restored
# or made anew under the same URL starts its count elsewhere).
_CATCH_UP = 10_000

_SET_COLUMNS = re.compile(
    r'^\s*UPDATE\s+"?\w+"?\s+SET\s+(.*?)(?:\s+WHERE\s|\s+RETURNING\s|$)', re.IGNORECASE | re.DOTALL
)
_ASSIGNED = re.compile(r'(?:^|,)\s*"?(\w+)"?\s*=')
_once: dict[str, frozenset[str]] = {}
_by_column: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
_collectors: ContextVar[tuple[set[str], ...]] = ContextVar("tmse_read_collectors", default=())
_parsed: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
_PARSED_MAX = 4096
# Pools seen with the versions table; weak, so a new pool at a freed one's address is not taken
# for it (an id() can be reused once an engine is gone).
_ready_pools: weakref.WeakSet[Pool] = weakref.WeakSet()
_last_read: dict[str, tuple[int, dict[str, int]]] = {}


def tables_of(sql: str) -> tuple[frozenset[str], frozenset[str]]:
    """(tables read, tables written) by one SQL statement; a write of `*` when unattributable."""
    found = _parsed.get(sql)
    if found is None:
        if len(_parsed) >= _PARSED_MAX:  # statements with inlined lists vary without end
            _parsed.clear()
        found = _parsed[sql] = _parse(sql)
    return found


def every_row(table: str) -> str:
    """Moved by writes to `table` that name no rows: every keyed read of it depends on it."""
    return f"{table}:*"


def rows_of(table: str) -> str:
    """Moved by inserts and deletes (and by updates of columns not known): which rows exist."""
    return f"{table}+"


def column_of(table: str, column: str) -> str:
    """Moved by updates that set `column` of `table`."""
    return f"{table}.{column}"


def versions_of(sql: str) -> tuple[frozenset[str], frozenset[str]]:
    """(versions read, versions written) by a statement SQLAlchemy compiled, by column: a read
    of some columns depends on them and on which rows exist, an UPDATE moves the columns it
    sets. A table aliased or read with `*` counts whole; so does SQL written by hand, where a
    column may go unqualified (pass those to `tables_of`)."""
    found = _by_column.get(sql)
    if found is None:
        if len(_by_column) >= _PARSED_MAX:
            _by_column.clear()
        found = _by_column[sql] = _columns(sql)
    return found


def _columns(sql: str) -> tuple[frozenset[str], frozenset[str]]:
    read, written = tables_of(sql)
    names: set[str] = set()
    for table in read:
        quoted = f'"?{re.escape(table)}"?'
        if re.search(rf"(?<![\w.]){quoted}\.\*", sql) or _unqualified(sql, table):
            names.add(table)
            continue
        # The table under its own name and under each alias (`catalog_services AS source_1`).
        aliases = re.findall(rf'(?<![\w.]){quoted}\s+AS\s+"?(\w+)', sql, re.IGNORECASE)
        names.add(rows_of(table))
        for name in (quoted, *(f'"?{re.escape(alias)}"?' for alias in aliases)):
            if re.search(rf'(?<![\w."]){name}\.\*', sql):
                names.add(table)
            columns = re.findall(rf'(?<![\w."]){name}\."?(\w+)', sql)
            names.update(column_of(table, column.lower()) for column in columns)
    moved: set[str] = set(written)
    for table in written - {ANY}:
        assigned = _SET_COLUMNS.match(sql)
        columns = _ASSIGNED.findall(assigned.group(1)) if assigned else []
        if columns:
            moved.update(column_of(table, column.lower()) for column in columns)
        else:
            moved.add(rows_of(table))
    return frozenset(names), frozenset(moved)


def _unqualified(sql: str, table: str) -> bool:
    """Whether one of the table's columns may appear without its table's name (a literal column
    such as `CASE moscow WHEN ...`), or the table is not one tmse maps: then it counts whole."""
    mapped = Base.metadata.tables.get(table)
    if mapped is None:
        return True
    for column in mapped.columns:
        bare = rf'(?<![\w."])(?<!%\()(?<!AS )"?{re.escape(column.name)}"?(?![\w".(])'
        if re.search(bare, sql):
            return True
    return False


def _by_sqlalchemy(context: Any) -> bool:
    """Whether SQLAlchemy compiled the statement from a construct (columns all qualified)."""
    compiled = getattr(context, "compiled", None)
    return compiled is not None and isinstance(
        getattr(compiled, "statement", None), Select | Update | Insert | Delete
    )


def _named_once(sql: str) -> frozenset[str]:
    """The tables a statement reads from in one place only (not also in a subquery or join)."""
    found = _once.get(sql)
    if found is None:
        if len(_once) >= _PARSED_MAX:
            _once.clear()
        names = [name.lower() for name in _READ_WORDS.findall(sql)]
        found = _once[sql] = frozenset(name for name in names if names.count(name) == 1)
    return found


def _parse(sql: str) -> tuple[frozenset[str], frozenset[str]]:
    if _QUIET_WRITES.match(sql):
        return frozenset(), frozenset()
    written = _WRITE.match(sql)
    if written:
        return frozenset(), frozenset({written.group(1).lower()})
    if not _NOTHING_WRITTEN.match(sql):
        return frozenset(), frozenset({ANY})
    return frozenset(name.lower() for name in _READ_WORDS.findall(sql)), frozenset()


@contextmanager
def collecting() -> Iterator[set[str]]:
    """The names of the tables read inside the block (by this task or thread and what it starts)."""
    tables: set[str] = set()
    token = _collectors.set((*_collectors.get(), tables))
    try:
        yield tables
    finally:
        _collectors.reset(token)


def is_collecting() -> bool:
    return bool(_collectors.get())


def note_read(tables: Iterable[str]) -> None:
    """Count these tables as read by whoever is collecting (an answer taken from a memo)."""
    for collector in _collectors.get():
        collector.update(tables)


@event.listens_for(Engine, "before_cursor_execute")
def _reading(
    conn: Connection,
    _cursor: Any,
    statement: str,
    _parameters: Any,
    context: Any,
    _executemany: bool,
) -> None:
    collectors = _collectors.get()
    if not collectors or context is None or context.execution_options.get(_OWN):
        return
    read = versions_of(statement)[0] if _by_sqlalchemy(context) else tables_of(statement)[0]
    keyed = context.execution_options.get(KEYED)
    if keyed is not None and keyed[0] in _named_once(statement):
        # Pinned to keys of one table (`keyed`): those keys' versions stand for that table.
        read = {name for name in read if _table(name) != keyed[0]} | keyed[1]
    for collector in collectors:
        collector.update(read)


@event.listens_for(Engine, "after_cursor_execute")
def _written(
    conn: Connection,
    cursor: Any,
    statement: str,
    _parameters: Any,
    context: Any,
    _executemany: bool,
) -> None:
    if context is not None and context.execution_options.get(_OWN):
        return
    _, tables = tables_of(statement)
    if not tables or (ANY not in tables and _changed_nothing(cursor)):
        return
    written = versions_of(statement)[1] if _by_sqlalchemy(context) else _whole(tables)
    if conn.info.get(FLUSHING):
        # The flush names the rows it wrote when it ends (`keyed`).
        conn.info.setdefault(FLUSH_TABLES, set()).update(tables - {ANY})
    else:
        written = written | {every_row(name) for name in tables - {ANY}}
    note_written(conn, written)


def _whole(tables: frozenset[str]) -> frozenset[str]:
    """Tables written by SQL tmse cannot read by column: every reader of them is moved on."""
    return tables | {rows_of(name) for name in tables - {ANY}}


def _table(name: str) -> str:
    return re.split(r"[.+:]", name, maxsplit=1)[0]


def note_written(conn: Connection, names: Iterable[str]) -> None:
    """Move these versions on when the connection's transaction commits."""
    conn.info.setdefault(_WRITTEN, set()).update(names)


def _changed_nothing(cursor: Any) -> bool:
    """An UPDATE or DELETE that matched no row (links marked suspect only when a fingerprint
    differs, say)."""
    # A statement with RETURNING counts its rows only as they are fetched, and -1 is a driver
    # that does not know: both count as changes.
    return getattr(cursor, "description", None) is None and getattr(cursor, "rowcount", -1) == 0


@event.listens_for(Engine, "begin")
def _began(conn: Connection) -> None:
    for name in (_WRITTEN, FLUSHING, FLUSH_TABLES):
        conn.info.pop(name, None)


@event.listens_for(Engine, "rollback")
def _rolled_back(conn: Connection) -> None:
    for name in (_WRITTEN, FLUSHING, FLUSH_TABLES):
        conn.info.pop(name, None)


@event.listens_for(Engine, "rollback_savepoint")
def _rolled_back_to_savepoint(conn: Connection, _name: str, _context: Any) -> None:
    # What the savepoint wrote is undone; versions moved on anyway only cost a recomputation.
    conn.info.pop(FLUSHING, None)


@event.listens_for(Engine, "commit")
def _committing(conn: Connection) -> None:
    """Move the written tables' versions on inside the committing transaction, in name order
    ("#" first: two writers never wait for each other's rows in opposite orders)."""
    written = conn.info.pop(_WRITTEN, None)
    if not written or not _has_table(conn):
        return
    # A table's first version is random: a database made afresh under the same URL (tests)
    # never repeats the versions an answer kept from the one before it was computed at.
    own = {_OWN: True}
    at = conn.execute(_MOVE_ALL.execution_options(**own), {"start": secrets.randbits(40)}).scalar()
    rows = [{"name": n, "start": secrets.randbits(40), "at": at} for n in sorted(written - {ALL})]
    if rows:
        conn.execute(_UPSERT.execution_options(**own), rows)


def _has_table(conn: Connection) -> bool:
    # Before the migration that creates it (or in a half-built test schema) there is nothing
    # to move on; once seen, it stays.
    pool = conn.engine.pool
    if pool in _ready_pools:
        return True
    inspector = inspect(conn)
    if inspector.has_table(TABLE) and any(
        column["name"] == "moved_at" for column in inspector.get_columns(TABLE)
    ):
        _ready_pools.add(pool)
        return True
    return False


def current_versions(conn: Connection) -> dict[str, int]:
    """Every table's version as this connection reads it now (do not change the answer)."""
    own = {_OWN: True}
    url = str(conn.engine.url)
    latest = int(conn.execute(_LATEST.execution_options(**own)).scalar() or 0)
    kept = _last_read.get(url)
    if kept is not None and kept[0] == latest:
        return kept[1]
    if kept is not None and kept[0] < latest <= kept[0] + _CATCH_UP:
        # Only what moved since (one statement: a consistent set), over a copy: answers being
        # computed keep the versions they started from.
        moved = conn.execute(_MOVED.execution_options(**own), {"seen": kept[0]})
        versions = {**kept[1], **{str(name): int(v) for name, v in moved}}
    else:
        versions = {str(name): int(v) for name, v in conn.execute(_EVERY.execution_options(**own))}
    _last_read[url] = (versions.get(ALL, 0), versions)
    return versions


def versions_at(current: Mapping[str, int], tables: Iterable[str]) -> Versions:
    """The versions of `tables` (and `*`) in `current`, to keep with what was computed from them."""
    return tuple(sorted((name, current.get(name, 0)) for name in {*tables, ANY} - {ALL}))


def still_current(kept: Versions, current: Mapping[str, int]) -> bool:
    return all(current.get(name, 0) == version for name, version in kept)
