"""The MoSCoW balance: the share of effort planned as Must-have, against a limit (60% default)."""

from __future__ import annotations

from dataclasses import dataclass

# A release or project whose Must-haves take more than the limit has no room left for surprises:
# the usual DSDM guidance. Pure: plain numbers in, the share out.

DEFAULT_LIMIT_PCT = 60


@dataclass(frozen=True)
class MustShare:
    total_effort: float
    must_effort: float
    share_pct: float
    limit_pct: int
    over_limit: bool


def must_share(total_effort: float, must_effort: float, limit_pct: int) -> MustShare:
    """The share of Must-have effort in the total (0 when there is no effort at all)."""
    share = round(must_effort * 100 / total_effort, 1) if total_effort > 0 else 0.0
    return MustShare(
        total_effort=round(total_effort, 2),
        must_effort=round(must_effort, 2),
        share_pct=share,
        limit_pct=limit_pct,
        over_limit=share > limit_pct,
    )
