"""The translatable names of strategy statuses (with a message context: "Draft" and "Cancelled"
mean other things elsewhere); requirement statuses are the requirements module's own labels."""

from __future__ import annotations

from typing import Any

from tmse.core.messages import NP_, Message
from tmse.requirements.labels import STATUS_LABELS as REQUIREMENT_STATUS_LABELS

STATUS_LABELS: dict[str, Message] = {
    "draft": NP_("strategy status", "Draft"),
    "active": NP_("strategy status", "Ongoing"),
    "achieved": NP_("strategy status", "Achieved"),
    "missed": NP_("strategy status", "Missed"),
    "cancelled": NP_("strategy status", "Cancelled"),
}
STATUS_COLOURS = {
    "draft": "bg-secondary-lt",
    "active": "bg-blue-lt",
    "achieved": "bg-green-lt",
    "missed": "bg-red-lt",
    "cancelled": "bg-secondary-lt",
}
# ECharts colours per requirement status, in the order of the workflow.
REQUIREMENT_STATUS_COLOURS = {
    "pending": "#adb5bd",
    "accepted": "#4299e1",
    "snoozed": "#ced4da",
    "in-review": "#ae3ec9",
    "approved": "#2fb344",
    "in-progress": "#f59f00",
    "done": "#0ca678",
    "rejected": "#d63939",
    "duplicate": "#868e96",
}


def labels() -> dict[str, dict[str, Any]]:
    """Every label table, for the templates."""
    return {
        "status": STATUS_LABELS,
        "status_colour": STATUS_COLOURS,
        "requirement_status": REQUIREMENT_STATUS_LABELS,
        "requirement_colour": REQUIREMENT_STATUS_COLOURS,
    }
