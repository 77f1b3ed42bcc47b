"""The translatable names of change request statuses, board seats, decisions, the fields a change
request may propose and the kinds an impact reaches; pages render them in the reader's language."""

from __future__ import annotations

from typing import Any

from tmse.core.messages import N_, NP_, Message

# "Approved" and "Rejected" are both a request's status and one seat's decision: two contexts.
STATUS_LABELS: dict[str, Message] = {
    "draft": NP_("change request status", "Draft"),
    "submitted": NP_("change request status", "Submitted"),
    "approved": NP_("change request status", "Approved"),
    "applied": NP_("change request status", "Applied"),
    "rejected": NP_("change request status", "Rejected"),
    "withdrawn": NP_("change request status", "Withdrawn"),
}
STATUS_COLOURS = {
    "draft": "bg-secondary-lt",
    "submitted": "bg-blue-lt",
    "approved": "bg-lime-lt",
    "applied": "bg-green-lt",
    "rejected": "bg-red-lt",
    "withdrawn": "bg-secondary-lt",
}
# Chart colours per status (ECharts needs plain colours, not Tabler classes).
STATUS_CHART_COLOURS = {
    "draft": "#9aa0ac",
    "submitted": "#4263eb",
    "approved": "#74b816",
    "applied": "#2fb344",
    "rejected": "#d63939",
    "withdrawn": "#cfd4da",
}
SEAT_LABELS = {"committee": N_("Technical committee"), "product_manager": N_("Product manager")}
DECISION_LABELS: dict[str, Message] = {
    "approve": NP_("board decision", "Approved"),
    "reject": NP_("board decision", "Rejected"),
}
FIELD_LABELS = {
    "title": N_("Title"),
    "description": N_("Description"),
    "acceptance_criteria": N_("Acceptance criteria"),
    "type": N_("Type"),
    "moscow": N_("MoSCoW"),
    "effort_days": N_("Effort (person-days)"),
    "rice_reach": N_("RICE reach"),
    "rice_impact": N_("RICE impact"),
    "rice_confidence": N_("RICE confidence (%)"),
    "rice_effort": N_("RICE effort (person-months)"),
    "wsjf_value": N_("WSJF business value"),
    "wsjf_time_criticality": N_("WSJF time criticality"),
    "wsjf_risk_reduction": N_("WSJF risk reduction"),
    "wsjf_job_size": N_("WSJF job size"),
    "project_id": N_("Project"),
    "release_id": N_("Release"),
    "milestone_id": N_("Milestone"),
    "custom": N_("Custom fields"),
}
KIND_LABELS = {
    "requirement": N_("Requirements"),
    "service": N_("Services"),
    "api": N_("APIs"),
    "data-store": N_("Data stores"),
    "project": N_("Projects"),
    "release": N_("Releases"),
    "milestone": N_("Milestones"),
}


def labels() -> dict[str, Any]:
    """Every label table of the change pages, as the templates read them."""
    return {
        "status": STATUS_LABELS,
        "status_colour": STATUS_COLOURS,
        "seat": SEAT_LABELS,
        "decision": DECISION_LABELS,
        "field": FIELD_LABELS,
        "kind": KIND_LABELS,
    }
