"""The translatable badges of notification kinds."""

from __future__ import annotations

from tmse.core.messages import NP_, Message

KIND_LABELS: dict[str, Message] = {
    "review-requested": NP_("notification kind", "Review requested"),
    "approvals-reset": NP_("notification kind", "Approvals reset"),
    "requirement-approved": NP_("notification kind", "Approved"),
    "changes-requested": NP_("notification kind", "Changes requested"),
    "review-withdrawn": NP_("notification kind", "Review withdrawn"),
    "change-request-submitted": NP_("notification kind", "Change request submitted"),
    "change-request-decided": NP_("notification kind", "Change request decided"),
}
# A kind sent by a module newer than this table still gets a readable badge, never a slug.
OTHER_KIND = NP_("notification kind", "Notification")


def kind_label(kind: str) -> Message:
    return KIND_LABELS.get(kind, OTHER_KIND)
