"""The six standards tmse ships with: names, Markdown bodies and rules, as msgids shown in the
reader's language while they are the shipped English (an organisation's edits as written)."""

from __future__ import annotations

from tmse.core.messages import N_, Message
from tmse.standards.registry.shipped_engineering import API_DESIGN, CODING_STYLE, LOG_FORMAT
from tmse.standards.registry.shipped_governance import OWNERSHIP, QUALITY, SECURITY_POLICY
from tmse.standards.registry.shipped_rules import Builtin

__all__ = ["BUILTIN_CHANGE_NOTE", "BUILTIN_STANDARDS", "SHIPPED_TEXTS", "Builtin", "shipped"]

BUILTIN_STANDARDS: tuple[Builtin, ...] = (
    CODING_STYLE,
    API_DESIGN,
    LOG_FORMAT,
    SECURITY_POLICY,
    QUALITY,
    OWNERSHIP,
)
# Version 1's change note, as seeded; shown in the reader's language like the shipped texts.
BUILTIN_CHANGE_NOTE = N_("Built-in standard shipped with tmse.")

SHIPPED_TEXTS = frozenset(
    text
    for builtin in BUILTIN_STANDARDS
    for text in (
        builtin.name,
        builtin.body,
        *(r[f] for r in builtin.rules for f in ("title", "fix_hint")),
    )
) | {BUILTIN_CHANGE_NOTE}


def shipped(text: str) -> Message:
    """A standard's name, rule title or fix hint to show: translated while it is the text tmse
    shipped, as written once an organisation changed it."""
    if text in SHIPPED_TEXTS:
        return Message(text)
    return Message("{text}", {"text": text})  # not a msgid: renders the text itself
