import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tmse.jobs.schedule import last_due, parse_time_of_day

UTC = dt.UTC


def at(*args: int, tz: dt.tzinfo = UTC) -> dt.datetime:
    return dt.datetime(*args, tzinfo=tz)


@pytest.mark.parametrize(
    ("now", "time_of_day", "expected"),
    [
        (at(2024, 5, 10, 10, 0), "02:00", at(2024, 5, 10, 2, 0)),  # later the same day
        (at(2024, 5, 10, 1, 59, 59), "02:00", at(2024, 5, 9, 2, 0)),  # not yet: yesterday's
        (at(2024, 5, 10, 2, 0), "02:00", at(2024, 5, 10, 2, 0)),  # exactly due counts
        (at(2024, 1, 1, 0, 30), "23:00", at(2023, 12, 31, 23, 0)),  # across the year
        (at(2024, 3, 1, 1, 0), "02:00", at(2024, 2, 29, 2, 0)),  # leap day
        (at(2023, 3, 1, 1, 0), "02:00", at(2023, 2, 28, 2, 0)),  # no leap day
        (at(2024, 5, 10, 0, 0), "00:00", at(2024, 5, 10, 0, 0)),  # midnight
        (at(2024, 5, 10, 12, 0, 4), "12:00:05", at(2024, 5, 9, 12, 0, 5)),  # seconds matter
        # 03:00 in UTC+8 is 19:00 UTC the day before; the schedule is in UTC.
        (
            at(2024, 5, 10, 3, 0, tz=dt.timezone(dt.timedelta(hours=8))),
            "02:00",
            at(2024, 5, 9, 2, 0),
        ),
    ],
)
def test_last_due(now: dt.datetime, time_of_day: str, expected: dt.datetime) -> None:
    due = last_due(now, time_of_day)
    assert due == expected
    assert due.tzinfo == UTC


@pytest.mark.parametrize(
    "bad", ["24:00", "12:60", "2:00", "02-00", "02", "", "aa:bb", "02:00:00:00", "02:00:61"]
)
def test_rejects_malformed_times(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_time_of_day(bad)


def test_rejects_naive_now() -> None:
    with pytest.raises(ValueError):
        last_due(dt.datetime(2024, 5, 10, 10, 0), "02:00")


@given(
    now=st.datetimes(
        min_value=dt.datetime(2000, 1, 2), max_value=dt.datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
)
def test_last_due_is_the_latest_slot_not_after_now(
    now: dt.datetime, hour: int, minute: int
) -> None:
    due = last_due(now, f"{hour:02d}:{minute:02d}")
    assert (due.hour, due.minute, due.second, due.microsecond) == (hour, minute, 0, 0)
    assert due <= now < due + dt.timedelta(days=1)
