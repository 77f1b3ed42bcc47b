"""One service's scorecard, evaluated now: rules grouped by level and what blocks the next."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tmse.core.messages import render
from tmse.standards.registry.evaluation import RuleResult
from tmse.standards.registry.shipped_standards import shipped
from tmse.standards.scorecards import rollup
from tmse.standards.scorecards.levels.service import level_defs
from tmse.standards.scorecards.schemas import LevelGroup, RuleResultOut, ScorecardDetail
from tmse.standards.scorecards.service import service_named, service_results


def result_out(result: RuleResult, locale: str) -> RuleResultOut:
    """The result with its title, finding and hint in `locale` (English for the JSON API)."""
    return RuleResultOut(
        standard=result.standard,
        standard_version=result.standard_version,
        rule=result.rule,
        title=render(shipped(result.title), locale),
        level=result.level,
        severity=result.severity,
        passed=result.passed,
        message=render(result.finding, locale),
        fix_hint=render(result.hint, locale),
        location=result.location,
    )


def scorecard_detail(session: Session, name: str, locale: str = "en") -> ScorecardDetail:
    """One service's scorecard now; texts in `locale` (English for the JSON API)."""
    service, owner = service_named(session, name)
    results = service_results(session, service.id)
    defs = level_defs(session)
    rolled = rollup.roll_up(results, defs)
    held_rank = rollup.rank_of(rolled.level, defs)
    # Failing rules first within a level, so what needs doing is at the top.
    order = {"error": 0, "warning": 1, "info": 2}
    groups = []
    for level in defs:
        rules = sorted(
            (r for r in results if r.level == level.key),
            key=lambda r: (r.passed, order.get(r.severity, 3), r.standard, r.rule),
        )
        groups.append(
            LevelGroup(
                level=level.key,
                name=level.name,
                rank=level.rank,
                passed=sum(1 for r in rules if r.passed),
                total=len(rules),
                held=bool(results) and level.rank <= held_rank,
                rules=[result_out(r, locale) for r in rules],
            )
        )
    known = {lv.key for lv in defs}
    blocking = rollup.blocking(results, rolled.next_level, defs) if rolled.next_level else []
    return ScorecardDetail(
        service=service.name,
        owner=owner,
        layer=service.layer,
        score=rolled.score,
        level=rolled.level,
        next_level=rolled.next_level,
        passed=rolled.passed,
        total=rolled.total,
        by_standard=rolled.by_standard,
        levels=groups,
        blocking_next_level=[result_out(r, locale) for r in blocking],
        unlevelled=[result_out(r, locale) for r in results if r.level not in known],
    )
