"""RICE and WSJF scores from their components (pure: plain values in, scores out)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

# RICE = reach × impact × confidence% / effort (person-months); impact on 3, 2, 1, 0.5, 0.25,
# confidence on 100, 80, 50. WSJF = (user-business value + time criticality + risk reduction or
# opportunity enablement) / job size, each on 1, 2, 3, 5, 8, 13, 20. A score is None while any of
# its components is missing: an unscored item ranks last rather than as zero.

RICE_IMPACTS: tuple[Decimal, ...] = tuple(Decimal(v) for v in ("3", "2", "1", "0.5", "0.25"))
RICE_CONFIDENCES: tuple[int, ...] = (100, 80, 50)
WSJF_SCALE: tuple[int, ...] = (1, 2, 3, 5, 8, 13, 20)
RICE_COMPONENTS = ("rice_reach", "rice_impact", "rice_confidence", "rice_effort")
WSJF_COMPONENTS = ("wsjf_value", "wsjf_time_criticality", "wsjf_risk_reduction", "wsjf_job_size")
# Scores keep four decimals: enough to rank, stable across databases.
PLACES = 4


def rice_score(
    reach: int | None,
    impact: Decimal | float | None,
    confidence: int | None,
    effort: Decimal | float | None,
) -> float | None:
    """reach × impact × confidence/100 ÷ effort; None when a part is missing or effort is 0."""
    if reach is None or impact is None or confidence is None or effort is None:
        return None
    effort_value = Decimal(str(effort))
    if effort_value <= 0:
        return None
    value = Decimal(reach) * Decimal(str(impact)) * Decimal(confidence) / 100 / effort_value
    return round(float(value), PLACES)


def wsjf_score(
    value: int | None,
    time_criticality: int | None,
    risk_reduction: int | None,
    job_size: int | None,
) -> float | None:
    """Cost of delay ÷ job size; None when a part is missing."""
    if value is None or time_criticality is None or risk_reduction is None or not job_size:
        return None
    return round((value + time_criticality + risk_reduction) / job_size, PLACES)


def scores_of(values: dict[str, Any]) -> tuple[float | None, float | None]:
    """(rice_score, wsjf_score) of a row given as a dict of its components."""
    rice = rice_score(*(values.get(name) for name in RICE_COMPONENTS))
    wsjf = wsjf_score(*(values.get(name) for name in WSJF_COMPONENTS))
    return rice, wsjf


def refresh_scores(requirement: Any) -> None:
    """Set the derived scores of one requirement from its components."""
    values = {name: getattr(requirement, name) for name in RICE_COMPONENTS + WSJF_COMPONENTS}
    rice, wsjf = scores_of(values)
    if requirement.rice_score != rice:
        requirement.rice_score = rice
    if requirement.wsjf_score != wsjf:
        requirement.wsjf_score = wsjf
