"""Translatable names of requirement statuses, MoSCoW priorities and workflow actions."""

from __future__ import annotations

from tmse.core.messages import NP_, Message

# Each carries a Babel context: "Pending" or "Approved" of a requirement reads differently in
# Chinese from the same word on a decision or a change request.

STATUS_LABELS: dict[str, Message] = {
    "pending": NP_("requirement status", "Pending"),
    "accepted": NP_("requirement status", "Accepted"),
    "rejected": NP_("requirement status", "Rejected"),
    "snoozed": NP_("requirement status", "Snoozed"),
    "duplicate": NP_("requirement status", "Duplicate"),
    "in-review": NP_("requirement status", "In review"),
    "approved": NP_("requirement status", "Approved"),
    "in-progress": NP_("requirement status", "In progress"),
    "done": NP_("requirement status", "Done"),
}
MOSCOW_LABELS: dict[str, Message] = {
    "must": NP_("MoSCoW", "Must have"),
    "should": NP_("MoSCoW", "Should have"),
    "could": NP_("MoSCoW", "Could have"),
    "wont": NP_("MoSCoW", "Won't have"),
}
ACTION_LABELS: dict[str, Message] = {
    "accept": NP_("requirement action", "Accept"),
    "reject": NP_("requirement action", "Reject"),
    "snooze": NP_("requirement action", "Snooze"),
    "unsnooze": NP_("requirement action", "Wake up"),
    "mark-duplicate": NP_("requirement action", "Mark as duplicate"),
    "reopen": NP_("requirement action", "Reopen"),
    "request-review": NP_("requirement action", "Request review"),
    "approve": NP_("requirement action", "Approve"),
    "request-changes": NP_("requirement action", "Request changes"),
    "withdraw-review": NP_("requirement action", "Withdraw review"),
    "start": NP_("requirement action", "Start work"),
    "complete": NP_("requirement action", "Complete"),
}


def action_label(action: str) -> Message:
    """The action's label; an unknown action shows as itself."""
    return ACTION_LABELS.get(action, Message(action))
