"""The requirement workflow as docs/requirements-review.md writes it down, typed by hand: for each
action, the statuses it starts from, the status it leads to and the roles owning it."""

from __future__ import annotations

PM, ARCH, TL, ENG, ADMIN = "product_manager", "architect", "tech_lead", "engineer", "admin"

# action: (statuses it starts from, the status it leads to, the roles owning it)
EXPECTED = {
    "accept": ({"pending", "snoozed"}, "accepted", {PM, ADMIN}),
    "reject": ({"pending", "snoozed", "accepted"}, "rejected", {PM, ADMIN}),
    "snooze": ({"pending", "accepted"}, "snoozed", {PM, ADMIN}),
    "unsnooze": ({"snoozed"}, "pending", {PM, ADMIN}),
    "mark-duplicate": ({"pending", "snoozed", "accepted"}, "duplicate", {PM, ADMIN}),
    "reopen": ({"rejected", "duplicate"}, "pending", {PM, ADMIN}),
    "request-review": ({"accepted"}, "in-review", {PM, TL, ADMIN}),
    "approve": ({"in-review"}, "approved", {PM, ARCH, TL}),
    "request-changes": ({"in-review"}, "accepted", {PM, ARCH, TL}),
    "withdraw-review": ({"in-review"}, "accepted", {PM, TL, ADMIN}),
    "start": ({"approved"}, "in-progress", {TL, ENG, ADMIN}),
    "complete": ({"in-progress"}, "done", {TL, ENG, ADMIN}),
}
