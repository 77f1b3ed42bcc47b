"""English labels of review statuses, kinds, opinions, severities and layers, marked for the
catalogs; pages translate them where they are shown."""

from __future__ import annotations

from tmse.web.labels import N_

STATUS_LABELS = {
    "requested": N_("Requested"),
    "in-review": N_("In review"),
    "approved": N_("Approved"),
    "approved-with-conditions": N_("Approved with conditions"),
    "rejected": N_("Rejected"),
    "withdrawn": N_("Withdrawn"),
}
STATUS_COLOURS = {
    "requested": "bg-blue-lt",
    "in-review": "bg-azure-lt",
    "approved": "bg-green-lt",
    "approved-with-conditions": "bg-lime-lt",
    "rejected": "bg-red-lt",
    "withdrawn": "bg-secondary-lt",
}
KIND_LABELS = {
    "new-service": N_("New service"),
    "significant-change": N_("Significant change"),
}
OPINION_LABELS = {
    "approve": N_("Approve"),
    "approve-with-conditions": N_("Approve with conditions"),
    "reject": N_("Reject"),
}
SEVERITY_LABELS = {"error": N_("Error"), "warning": N_("Warning"), "info": N_("Info")}
SOURCE_LABELS = {"layering": N_("Layering"), "catalog": N_("Catalog")}
LAYER_LABELS = {
    "frontend": N_("Frontend"),
    "gateway": N_("Gateway"),
    "business": N_("Business"),
    "data": N_("Data"),
    "infrastructure": N_("Infrastructure"),
}
TARGET_KIND_LABELS = {"service": N_("Service"), "api": N_("API"), "data-store": N_("Data store")}
MINE_LABELS = {"requested": N_("Requested by me"), "assigned": N_("Assigned to me")}


def labels() -> dict[str, dict[str, str]]:
    """Every label table, for the templates."""
    return {
        "status": STATUS_LABELS,
        "status_colour": STATUS_COLOURS,
        "kind": KIND_LABELS,
        "opinion": OPINION_LABELS,
        "severity": SEVERITY_LABELS,
        "source": SOURCE_LABELS,
        "layer": LAYER_LABELS,
        "target_kind": TARGET_KIND_LABELS,
        "mine": MINE_LABELS,
    }
