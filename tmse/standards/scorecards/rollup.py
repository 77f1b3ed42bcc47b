"""Roll rule results up into a score and a level: plain data in, plain results out."""

# score = 100 × (weight of passed rules) / (weight of all rules), weights error 3, warning 2,
# info 1. The level held is the highest level L such that every rule at L and at every lower
# level passes. Rules naming a level that is not configured count for the score only.

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

SEVERITY_WEIGHTS = {"error": 3, "warning": 2, "info": 1}


class Result(Protocol):
    """The fields of `tmse.standards.registry.evaluation.RuleResult` the roll-up reads."""

    @property
    def standard(self) -> str: ...
    @property
    def rule(self) -> str: ...
    @property
    def level(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def passed(self) -> bool: ...


R = TypeVar("R", bound=Result)


@dataclass(frozen=True)
class LevelDef:
    key: str
    name: str
    rank: int  # 1 = lowest
    color: str = ""


@dataclass(frozen=True)
class RollUp:
    score: float  # 0–100, rounded to one decimal
    level: str | None  # key of the level held
    passed: int
    total: int
    by_standard: dict[str, list[int]] = field(default_factory=dict)  # key -> [passed, total]
    next_level: str | None = None  # the level above the one held, if any


def weight(severity: str) -> int:
    return SEVERITY_WEIGHTS.get(severity, 1)


def score_of(results: Iterable[Result]) -> float:
    """Weighted share of passed rules, 0–100; no rules at all scores 0."""
    passed_weight = total_weight = 0
    for result in results:
        w = weight(result.severity)
        total_weight += w
        passed_weight += w if result.passed else 0
    return round(100 * passed_weight / total_weight, 1) if total_weight else 0.0


def ordered(levels: Iterable[LevelDef]) -> list[LevelDef]:
    return sorted(levels, key=lambda level: level.rank)


def level_held(results: Sequence[Result], levels: Sequence[LevelDef]) -> str | None:
    """The highest level whose rules, and all lower levels' rules, pass; None without rules."""
    if not results:
        return None
    failing_ranks = {lv.key: lv.rank for lv in levels}
    lowest_failure = min(
        (failing_ranks[r.level] for r in results if not r.passed and r.level in failing_ranks),
        default=None,
    )
    held = None
    for level in ordered(levels):
        if lowest_failure is not None and level.rank >= lowest_failure:
            break
        held = level.key
    return held


def next_level_after(held: str | None, levels: Sequence[LevelDef]) -> str | None:
    ranked = ordered(levels)
    if held is None:
        return ranked[0].key if ranked else None
    keys = [lv.key for lv in ranked]
    position = keys.index(held) + 1 if held in keys else len(keys)
    return keys[position] if position < len(keys) else None


def rank_of(key: str | None, levels: Sequence[LevelDef]) -> int:
    """The rank of a level key; 0 for no level (below every level)."""
    return next((lv.rank for lv in levels if lv.key == key), 0)


def blocking(results: Iterable[R], target: str, levels: Sequence[LevelDef]) -> list[R]:
    """Failing rules that keep a service from holding `target`: those at it or below."""
    ranks = {lv.key: lv.rank for lv in levels}
    target_rank = ranks.get(target, 0)
    return [
        r for r in results if not r.passed and r.level in ranks and ranks[r.level] <= target_rank
    ]


def by_standard(results: Iterable[Result]) -> dict[str, list[int]]:
    counts: dict[str, list[int]] = {}
    for result in results:
        cell = counts.setdefault(result.standard, [0, 0])
        cell[0] += 1 if result.passed else 0
        cell[1] += 1
    return counts


def roll_up(results: Sequence[Result], levels: Sequence[LevelDef]) -> RollUp:
    """Score, level held, passed/total and per-standard counts of one service's results."""
    held = level_held(results, levels)
    return RollUp(
        score=score_of(results),
        level=held,
        passed=sum(1 for r in results if r.passed),
        total=len(results),
        by_standard=by_standard(results),
        next_level=next_level_after(held, levels) if results else None,
    )


def holds_at_least(held: str | None, target: str, levels: Sequence[LevelDef]) -> bool:
    target_rank = rank_of(target, levels)
    return target_rank > 0 and rank_of(held, levels) >= target_rank
