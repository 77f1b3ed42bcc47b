"""Joint review's generated reasons as messages, so a reader sees them in their own language."""

from __future__ import annotations

from tmse.core.messages import Message, message

CONTENT_CHANGED = "content changed"


def void_reason_message(reason: str) -> Message:
    """Why approvals were voided, as stored ("content changed: title", "changes-requested: <note>"):
    the words tmse wrote are translated, a person's note is kept as written."""
    kind, _, rest = reason.partition(": ")
    if kind == CONTENT_CHANGED:
        return message("content changed: {fields}", fields=rest)
    if kind == "changes-requested":
        return (
            message("changes requested: {note}", note=rest)
            if rest
            else message("changes requested")
        )
    if kind == "review-withdrawn":
        return (
            message("review withdrawn: {note}", note=rest) if rest else message("review withdrawn")
        )
    return message("{note}", note=reason)
