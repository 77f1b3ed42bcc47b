"""The translatable names of project statuses, modes, phase kinds and gate decisions, with a
message context where one English word means something else elsewhere ("Pending", "Closed")."""

from __future__ import annotations

from typing import Any

from tmse.core.messages import N_, NP_

STATUS_LABELS = {
    "planned": NP_("project status", "Planned"),
    "active": NP_("project status", "Under way"),
    "on-hold": NP_("project status", "On hold"),
    "closed": NP_("project status", "Closed"),
    "cancelled": NP_("project status", "Cancelled"),
}
STATUS_COLOURS = {
    "planned": "bg-blue-lt",
    "active": "bg-green-lt",
    "on-hold": "bg-yellow-lt",
    "closed": "bg-secondary-lt",
    "cancelled": "bg-red-lt",
}
MODE_LABELS = {
    "iterative": N_("Iterative"),
    "gated": N_("Stage-gated"),
    "hybrid": N_("Hybrid"),
    "none": N_("No phases yet"),
}
MODE_COLOURS = {
    "iterative": "bg-azure-lt",
    "gated": "bg-orange-lt",
    "hybrid": "bg-purple-lt",
    "none": "bg-secondary-lt",
}
KIND_LABELS = {"iterative": N_("Iterative"), "gated": N_("Stage-gated")}
GATE_LABELS = {
    "pending": NP_("gate status", "Pending"),
    "go": NP_("gate status", "Go"),
    "kill": NP_("gate status", "Kill"),
    "hold": NP_("gate status", "Hold"),
    "recycle": NP_("gate status", "Recycle"),
}
GATE_COLOURS = {
    "pending": "bg-secondary-lt",
    "go": "bg-green-lt",
    "kill": "bg-red-lt",
    "hold": "bg-yellow-lt",
    "recycle": "bg-azure-lt",
}
GATE_HINTS = {
    "go": N_("Go: the project passes the gate into the next phase."),
    "kill": N_("Kill: the project stops here."),
    "hold": N_("Hold: wait; decide again later."),
    "recycle": N_("Recycle: repeat the phase, then decide again."),
}

# Statuses named inside details; the English words stay the stored slugs the API showed.
BASELINE_STATES = {
    "draft": NP_("baseline state", "draft"),
    "approved": NP_("baseline state", "approved"),
    "discarded": NP_("baseline state", "discarded"),
}
QUALITY_GATE_STATES = {
    "passed": NP_("quality gate state", "passed"),
    "failed": NP_("quality gate state", "failed"),
    "no-data": NP_("quality gate state", "had no data"),
}
REVIEW_STATES = {
    "requested": NP_("review state", "requested"),
    "in-review": NP_("review state", "in-review"),
    "approved": NP_("review state", "approved"),
    "approved-with-conditions": NP_("review state", "approved-with-conditions"),
    "rejected": NP_("review state", "rejected"),
    "withdrawn": NP_("review state", "withdrawn"),
}


def labels() -> dict[str, Any]:
    return {
        "status": STATUS_LABELS,
        "status_colour": STATUS_COLOURS,
        "mode": MODE_LABELS,
        "mode_colour": MODE_COLOURS,
        "kind": KIND_LABELS,
        "gate": GATE_LABELS,
        "gate_colour": GATE_COLOURS,
        "gate_hint": GATE_HINTS,
        "baseline_state": BASELINE_STATES,
    }
