"""The table versions a session reads, for keeping what is computed from its reads."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from tmse.core.table_versions import keyed  # noqa: F401 - row-level versions, on every engine
from tmse.core.table_versions.tracking import current_versions

_WROTE = "tmse_uncommitted_writes"
# Every table's version on an engine, read when a request began, before any of its data.
_AT_START: ContextVar[tuple[Engine, dict[str, int]] | None] = ContextVar(
    "tmse_versions_at_start", default=None
)


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context: Any) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # committed or rolled back: nothing of its own is pending
        session.info.pop(_WROTE, None)


def session_versions(session: Session) -> dict[str, int] | None:
    """Every table's version as this session reads it; None while it holds uncommitted writes of
    its own (what it reads then is a state nobody else sees)."""
    # Read it before the data: a write in between moves a version on, so what is computed then
    # is never used.
    if session.info.get(_WROTE):
        return None
    # Read once a request: those of its start were read before any of its data, which is all
    # that keeping a value at them asks (a write since only costs a recomputation).
    known = _AT_START.get()
    if known is not None and known[0] is session.get_bind():
        return known[1]
    return current_versions(session.connection())


@contextmanager
def versions_at_start(engine: Engine, versions: dict[str, int]) -> Iterator[None]:
    """Within: sessions on `engine` without writes of their own read `versions`, read just now."""
    token = _AT_START.set((engine, versions))
    try:
        yield
    finally:
        _AT_START.reset(token)
