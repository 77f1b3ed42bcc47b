"""Translatable names of requirement statuses, MoSCoW priorities and workflow actions."""

from __future__ import annotations

from typing import Any

from tmse.core.messages import NP_, Message, render

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
CAPACITY_LABELS: dict[str, Message] = {
    "product": NP_("review capacity", "Product"),
    "technical": NP_("review capacity", "Technical"),
}


def action_label(action: str) -> Message:
    """The action's label; an unknown action shows as itself."""
    return ACTION_LABELS.get(action, Message(action))


# Audit entries of a requirement whose values are one of these slugs, by the field holding them.
_VALUE_LABELS: dict[str, dict[str, Message]] = {
    "status": STATUS_LABELS,
    "moscow": MOSCOW_LABELS,
    "action": ACTION_LABELS,
    "capacity": CAPACITY_LABELS,
}


def _readable(field: str, value: Any, locale: str) -> Any:
    labels = _VALUE_LABELS.get(field, {})
    return render(labels[value], locale) if isinstance(value, str) and value in labels else value


def readable_changes(changes: dict[str, Any] | None, locale: str) -> dict[str, Any]:
    """An audit entry's changes with status, MoSCoW and action slugs as the reader's words."""
    shown: dict[str, Any] = {}
    for field, change in (changes or {}).items():
        if isinstance(change, dict) and set(change) == {"before", "after"}:
            shown[field] = {k: _readable(field, v, locale) for k, v in change.items()}
        else:
            shown[field] = _readable(field, change, locale)
    return shown
