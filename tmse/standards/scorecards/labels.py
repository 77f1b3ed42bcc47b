"""English labels of scorecard codes, marked for the catalogs, and the level colours."""

from __future__ import annotations

from collections.abc import Sequence

from tmse.core.messages import Message, render
from tmse.standards.scorecards.rollup import LevelDef
from tmse.web.labels import N_
from tmse.web.templating import environment

LEVEL_NONE = N_("No level")

SEVERITY_LABELS = {"error": N_("Error"), "warning": N_("Warning"), "info": N_("Info")}

STATUS_LABELS = {
    "done": N_("Done"),
    "on-track": N_("On track"),
    "at-risk": N_("At risk"),
    "overdue": N_("Overdue"),
}
STATUS_COLOURS = {
    "done": "bg-green-lt",
    "on-track": "bg-teal-lt",
    "at-risk": "bg-yellow-lt",
    "overdue": "bg-red-lt",
}
HEAT_MAP_ROW_LABELS = {"team": N_("Team"), "system": N_("System"), "layer": N_("Layer")}
# Used when a level has no colour of its own, lowest first.
FALLBACK_COLOURS = ("#b08d57", "#8a9ba8", "#d4a017", "#4299e1", "#ae3ec9", "#2fb344")


def level_palette(levels: Sequence[LevelDef]) -> dict[str, str]:
    """Level key → #rrggbb for badges and charts."""
    palette = {}
    for position, level in enumerate(sorted(levels, key=lambda lv: lv.rank)):
        colour = level.color if level.color.startswith("#") else ""
        palette[level.key] = colour or FALLBACK_COLOURS[position % len(FALLBACK_COLOURS)]
    return palette


LAYER_LABELS = {
    "frontend": N_("Frontend"),
    "gateway": N_("Gateway"),
    "business": N_("Business"),
    "data": N_("Data"),
    "infrastructure": N_("Infrastructure"),
}


def layer_label(layer: str) -> str:
    return LAYER_LABELS.get(layer, layer)


environment.filters["scorecard_layer_label"] = layer_label


# The names of the levels tmse starts with; msgids, so they read in the reader's language.
SHIPPED_LEVEL_NAMES = frozenset({N_("Bronze"), N_("Silver"), N_("Gold")})


def level_names(levels: Sequence[LevelDef], locale: str) -> dict[str, str]:
    """Level key → name in `locale`: the shipped names translated, names someone chose as
    written."""
    return {
        level.key: render(Message(level.name), locale)
        if level.name in SHIPPED_LEVEL_NAMES
        else level.name
        for level in levels
    }
