"""Where a campaign stands: share of services at the target level against the time gone by."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum


class CampaignStatus(StrEnum):
    DONE = "done"
    ON_TRACK = "on-track"
    AT_RISK = "at-risk"
    OVERDUE = "overdue"


def share(done: int, total: int) -> float:
    """Percentage (one decimal) of `total` that is done; an empty scope is complete."""
    return round(100 * done / total, 1) if total else 100.0


def expected_share(started: dt.date, due: dt.date, today: dt.date) -> float:
    """The straight-line burn-up: how far along a campaign should be on `today`."""
    if today >= due:
        return 100.0
    span = (due - started).days
    if span <= 0:
        return 100.0
    return round(100 * max(0, (today - started).days) / span, 1)


def campaign_status(
    progress: float, started: dt.date, due: dt.date, today: dt.date
) -> CampaignStatus:
    """Done at 100 %; overdue once past the due date; otherwise on track while progress keeps
    up with the straight line from the start to 100 % on the due date, else at risk."""
    if progress >= 100.0:
        return CampaignStatus.DONE
    if today > due:
        return CampaignStatus.OVERDUE
    if progress >= expected_share(started, due, today):
        return CampaignStatus.ON_TRACK
    return CampaignStatus.AT_RISK


def days_left(due: dt.date, today: dt.date) -> int:
    """Days until the due date; negative once it has passed."""
    return (due - today).days
