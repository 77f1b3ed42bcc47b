"""Translatable names of roles, unit kinds, link states and audit actions."""

from __future__ import annotations

from tmse.core.messages import N_, NP_, Message

__all__ = ["ACTION_LABELS", "N_", "action_label", "kind_label", "link_state_label", "role_label"]

ROLE_LABELS = {
    "admin": N_("Administrator"),
    "committee": N_("Technical committee"),
    "architect": N_("Architect"),
    "product_manager": N_("Product manager"),
    "tech_lead": N_("Tech lead"),
    "engineer": N_("Engineer"),
    "sre": N_("SRE"),
    "viewer": N_("Viewer"),
}

KIND_LABELS = {
    "company": N_("Company"),
    "department": N_("Department"),
    "team": N_("Team"),
}

LINK_STATE_LABELS = {
    "valid": N_("Valid"),
    "suspect": N_("Suspect"),
    "invalid": N_("Invalid"),
}

# Every action an audit entry is written with (tests/web/test_audit_page.py finds them in the
# code), past tense; the context keeps "Approved" here apart from the status of that name.
ACTION_LABELS: dict[str, Message] = {
    "create": NP_("audit action", "Created"),
    "update": NP_("audit action", "Updated"),
    "delete": NP_("audit action", "Deleted"),
    "edit": NP_("audit action", "Edited"),
    "import": NP_("audit action", "Imported"),
    "revoke": NP_("audit action", "Revoked"),
    "clear": NP_("audit action", "Cleared"),
    "login": NP_("audit action", "Signed in"),
    "login_failed": NP_("audit action", "Sign-in failed"),
    "read": NP_("audit action", "Marked read"),
    "read-all": NP_("audit action", "Marked all read"),
    "submit": NP_("audit action", "Submitted"),
    "withdraw": NP_("audit action", "Withdrawn"),
    "decide": NP_("audit action", "Decided"),
    "apply": NP_("audit action", "Applied"),
    "sign": NP_("audit action", "Signed"),
    "discard": NP_("audit action", "Discarded"),
    "publish": NP_("audit action", "Published"),
    "retire": NP_("audit action", "Retired"),
    "report": NP_("audit action", "Reported"),
    "snapshot": NP_("audit action", "Snapshot taken"),
    "comment": NP_("audit action", "Commented"),
    "opinion": NP_("audit action", "Opinion given"),
    "refresh": NP_("audit action", "Refreshed"),
    "condition": NP_("audit action", "Condition ticked"),
    "add-item": NP_("audit action", "Item added"),
    "remove-item": NP_("audit action", "Item removed"),
    "reset-approvals": NP_("audit action", "Approvals reset"),
    # Requirement transitions (tmse.requirements.workflow.Action).
    "accept": NP_("audit action", "Accepted"),
    "reject": NP_("audit action", "Rejected"),
    "snooze": NP_("audit action", "Snoozed"),
    "unsnooze": NP_("audit action", "Woken up"),
    "mark-duplicate": NP_("audit action", "Marked as duplicate"),
    "reopen": NP_("audit action", "Reopened"),
    "request-review": NP_("audit action", "Review requested"),
    "approve": NP_("audit action", "Approved"),
    "request-changes": NP_("audit action", "Changes requested"),
    "withdraw-review": NP_("audit action", "Review withdrawn"),
    "start": NP_("audit action", "Started"),
    "complete": NP_("audit action", "Completed"),
    # DevOps: deliveries recorded from outside tools, hook sources, gates, canary stages.
    "record": NP_("audit action", "Recorded"),
    "receive": NP_("audit action", "Delivery received"),
    "rotate": NP_("audit action", "Secret rotated"),
    "configure": NP_("audit action", "Configured"),
    "judge_stage": NP_("audit action", "Canary stage judged"),
    "record-delivery-history": NP_("audit action", "Delivery history recorded"),
}


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def link_state_label(state: str) -> str:
    return LINK_STATE_LABELS.get(state, state)


def action_label(action: str) -> Message:
    """The action's label; an action no label knows (a newer module's) shows as its code."""
    return ACTION_LABELS.get(action) or Message(action)
