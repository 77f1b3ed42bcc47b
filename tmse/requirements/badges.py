"""Requirement status and MoSCoW badges, type and channel labels, numbers: template globals drawn
in Python, as the backlog draws several per row (the macros in `_review_macros.html` and
`_backlog_macros.html` are these functions)."""

from __future__ import annotations

from markupsafe import Markup, escape

from tmse.core.messages import Message
from tmse.requirements.labels import MOSCOW_LABELS, STATUS_LABELS
from tmse.web.labels import N_
from tmse.web.templating import environment, translated

_STATUS_COLOURS = {
    "pending": "bg-secondary-lt",
    "accepted": "bg-blue-lt",
    "rejected": "bg-red-lt",
    "snoozed": "bg-yellow-lt",
    "duplicate": "bg-purple-lt",
    "in-review": "bg-orange-lt",
    "approved": "bg-green-lt",
    "in-progress": "bg-cyan-lt",
    "done": "bg-teal-lt",
}
_MOSCOW_COLOURS = {
    "must": "bg-red-lt",
    "should": "bg-orange-lt",
    "could": "bg-blue-lt",
    "wont": "bg-secondary-lt",
}
_TYPES = {
    "feature": N_("Feature"),
    "improvement": N_("Improvement"),
    "bug": N_("Bug"),
    "technical": N_("Technical"),
    "non-functional": N_("Non-functional"),
}
_CHANNELS = {
    "web": N_("Web form"),
    "api": N_("API"),
    "csv": N_("CSV import"),
    "jira": N_("Jira import"),
}
_DASH = Markup('<span class="text-secondary">—</span>')


def _labelled(labels: dict[str, Message], value: object) -> Markup:
    known = labels.get(value) if isinstance(value, str) else None
    return translated(known.id, known.context) if known else escape(value)


# Markup is put together as the template did: each value through escape(), as `{{ value }}`.
def requirement_status(status: str) -> Markup:
    """The status as a coloured badge in the reader's language."""
    colour = escape(_STATUS_COLOURS.get(status, "bg-secondary-lt"))
    label = _labelled(STATUS_LABELS, status)
    return Markup(f'<span class="badge {colour}" data-status="{escape(status)}">{label}</span>')  # noqa: S704


def moscow_label(value: str | None) -> Markup:
    """The MoSCoW priority's name, "—" for none."""
    if isinstance(value, str) and value in MOSCOW_LABELS:
        return _labelled(MOSCOW_LABELS, value)
    return escape(value or "—")


def moscow_badge(value: str | None) -> Markup:
    """The MoSCoW priority as a coloured badge, a grey dash for none."""
    if not value:
        return _DASH
    colour = escape(_MOSCOW_COLOURS.get(value, "bg-secondary-lt"))
    label = moscow_label(value)
    return Markup(f'<span class="badge {colour}" data-moscow="{escape(value)}">{label}</span>')  # noqa: S704


def type_label(value: str) -> Markup:
    """The requirement type's name."""
    return translated(_TYPES[value]) if value in _TYPES else escape(value)


def channel_label(value: str) -> Markup:
    """The channel a requirement came in through."""
    return translated(_CHANNELS[value]) if value in _CHANNELS else escape(value)


def number(value: float | None) -> Markup:
    """A number without trailing zeros (`%g`), a grey dash for none."""
    return _DASH if value is None else escape(f"{float(value):g}")


# Under their own names; the macro files bind their macro names to them.
environment.globals.update(
    requirement_status_badge=requirement_status,
    requirement_moscow_label=moscow_label,
    requirement_moscow_badge=moscow_badge,
    requirement_type_label=type_label,
    requirement_channel_label=channel_label,
    requirement_number=number,
)
