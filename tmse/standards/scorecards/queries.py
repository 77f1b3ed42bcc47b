"""Read models the scorecard, campaign and level pages share."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tmse.standards.scorecards.labels import STATUS_COLOURS, STATUS_LABELS, level_palette
from tmse.standards.scorecards.levels.service import level_defs


def common_context(session: Session) -> dict[str, Any]:
    defs = level_defs(session)
    return {
        "active": "scorecards",
        "levels": defs,
        "palette": level_palette(defs),
        "level_names": {lv.key: lv.name for lv in defs},
        "status_labels": STATUS_LABELS,
        "status_colours": STATUS_COLOURS,
    }
