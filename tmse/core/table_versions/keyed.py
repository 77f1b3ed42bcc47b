"""Row-level versions: a read pinned to one key of a table (a record by id or name, one record's
history) depends on that key's version, not on the whole table's."""

# A key is a column set that reads pin with equality: the primary key, each unique constraint or
# index, each one-column index, and the sets a table names in `info["read_keys"]`. Every ORM
# flush moves on, for each row it inserts, updates or deletes, the version of each of its keys'
# values (old and new), besides the table's. Versions are kept per bucket of key values
# (`BUCKETS` a table), so their number stays bounded; two keys sharing a bucket only cost an
# extra recomputation. A write that is not a flush (Core, bulk DML, raw SQL) cannot name its
# rows: it moves `<table>:*`, on which every keyed read of that table depends too.

from __future__ import annotations

import enum
import operator
import zlib
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Column, Table, UniqueConstraint, event
from sqlalchemy.orm import InstanceState, ORMExecuteState, Session, UOWTransaction
from sqlalchemy.sql import Select, Subquery
from sqlalchemy.sql.elements import (
    BinaryExpression,
    BindParameter,
    BooleanClauseList,
    ClauseElement,
    Grouping,
)
from sqlalchemy.sql.operators import in_op

from tmse.core.table_versions.tracking import (
    FLUSH_TABLES,
    FLUSHING,
    KEYED,
    every_row,
    is_collecting,
    note_written,
)

BUCKETS = 256
# Keyed reads binding more values than this (a long IN list) depend on the whole table instead.
MAX_KEYS = 64

_keys: dict[str, tuple[tuple[str, ...], ...]] = {}
_narrow: dict[str, int] = {}  # how many of a table's keys come first as narrow


def key_version(table: str, columns: tuple[str, ...], values: Iterable[Any]) -> str:
    """The name of the version of the rows of `table` whose `columns` hold `values`."""
    text = repr((columns, tuple(_plain(v) for v in values)))
    return f"{table}:{zlib.crc32(text.encode()) % BUCKETS}"


def _plain(value: Any) -> str:
    # One spelling per value, whether a read binds 5 or "5", True or 1.
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        value = int(value)
    return str(value)


def table_keys(table: Table) -> tuple[tuple[str, ...], ...]:
    """The column sets of `table` that a keyed read may pin, each sorted: the narrow ones (the
    primary key, unique sets, `read_keys`) first, then one-column indexes."""
    found = _keys.get(table.name)
    if found is None:
        narrow = {tuple(sorted(c.name for c in table.primary_key.columns))}
        wide: set[tuple[str, ...]] = set()
        for constraint in table.constraints:
            if isinstance(constraint, UniqueConstraint):
                narrow.add(tuple(sorted(c.name for c in constraint.columns)))
        for index in table.indexes:
            columns = [c for c in index.expressions if isinstance(c, Column)]
            # Lookups by one column (a foreign key, say); wider indexes serve ranges and sorts.
            if len(columns) == len(index.expressions) and (index.unique or len(columns) == 1):
                (narrow if index.unique else wide).add(tuple(sorted(c.name for c in columns)))
        for columns in table.info.get("read_keys", ()):
            narrow.add(tuple(sorted(columns)))
        narrow.discard(())
        found = _keys[table.name] = (*sorted(narrow), *sorted(wide - narrow))
        _narrow[table.name] = len(narrow)
    return found


# Writes: what a flush changed, row by row.


@event.listens_for(Session, "before_flush")
def _flush_begins(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    session.connection().info[FLUSHING] = True


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, context: UOWTransaction) -> None:
    connection = session.connection()
    connection.info.pop(FLUSHING, None)
    tables = connection.info.pop(FLUSH_TABLES, set())
    names: set[str] = set()
    # Every row the flush saved or deleted, cascades included: (is delete, relationship only).
    for state, (deleted, list_only) in context.states.items():
        if list_only:
            continue
        for table, versions in _row_versions(state, state.key is None and not deleted):
            tables.discard(table)
            names.update(versions)
    # Rows the flush wrote with no object of their own (a many-to-many link table).
    names.update(every_row(table) for table in tables)
    note_written(connection, names)


def _row_versions(state: InstanceState[Any], new: bool) -> Iterator[tuple[str, list[str]]]:
    """(table, versions) for each table of the object's row: its keys' old and new values."""
    mapper = state.mapper
    for table in mapper.tables:
        if not isinstance(table, Table):
            continue
        versions: list[str] = []
        for columns in table_keys(table):
            olds: list[Any] = []
            news: list[Any] = []
            for name in columns:
                value = _value(state, mapper.get_property_by_column(table.c[name]).key, new)
                news.append(value[-1])
                olds.append(value[0])
            if any(v is _UNKNOWN or isinstance(v, ClauseElement) for v in (*olds, *news)):
                versions.append(every_row(table.name))  # a value not known here
                continue
            # No read pins a NULL (`= NULL` matches nothing): such a row has no key version.
            for values in (olds, news) if olds != news else (news,):
                if None not in values:
                    versions.append(key_version(table.name, columns, values))
        yield table.name, versions


_UNKNOWN = object()


def _value(state: InstanceState[Any], key: str, new: bool) -> tuple[Any, Any]:
    """An attribute's value before and after the flush; `_UNKNOWN` when not loaded, unless the
    row is new and the column has no default of the database's (then it was inserted NULL)."""
    history = state.attrs[key].history
    if history.added:
        return (history.deleted[0] if history.deleted else history.added[0]), history.added[0]
    if key in state.dict:
        return state.dict[key], state.dict[key]
    column = state.mapper.columns[key]
    if new and column.server_default is None and column.computed is None:
        return None, None
    return _UNKNOWN, _UNKNOWN


# Reads: a SELECT whose WHERE pins a key of one table with equality (or IN).


@event.listens_for(Session, "do_orm_execute")
def _keyed_read(state: ORMExecuteState) -> None:
    statement = state.statement
    if not state.is_select or not isinstance(statement, Select) or not is_collecting():
        return
    found = _pinned(statement, state.parameters or {})
    if found is not None:
        state.update_execution_options(**{KEYED: found})


def _pinned(statement: Select[Any], parameters: Any) -> tuple[str, frozenset[str]] | None:
    """(table, the versions its rows read here depend on) when the WHERE pins a key."""
    criteria = statement.whereclause
    if criteria is None:
        # A count of a subquery's rows (`pagination.paginate`): what the subquery pins.
        # `select_from(subquery)` as given (cheap, unlike computing the final FROM list).
        froms: tuple[Any, ...] = tuple(getattr(statement, "_from_obj", ()))
        if len(froms) == 1 and isinstance(froms[0], Subquery):
            inner = froms[0].element
            return _pinned(inner, parameters) if isinstance(inner, Select) else None
        return None
    return _pins(criteria, parameters)


def _pins(clause: Any, parameters: Any) -> tuple[str, frozenset[str]] | None:
    """What `clause` pins: equalities ANDed on a key's columns, or an OR of such on one table."""
    while isinstance(clause, Grouping):
        clause = clause.element
    if isinstance(clause, BooleanClauseList) and clause.operator is operator.or_:
        found = [_pins(term, parameters) for term in clause.clauses]
        tables = {pin[0] for pin in found if pin is not None}
        if None in found or len(tables) != 1:
            return None
        return tables.pop(), frozenset().union(*(pin[1] for pin in found if pin is not None))
    is_and = isinstance(clause, BooleanClauseList) and clause.operator is operator.and_
    terms = clause.clauses if is_and else (clause,)
    pinned: dict[Table, dict[str, list[Any]]] = {}
    for term in terms:
        equality = _equality(term, parameters)
        if equality is not None:
            column, bound = equality
            pinned.setdefault(column.table, {})[column.name] = bound
    keys = [(table, columns) for table in pinned for columns in table_keys(table)]
    narrow = [(table, columns) for table, columns in keys if _is_narrow(table, columns)]
    ors = [
        term
        for term in terms
        if term is not clause and isinstance(term, Grouping | BooleanClauseList)
    ]
    # The narrowest first: a unique key, an OR of such (`(source = x OR target = x) AND ...`),
    # then a one-column index.
    for table, columns in narrow:
        if all(name in pinned[table] for name in columns):
            return _key_versions(table, columns, pinned[table])
    for term in ors:
        found_or = _pins(term, parameters)
        if found_or is not None:
            return found_or
    for table, columns in keys:
        if all(name in pinned[table] for name in columns):
            return _key_versions(table, columns, pinned[table])
    return None


def _is_narrow(table: Table, columns: tuple[str, ...]) -> bool:
    return table_keys(table).index(columns) < _narrow[table.name]


def _key_versions(
    table: Table, columns: tuple[str, ...], by_column: dict[str, list[Any]]
) -> tuple[str, frozenset[str]] | None:
    versions = frozenset(_combinations(table.name, columns, by_column))
    return (table.name, versions) if len(versions) <= MAX_KEYS + 1 else None


def _equality(term: Any, parameters: Any) -> tuple[Column[Any], list[Any]] | None:
    """(column, values) of `column = value` or `column IN (values)`, else None."""
    if not isinstance(term, BinaryExpression) or term.operator not in (operator.eq, in_op):
        return None
    column, bound = term.left, term.right
    if isinstance(column, BindParameter) and term.operator is operator.eq:
        column, bound = bound, column
    if not isinstance(column, Column) or not isinstance(column.table, Table):
        return None
    if not isinstance(bound, BindParameter):
        return None
    value = bound.effective_value
    if parameters and bound.key in parameters:
        value = parameters[bound.key]
    if value is None:
        return None
    if term.operator is operator.eq:
        return column, [value]
    if isinstance(value, list | tuple) and 0 < len(value) <= MAX_KEYS:
        return column, list(value)
    return None


def _combinations(
    table: str, columns: tuple[str, ...], values: dict[str, list[Any]]
) -> Iterator[str]:
    yield every_row(table)
    combos: list[list[Any]] = [[]]
    for name in columns:
        combos = [[*combo, value] for combo in combos for value in values[name]]
    for combo in combos:
        yield key_version(table, columns, combo)
