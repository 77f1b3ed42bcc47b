"""English labels of roles, unit kinds, link states and audit actions, marked for the catalogs.

`N_` marks a msgid for extraction (babel keyword `N_`) without translating it; pages translate
the label when they render it, in the reader's language.
"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext_noop name
    """Mark `message` for the catalogs; translation happens where it is shown."""
    return message


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

ACTION_LABELS = {
    "create": N_("Created"),
    "update": N_("Updated"),
    "delete": N_("Deleted"),
    "revoke": N_("Revoked"),
    "clear": N_("Cleared"),
    "login": N_("Signed in"),
    "login_failed": N_("Sign-in failed"),
}


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def link_state_label(state: str) -> str:
    return LINK_STATE_LABELS.get(state, state)


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)
