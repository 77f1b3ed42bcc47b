"""Velocity of iterations: planned scope, scope added after the start, completed effort and the
average over the last finished iterations. Pure: plain data in, plain results out."""

# Rules:
# - an item is *planned* when it was added on or before the iteration's start day (planning
#   happens on day one); added on a later day it is *scope added*;
# - an item is *completed* in an iteration when its requirement is done and was completed on or
#   before the iteration's last day; a requirement carried over and finished in the next
#   iteration counts only there;
# - velocity is the completed effort (person-days) and count; the average is taken over the last
#   `window` iterations that ended before today.

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

AVERAGE_WINDOW = 3


@dataclass(frozen=True)
class ItemFacts:
    requirement_id: int
    effort_days: float | Decimal | None
    added_at: dt.datetime
    done: bool
    completed_at: dt.datetime | None


@dataclass(frozen=True)
class IterationFacts:
    iteration_id: int
    name: str
    start_on: dt.date
    end_on: dt.date
    items: Sequence[ItemFacts]


@dataclass(frozen=True)
class IterationVelocity:
    iteration_id: int
    name: str
    start_on: dt.date
    end_on: dt.date
    planned_count: int
    planned_effort: float
    added_count: int
    added_effort: float
    completed_count: int
    completed_effort: float
    # Of the planned items, how many were completed (the plan's hit rate).
    completed_planned_count: int
    finished: bool


@dataclass(frozen=True)
class VelocitySummary:
    iterations: list[IterationVelocity]
    # Mean completed effort / count of the last `window` finished iterations; None if none.
    average_effort: float | None
    average_count: float | None
    window: int


def _effort(value: float | Decimal | None) -> float:
    return float(value) if value is not None else 0.0


def is_scope_added(added_at: dt.datetime, start_on: dt.date) -> bool:
    """Added on a day after the iteration started."""
    return added_at.astimezone(dt.UTC).date() > start_on


def is_completed_in(item: ItemFacts, end_on: dt.date) -> bool:
    return (
        item.done
        and item.completed_at is not None
        and item.completed_at.astimezone(dt.UTC).date() <= end_on
    )


def iteration_velocity(iteration: IterationFacts, today: dt.date) -> IterationVelocity:
    planned = [i for i in iteration.items if not is_scope_added(i.added_at, iteration.start_on)]
    added = [i for i in iteration.items if is_scope_added(i.added_at, iteration.start_on)]
    completed = [i for i in iteration.items if is_completed_in(i, iteration.end_on)]
    return IterationVelocity(
        iteration_id=iteration.iteration_id,
        name=iteration.name,
        start_on=iteration.start_on,
        end_on=iteration.end_on,
        planned_count=len(planned),
        planned_effort=round(sum(_effort(i.effort_days) for i in planned), 2),
        added_count=len(added),
        added_effort=round(sum(_effort(i.effort_days) for i in added), 2),
        completed_count=len(completed),
        completed_effort=round(sum(_effort(i.effort_days) for i in completed), 2),
        completed_planned_count=sum(1 for i in planned if is_completed_in(i, iteration.end_on)),
        finished=iteration.end_on < today,
    )


def average(values: Sequence[float], window: int = AVERAGE_WINDOW) -> float | None:
    """Mean of the last `window` values; None for no values."""
    last = list(values)[-window:] if window > 0 else []
    return round(sum(last) / len(last), 2) if last else None


def summarise(
    iterations: Sequence[IterationFacts], today: dt.date, window: int = AVERAGE_WINDOW
) -> VelocitySummary:
    """Velocity of each iteration (ordered by start) and the average of the last finished ones."""
    ordered = sorted(iterations, key=lambda i: (i.start_on, i.end_on, i.iteration_id))
    rows = [iteration_velocity(i, today) for i in ordered]
    finished = [r for r in rows if r.finished]
    return VelocitySummary(
        iterations=rows,
        average_effort=average([r.completed_effort for r in finished], window),
        average_count=average([float(r.completed_count) for r in finished], window),
        window=window,
    )
