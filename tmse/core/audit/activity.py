"""Audit activity over time: entries per UTC day, counted in SQL on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Date, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from tmse.core.audit import AuditEntry
from tmse.core.db import utcnow

# Entries that record an access (a sign-in) rather than a change to data.
ACCESS_ACTIONS = ("login", "login_failed")


class utc_day(FunctionElement[dt.date]):  # noqa: N801 - reads as the SQL function it renders
    """The UTC calendar day of a timestamp column."""

    type = Date()
    inherit_cache = True


@compiles(utc_day)
def _utc_day_default(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps UTC text ("2025-01-31 23:59:59.000000"); date() takes its day.
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(utc_day, "postgresql")
def _utc_day_postgresql(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    # timestamptz::date would use the session's time zone; name UTC explicitly.
    return f"(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'UTC')::date"


def writes_per_day(
    session: Session,
    days: int = 30,
    now: dt.datetime | None = None,
    exclude_actions: Iterable[str] = ACCESS_ACTIONS,
) -> list[tuple[dt.date, int]]:
    """(day, entries) for each of the last `days` UTC days up to today, zero days included."""
    today = (now or utcnow()).astimezone(dt.UTC).date()
    first = today - dt.timedelta(days=days - 1)
    since = dt.datetime.combine(first, dt.time.min, tzinfo=dt.UTC)
    day = utc_day(AuditEntry.at)
    stmt = select(day, func.count()).where(AuditEntry.at >= since).group_by(day)
    excluded = list(exclude_actions)
    if excluded:
        stmt = stmt.where(AuditEntry.action.not_in(excluded))
    counts: dict[dt.date, int] = {}
    for value, count in session.execute(stmt):
        key = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        counts[key] = counts.get(key, 0) + int(count)
    return [
        (first + dt.timedelta(days=i), counts.get(first + dt.timedelta(days=i), 0))
        for i in range(days)
    ]


def recorded_actions(session: Session) -> list[str]:
    """The distinct actions in the log, for the audit page's filter."""
    return list(session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
