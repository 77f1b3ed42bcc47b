"""Daily schedules at a fixed UTC time of day: when was a job last due."""

from __future__ import annotations

import datetime as dt


def parse_time_of_day(at: str) -> dt.time:
    """Parse `HH:MM` or `HH:MM:SS` (24-hour, UTC); anything else raises ValueError."""
    parts = at.strip().split(":")
    if len(parts) not in (2, 3) or not all(len(p) == 2 and p.isdigit() for p in parts):
        raise ValueError(f"time of day must be HH:MM or HH:MM:SS, got {at!r}")
    hour, minute, second = (int(p) for p in [*parts, "00"][:3])
    return dt.time(hour, minute, second)  # raises ValueError for 24:00, 12:60, ...


def last_due(now: dt.datetime, at: str) -> dt.datetime:
    """The most recent time ≤ now at which a job scheduled daily at `at` (UTC) was due."""
    if now.tzinfo is None:
        raise ValueError("naive datetime given; schedules work in timezone-aware UTC")
    now = now.astimezone(dt.UTC)
    time_of_day = parse_time_of_day(at)
    due = dt.datetime.combine(now.date(), time_of_day, tzinfo=dt.UTC)
    return due if due <= now else due - dt.timedelta(days=1)
