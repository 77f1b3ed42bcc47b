"""Lifecycle and tier badges of services, drawn in Python: the catalog page shows one of each on
up to a hundred cards (`catalog/_macros.html` binds its macro names to them). Each value goes
through escape(), as `{{ value }}` does."""

from __future__ import annotations

from markupsafe import Markup, escape

from tmse.catalog.labels import LIFECYCLE_LABELS
from tmse.core.messages import Message
from tmse.web.templating import environment, render_message, translated

_LIFECYCLE_COLOURS = {
    "experimental": "bg-yellow-lt",
    "production": "bg-green-lt",
    "deprecated": "bg-red-lt",
}


def lifecycle_badge(lifecycle: str | None) -> Markup:
    """The lifecycle as a coloured badge in the reader's language."""
    colour = escape(_LIFECYCLE_COLOURS.get(lifecycle or "", "bg-secondary-lt"))
    label = LIFECYCLE_LABELS.get(str(lifecycle), str(lifecycle)) if lifecycle is not None else "—"
    # As `_(lifecycle | lifecycle_label)`: a message rendered as text, a msgid from the catalog.
    shown = escape(render_message(label)) if isinstance(label, Message) else translated(label)
    return Markup(  # noqa: S704 - every value is escaped
        f'<span class="badge {colour}" data-lifecycle="{escape(lifecycle)}">{shown}</span>'
    )


def tier_badge(tier: int | None) -> Markup:
    """The tier as a grey badge; nothing for none."""
    if tier is None:
        return Markup()
    title = translated("Tier 0 is the most critical")
    label = translated("Tier %(tier)s") % {"tier": tier}
    return Markup(  # noqa: S704 - every value is escaped
        f'<span class="badge bg-secondary-lt catalog-tier" data-tier="{escape(tier)}"'
        f' title="{title}">{label}</span>'
    )


environment.globals.update(catalog_lifecycle_badge=lifecycle_badge, catalog_tier_badge=tier_badge)
