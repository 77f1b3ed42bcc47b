"""English msgids of the Kano categories, answers and response channels; pages translate them
when they render."""

from __future__ import annotations

from tmse.core.messages import N_

CATEGORY_LABELS = {
    "A": N_("Attractive"),
    "O": N_("One-dimensional"),
    "M": N_("Must-be"),
    "I": N_("Indifferent"),
    "R": N_("Reverse"),
    "Q": N_("Questionable"),
}

# The answer choices, in the order the questionnaire offers them.
ANSWER_LABELS = {
    "like": N_("I like it"),
    "expect": N_("I expect it"),
    "neutral": N_("I am neutral"),
    "tolerate": N_("I can live with it"),
    "dislike": N_("I dislike it"),
}

# How a response came in, as the survey page lists it.
CHANNEL_LABELS = {
    "api": N_("API"),
    "web": N_("Answer form"),
    "csv": N_("CSV import"),
}

# Colours of the categories on badges and in the chart (Tabler's palette).
_COLOURS = {
    "A": ("bg-green-lt", "#2fb344"),
    "O": ("bg-blue-lt", "#206bc4"),
    "M": ("bg-red-lt", "#d63939"),
    "I": ("bg-secondary-lt", "#868e96"),
    "R": ("bg-orange-lt", "#f76707"),
    "Q": ("bg-yellow-lt", "#f59f00"),
}


def category_colours() -> dict[str, str]:
    return {category: badge for category, (badge, _) in _COLOURS.items()}


def chart_colour(category: str | None) -> str:
    return _COLOURS.get(category or "I", _COLOURS["I"])[1]
