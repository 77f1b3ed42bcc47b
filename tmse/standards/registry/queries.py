"""Rule results read by people: per service, filtered lists, and each standard's pass rates."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from tmse.catalog.queries import service_id_named, service_names
from tmse.core.errors import NotFound
from tmse.core.messages import render
from tmse.core.version_memo import VersionMemo
from tmse.standards.registry.evaluation import RuleResult, evaluate_services
from tmse.standards.registry.schemas import RuleResultOut, ServiceResults
from tmse.standards.registry.shipped_standards import shipped

# Failures first, the worst first; then by standard and rule.
_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def _out(service: str, result: RuleResult, locale: str) -> RuleResultOut:
    """The result with its title, finding and hint in `locale` (English for the JSON API)."""
    return RuleResultOut(
        service=service,
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


def _order(row: tuple[str, RuleResult]) -> tuple[object, ...]:
    service, result = row
    return (
        result.passed,
        _SEVERITY_RANK.get(result.severity, 3),
        service,
        result.standard,
        result.rule,
    )


def service_results(session: Session, name: str, locale: str = "en") -> ServiceResults:
    """Every rule result of one service, failures first."""
    service_id = service_id_named(session, name)
    if service_id is None:
        raise NotFound(f"Service '{name}' does not exist")
    results = evaluate_services(session, [service_id]).get(service_id, [])
    rows = [_out(name, r, locale) for _, r in sorted(((name, r) for r in results), key=_order)]
    failed = sum(not r.passed for r in rows)
    return ServiceResults(service=name, passed=len(rows) - failed, failed=failed, results=rows)


def _matching(
    session: Session,
    service: str | None,
    standard: str | None,
    passed: bool | None,
    severity: str | None,
    level: str | None,
) -> list[tuple[str, RuleResult]]:
    """(service name, result) of every result matching the filters, failures first."""
    names = service_names(session, service)
    ids = list(names) if service else None
    rows = [
        (names[service_id], result)
        for service_id, results in evaluate_services(session, ids).items()
        for result in results
        if (standard is None or result.standard == standard)
        and (passed is None or result.passed == passed)
        and (severity is None or result.severity == severity)
        and (level is None or result.level == level)
    ]
    return sorted(rows, key=_order)


def filtered_results(
    session: Session,
    service: str | None = None,
    standard: str | None = None,
    passed: bool | None = None,
    severity: str | None = None,
    level: str | None = None,
    locale: str = "en",
) -> list[RuleResultOut]:
    """Rule results across services matching the filters, failures first."""
    rows = _matching(session, service, standard, passed, severity, level)
    return [_out(name, result, locale) for name, result in rows]


def filtered_results_page(
    session: Session,
    offset: int,
    limit: int,
    service: str | None = None,
    standard: str | None = None,
    passed: bool | None = None,
    severity: str | None = None,
    level: str | None = None,
    locale: str = "en",
) -> tuple[list[RuleResultOut], int]:
    """One page of `filtered_results` and the count of all; only the page's texts are rendered."""
    rows = _matching(session, service, standard, passed, severity, level)
    page = [_out(name, result, locale) for name, result in rows[offset : offset + limit]]
    return page, len(rows)


@dataclass
class RuleTally:
    """How one rule fares across services."""

    passed: int = 0
    failed: int = 0
    failing_services: list[str] = field(default_factory=list)


@dataclass
class StandardTally:
    services: int = 0
    services_passing: int = 0
    rules: dict[str, RuleTally] = field(default_factory=lambda: defaultdict(RuleTally))

    @property
    def pass_rate(self) -> float | None:
        """Percent of evaluated services passing every rule of the standard."""
        if not self.services:
            return None
        return round(100.0 * self.services_passing / self.services, 1)


# The latest tallies, kept while nothing they were computed from is written.
_tallies: VersionMemo[dict[str, StandardTally]] = VersionMemo(slots=2)


def standard_tallies(session: Session) -> dict[str, StandardTally]:
    """standard key → services evaluated, services passing all its rules, per-rule counts; a rule
    with several findings on one service counts it once. Reused until data they read is written."""
    return _tallies.get(session, lambda: _compute_tallies(session))


def _compute_tallies(session: Session) -> dict[str, StandardTally]:
    names = service_names(session)
    tallies: dict[str, StandardTally] = defaultdict(StandardTally)
    for service_id, results in evaluate_services(session).items():
        verdicts: dict[str, dict[str, bool]] = defaultdict(dict)
        for result in results:
            rules = verdicts[result.standard]
            rules[result.rule] = rules.get(result.rule, True) and result.passed
        for standard, rules in verdicts.items():
            tally = tallies[standard]
            tally.services += 1
            tally.services_passing += all(rules.values())
            for rule, ok in rules.items():
                counts = tally.rules[rule]
                if ok:
                    counts.passed += 1
                else:
                    counts.failed += 1
                    counts.failing_services.append(names[service_id])
    for tally in tallies.values():
        for counts in tally.rules.values():
            counts.failing_services.sort()
    return tallies
