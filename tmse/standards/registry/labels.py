"""English msgids for the registry's stored codes, and the shipped standards' texts; pages
translate them."""

from __future__ import annotations

from tmse.standards.registry.shipped_standards import shipped
from tmse.web.labels import N_

__all__ = ["CATEGORY_LABELS", "LEVEL_LABELS", "SEVERITY_LABELS", "shipped"]

CATEGORY_LABELS = {
    "coding-style": N_("Coding style"),
    "interface-naming": N_("Interface naming"),
    "log-format": N_("Log format"),
    "security-policy": N_("Security policy"),
    "quality": N_("Quality"),
    "ownership": N_("Ownership"),
    "custom": N_("Custom"),
}
LEVEL_LABELS = {"bronze": N_("Bronze"), "silver": N_("Silver"), "gold": N_("Gold")}
SEVERITY_LABELS = {"error": N_("Error"), "warning": N_("Warning"), "info": N_("Info")}
