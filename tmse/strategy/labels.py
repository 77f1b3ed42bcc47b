"""English labels of strategy and requirement statuses, marked for the catalogs; pages translate
them where they are shown."""

from __future__ import annotations

from tmse.web.labels import N_

STATUS_LABELS = {
    "draft": N_("Draft"),
    "active": N_("Ongoing"),
    "achieved": N_("Achieved"),
    "missed": N_("Missed"),
    "cancelled": N_("Cancelled"),
}
STATUS_COLOURS = {
    "draft": "bg-secondary-lt",
    "active": "bg-blue-lt",
    "achieved": "bg-green-lt",
    "missed": "bg-red-lt",
    "cancelled": "bg-secondary-lt",
}
REQUIREMENT_STATUS_LABELS = {
    "pending": N_("Pending"),
    "accepted": N_("Accepted"),
    "rejected": N_("Rejected"),
    "snoozed": N_("Snoozed"),
    "duplicate": N_("Duplicate"),
    "in-review": N_("In review"),
    "approved": N_("Approved"),
    "in-progress": N_("In progress"),
    "done": N_("Done"),
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


def labels() -> dict[str, dict[str, str]]:
    """Every label table, for the templates."""
    return {
        "status": STATUS_LABELS,
        "status_colour": STATUS_COLOURS,
        "requirement_status": REQUIREMENT_STATUS_LABELS,
        "requirement_colour": REQUIREMENT_STATUS_COLOURS,
    }
