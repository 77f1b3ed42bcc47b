"""Velocity by hand: planned vs scope added, completion inside the iteration, the average of the
last three finished iterations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tmse.delivery.velocity import (
    ItemFacts,
    IterationFacts,
    average,
    is_scope_added,
    iteration_velocity,
    summarise,
)

UTC = dt.UTC
TODAY = dt.date(2026, 3, 31)


def at(day: str, hour: int = 12) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def item(rid, effort, added, done=False, completed=None):  # type: ignore[no-untyped-def]
    return ItemFacts(rid, effort, at(added), done, at(completed) if completed else None)


@pytest.mark.parametrize(
    ("added", "start", "expected"),
    [
        (at("2026-03-01", 23), dt.date(2026, 3, 1), False),  # the start day is planning day
        (at("2026-02-27"), dt.date(2026, 3, 1), False),
        (at("2026-03-02", 0), dt.date(2026, 3, 1), True),
        # 2026-03-02 01:00 in Shanghai is 2026-03-01 17:00 UTC: still the start day.
        (
            dt.datetime(2026, 3, 2, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))),
            dt.date(2026, 3, 1),
            False,
        ),
    ],
)
def test_scope_added_is_judged_by_the_utc_day(added, start, expected):
    assert is_scope_added(added, start) is expected


def test_one_iteration_by_hand():
    sprint = IterationFacts(
        1,
        "Sprint 1",
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 13),
        [
            item(1, Decimal("3"), "2026-03-01", done=True, completed="2026-03-05"),
            item(2, Decimal("2.5"), "2026-03-02", done=True, completed="2026-03-13"),
            item(3, 5, "2026-03-02"),  # planned, not done
            item(4, Decimal("1.5"), "2026-03-06", done=True, completed="2026-03-10"),  # added
            item(5, None, "2026-03-09"),  # added, no estimate
            item(6, 4, "2026-03-01", done=True, completed="2026-03-16"),  # done after the end
        ],
    )
    v = iteration_velocity(sprint, TODAY)
    assert (v.planned_count, v.planned_effort) == (4, 14.5)  # 3 + 2.5 + 5 + 4
    assert (v.added_count, v.added_effort) == (2, 1.5)
    assert (v.completed_count, v.completed_effort) == (3, 7.0)  # 3 + 2.5 + 1.5
    assert v.completed_planned_count == 2
    assert v.finished is True


def test_done_without_a_completion_date_does_not_count():
    sprint = IterationFacts(
        1, "S", dt.date(2026, 3, 2), dt.date(2026, 3, 13), [item(1, 3, "2026-03-01", done=True)]
    )
    assert iteration_velocity(sprint, TODAY).completed_count == 0


def test_an_iteration_ending_today_is_not_finished():
    sprint = IterationFacts(1, "S", dt.date(2026, 3, 18), TODAY, [])
    assert iteration_velocity(sprint, TODAY).finished is False


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], None),
        ([4.0], 4.0),
        ([4.0, 6.0], 5.0),
        ([10.0, 4.0, 6.0, 8.0], 6.0),  # (4 + 6 + 8) / 3: the first is outside the window
        ([1.0, 2.0, 2.0], 1.67),
    ],
)
def test_average_of_the_last_three(values, expected):
    assert average(values) == expected


def test_summary_orders_by_start_and_averages_only_finished_iterations():
    def sprint(number: int, start: str, end: str, effort: float) -> IterationFacts:
        done = [item(number, effort, start, done=True, completed=start)] if effort else []
        return IterationFacts(
            number, f"S{number}", dt.date.fromisoformat(start), dt.date.fromisoformat(end), done
        )

    summary = summarise(
        [
            sprint(4, "2026-03-23", "2026-04-03", 9),  # running: left out of the average
            sprint(1, "2026-02-02", "2026-02-13", 2),
            sprint(3, "2026-03-09", "2026-03-20", 8),
            sprint(2, "2026-02-16", "2026-02-27", 5),
            sprint(0, "2026-01-19", "2026-01-30", 0),
        ],
        TODAY,
    )
    assert [r.name for r in summary.iterations] == ["S0", "S1", "S2", "S3", "S4"]
    assert [r.completed_effort for r in summary.iterations] == [0, 2, 5, 8, 9]
    assert summary.average_effort == 5.0  # (2 + 5 + 8) / 3
    assert summary.average_count == 1.0
    assert summary.window == 3
