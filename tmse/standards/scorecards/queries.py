"""Read models the scorecard, campaign and level pages share."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tmse.standards.registry.shipped_standards import shipped
from tmse.standards.scorecards.labels import (
    STATUS_COLOURS,
    STATUS_LABELS,
    level_names,
    level_palette,
)
from tmse.standards.scorecards.levels.service import level_defs


def common_context(session: Session, locale: str) -> dict[str, Any]:
    """Levels, their colours and names in `locale`, and the campaign status labels."""
    defs = level_defs(session)
    return {
        "active": "scorecards",
        "levels": defs,
        "palette": level_palette(defs),
        "level_names": level_names(defs, locale),
        "shipped": shipped,
        "status_labels": STATUS_LABELS,
        "status_colours": STATUS_COLOURS,
    }
