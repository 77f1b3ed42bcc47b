"""The translatable names of decision statuses; "Accepted" and "Deprecated" mean something else
elsewhere, so each carries the "decision status" context."""

from __future__ import annotations

from tmse.core.messages import NP_

STATUS_LABELS = {
    "proposed": NP_("decision status", "Proposed"),
    "accepted": NP_("decision status", "Accepted"),
    "rejected": NP_("decision status", "Rejected"),
    "deprecated": NP_("decision status", "Deprecated"),
    "superseded": NP_("decision status", "Superseded"),
}
