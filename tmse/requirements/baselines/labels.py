"""The translatable names on the baseline pages: baseline statuses, requirement fields, trace
link states; pages render them in the reader's language."""

from __future__ import annotations

from typing import Any

from tmse.core.messages import N_, NP_, Message
from tmse.web.labels import LINK_STATE_LABELS

STATUS_LABELS: dict[str, Message] = {
    "draft": NP_("baseline status", "Awaiting signature"),
    "approved": NP_("baseline status", "Signed"),
    "discarded": NP_("baseline status", "Discarded"),
}
STATUS_COLOURS = {
    "draft": "bg-yellow-lt",
    "approved": "bg-green-lt",
    "discarded": "bg-secondary-lt",
}
# The requirement columns shown by name on the diff page; others show their column name.
FIELD_LABELS = {
    "title": N_("Title"),
    "description": N_("Description"),
    "acceptance_criteria": N_("Acceptance criteria"),
    "type": N_("Type"),
    "status": N_("Status"),
    "status_reason": N_("Status reason"),
    "moscow": N_("MoSCoW"),
    "effort_days": N_("Effort (person-days)"),
    "project_id": N_("Project"),
    "release_id": N_("Release"),
    "milestone_id": N_("Milestone"),
    "product_manager_id": N_("Product manager"),
    "custom": N_("Custom fields"),
}
DIRECTION_ARROWS = {"out": "→", "in": "←"}


def labels() -> dict[str, Any]:
    """Every label table of the baseline pages, as the templates read them."""
    return {
        "status": STATUS_LABELS,
        "status_colour": STATUS_COLOURS,
        "field": FIELD_LABELS,
        "direction": DIRECTION_ARROWS,
        "link_state": LINK_STATE_LABELS,
    }
