"""The values a requirement's type, intake channel, status and MoSCoW priority take (pure)."""

from __future__ import annotations

from enum import StrEnum


class RequirementType(StrEnum):
    FEATURE = "feature"
    IMPROVEMENT = "improvement"
    BUG = "bug"
    TECHNICAL = "technical"
    NON_FUNCTIONAL = "non-functional"


class Channel(StrEnum):
    WEB = "web"
    API = "api"
    CSV = "csv"
    JIRA = "jira"


class RequirementStatus(StrEnum):
    # Triage
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    SNOOZED = "snoozed"
    DUPLICATE = "duplicate"
    # Joint review
    IN_REVIEW = "in-review"
    APPROVED = "approved"
    # Delivery
    IN_PROGRESS = "in-progress"
    DONE = "done"


class MoSCoW(StrEnum):
    MUST = "must"
    SHOULD = "should"
    COULD = "could"
    WONT = "wont"
