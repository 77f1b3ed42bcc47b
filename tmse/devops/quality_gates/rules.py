"""Quality gate rules: line, new-code and branch coverage and test results against thresholds.
Pure: plain figures in, a verdict out (each condition with its numbers and a stable reason)."""

from __future__ import annotations

import math
import posixpath
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

# Reasons are message ids with parameters, rendered in the reader's language where shown.
LINE_COVERAGE = "line_coverage"
NEW_CODE_COVERAGE = "new_code_coverage"
BRANCH_COVERAGE = "branch_coverage"
FAILING_TESTS = "failing_tests"
SKIPPED_TESTS = "skipped_tests"
PERCENT_METRICS = (LINE_COVERAGE, NEW_CODE_COVERAGE, BRANCH_COVERAGE)
COUNT_METRICS = (FAILING_TESTS, SKIPPED_TESTS)
METRICS = PERCENT_METRICS + COUNT_METRICS
# Failing tests are failures plus errors; None switches a rule off.
DEFAULT_CONFIG: Mapping[str, float | None] = {
    LINE_COVERAGE: 80,
    NEW_CODE_COVERAGE: 80,
    FAILING_TESTS: 0,
    BRANCH_COVERAGE: None,
    SKIPPED_TESTS: None,
}
MAX_COUNT = 10**9

# Inputs the gate may lack.
COVERAGE_INPUT = "coverage report"
TESTS_INPUT = "test report"
CHANGED_LINES_INPUT = "changed lines"
PER_FILE_INPUT = "per-file coverage"
BRANCHES_INPUT = "branch coverage"

UNKNOWN_METRIC = "unknown metric {name}; known metrics are {known}"
NOT_A_NUMBER = "{name} must be a number, not {value}"
PERCENT_RANGE = "{name} must be a percentage from 0 to 100, not {value}"
COUNT_RANGE = "{name} must be a whole number from 0 to {limit}, not {value}"
NEGATIVE_FIGURE = "{name} must not be negative, got {value}"
MORE_COVERED_THAN_VALID = "{covered} covered is more than {valid} in all ({name})"
LINE_NUMBER = "line numbers start at 1, got {value} in {path}"

NO_DATA = "no data: {inputs} missing"
LINES_COVERED = "{covered} of {valid} lines covered ({actual}%), at least {threshold}% required"
BRANCHES_COVERED = (
    "{covered} of {valid} branches covered ({actual}%), at least {threshold}% required"
)
NEW_LINES_COVERED = (
    "{covered} of {valid} coverable changed lines covered ({actual}%), "
    "at least {threshold}% required"
)
NOTHING_COVERABLE = "the report has no coverable lines"
NO_BRANCHES = "the report has no branches"
NO_CHANGED_LINES = "the change touches no lines"
NO_COVERABLE_CHANGES = "none of the {changed} changed lines in {files} files is coverable"
TESTS_FAILING = (
    "{failing} of {total} tests failed or errored ({failed} failed, {errors} errors), "
    "at most {threshold} allowed"
)
NO_TESTS = "the test report has no tests"
TESTS_SKIPPED = "{skipped} of {total} tests skipped, at most {threshold} allowed"
GATE_FAILED = "{failed} of {total} conditions failed: {metrics}"
GATE_NO_DATA = "no data for {inputs}"
GATE_PASSED = "all {applicable} applicable conditions passed ({not_applicable} not applicable)"


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_APPLICABLE = "not applicable"
    NO_DATA = "no data"


@dataclass(frozen=True)
class Reason:
    """A stable English text with `{name}` placeholders and their values."""

    text: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.text.format_map(dict(self.params))


class GateConfigError(ValueError):
    """A rule configuration refused: the field at fault and why."""

    def __init__(self, field: str, message: str, params: Mapping[str, object] | None = None):
        self.field = field
        self.reason = Reason(message, dict(params or {}))
        super().__init__(f"{field}: {self.reason}")


class GateInputError(ValueError):
    """Figures no report could give (negative, more covered than coverable)."""

    def __init__(self, field: str, message: str, params: Mapping[str, object]):
        self.field = field
        self.reason = Reason(message, dict(params))
        super().__init__(f"{field}: {self.reason}")


@dataclass(frozen=True)
class CoverageFigures:
    """Totals, optional branch totals, and per file (normalised path) each coverable line and
    whether it ran."""

    lines_valid: int
    lines_covered: int
    per_file_lines: Mapping[str, Mapping[int, bool]] = field(default_factory=dict)
    branches_valid: int | None = None
    branches_covered: int | None = None

    def __post_init__(self) -> None:
        _within(self.lines_covered, self.lines_valid, "lines")
        if self.branches_valid is not None or self.branches_covered is not None:
            _within(self.branches_covered or 0, self.branches_valid or 0, "branches")
        for path, lines in self.per_file_lines.items():
            _line_numbers(lines, path)


@dataclass(frozen=True)
class TestFigures:
    """Counts of a test run; failing tests are `failed` plus `errors`."""

    __test__ = False  # not a pytest test class

    total: int
    failed: int
    errors: int
    skipped: int = 0

    def __post_init__(self) -> None:
        for name in ("total", "failed", "errors", "skipped"):
            _not_negative(getattr(self, name), name)
        _within(self.failed + self.errors + self.skipped, self.total, "tests")


@dataclass(frozen=True)
class Rule:
    metric: str
    operator: str  # ">=" for a minimum percentage, "<=" for a maximum count
    threshold: float


@dataclass(frozen=True)
class ConditionResult:
    metric: str
    operator: str
    threshold: float
    actual: float | None
    numerator: int | None
    denominator: int | None
    status: Status
    reason: Reason
    missing_inputs: tuple[str, ...] = ()


@dataclass(frozen=True)
class GateVerdict:
    status: Status
    conditions: tuple[ConditionResult, ...]
    missing_inputs: tuple[str, ...]
    reason: Reason


def gate_rules(config: Mapping[str, object] | None = None) -> tuple[Rule, ...]:
    """The rules of a gate: the defaults, overridden by `config` (metric → threshold, None to
    switch a rule off). GateConfigError names the first field at fault."""
    merged: dict[str, object] = dict(DEFAULT_CONFIG)
    for name, value in (config or {}).items():
        if name not in METRICS:
            raise GateConfigError(
                str(name), UNKNOWN_METRIC, {"name": repr(name), "known": ", ".join(METRICS)}
            )
        merged[name] = value
    rules = []
    for metric in METRICS:
        value = merged[metric]
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            raise GateConfigError(metric, NOT_A_NUMBER, {"name": metric, "value": repr(value)})
        if metric in PERCENT_METRICS:
            if not 0 <= value <= 100:
                raise GateConfigError(metric, PERCENT_RANGE, {"name": metric, "value": value})
            rules.append(Rule(metric, ">=", value))
        else:
            whole = math.isfinite(value) and value == int(value)
            if not whole or not 0 <= value <= MAX_COUNT:
                params = {"name": metric, "value": value, "limit": MAX_COUNT}
                raise GateConfigError(metric, COUNT_RANGE, params)
            rules.append(Rule(metric, "<=", int(value)))
    return tuple(rules)


def evaluate_gate(
    rules: tuple[Rule, ...],
    coverage: CoverageFigures | None,
    tests: TestFigures | None,
    changed_lines: Mapping[str, Collection[int]] | None = None,
) -> GateVerdict:
    """Each rule's condition, and the gate: failed when one failed, else no data when a
    required input is missing, else passed (conditions that do not apply do not count)."""
    conditions = tuple(
        _condition(rule, coverage, tests, changed_lines)
        for rule in sorted(rules, key=lambda rule: METRICS.index(rule.metric))
    )
    failed = [c.metric for c in conditions if c.status is Status.FAILED]
    missing = list(dict.fromkeys(name for c in conditions for name in c.missing_inputs))
    if failed:
        status = Status.FAILED
        reason = Reason(
            GATE_FAILED,
            {"failed": len(failed), "total": len(conditions), "metrics": ", ".join(failed)},
        )
    elif missing:
        status = Status.NO_DATA
        reason = Reason(GATE_NO_DATA, {"inputs": ", ".join(missing)})
    else:
        status = Status.PASSED
        not_applicable = sum(c.status is Status.NOT_APPLICABLE for c in conditions)
        params = {"applicable": len(conditions) - not_applicable, "not_applicable": not_applicable}
        reason = Reason(GATE_PASSED, params)
    return GateVerdict(status, conditions, tuple(missing), reason)


def _condition(
    rule: Rule,
    coverage: CoverageFigures | None,
    tests: TestFigures | None,
    changed_lines: Mapping[str, Collection[int]] | None,
) -> ConditionResult:
    if rule.metric in COUNT_METRICS:
        if tests is None:
            return _no_data(rule, TESTS_INPUT)
        return _test_condition(rule, tests)
    if coverage is None:
        return _no_data(rule, COVERAGE_INPUT)
    if rule.metric == LINE_COVERAGE:
        if not coverage.lines_valid:
            return _not_applicable(rule, Reason(NOTHING_COVERABLE))
        return _share(rule, coverage.lines_covered, coverage.lines_valid, LINES_COVERED)
    if rule.metric == BRANCH_COVERAGE:
        if coverage.branches_valid is None or coverage.branches_covered is None:
            return _no_data(rule, BRANCHES_INPUT)
        if not coverage.branches_valid:
            return _not_applicable(rule, Reason(NO_BRANCHES))
        return _share(rule, coverage.branches_covered, coverage.branches_valid, BRANCHES_COVERED)
    return _new_code_condition(rule, coverage, changed_lines)


def _new_code_condition(
    rule: Rule, coverage: CoverageFigures, changed_lines: Mapping[str, Collection[int]] | None
) -> ConditionResult:
    """The share of changed lines the report can cover that the tests ran."""
    missing = [CHANGED_LINES_INPUT] if changed_lines is None else []
    if not coverage.per_file_lines:
        missing.append(PER_FILE_INPUT)
    if changed_lines is None or missing:
        return _no_data(rule, *missing)
    per_file = {normalise_path(path): lines for path, lines in coverage.per_file_lines.items()}
    changed = {normalise_path(path): set(lines) for path, lines in changed_lines.items()}
    changed = {path: lines for path, lines in changed.items() if lines}
    for path, lines in changed.items():
        _line_numbers(dict.fromkeys(lines, False), path)
    changed_count = sum(len(lines) for lines in changed.values())
    if not changed_count:
        return _not_applicable(rule, Reason(NO_CHANGED_LINES))
    covered = coverable = 0
    for path, lines in changed.items():
        found = path if path in per_file else matching_path(path, per_file)
        file_lines = per_file.get(found, {}) if found else {}
        for line in lines & file_lines.keys():
            coverable += 1
            covered += bool(file_lines[line])
    if not coverable:
        params = {"changed": changed_count, "files": len(changed)}
        return _not_applicable(rule, Reason(NO_COVERABLE_CHANGES, params))
    return _share(rule, covered, coverable, NEW_LINES_COVERED)


def _test_condition(rule: Rule, tests: TestFigures) -> ConditionResult:
    if not tests.total:
        return _not_applicable(rule, Reason(NO_TESTS))
    if rule.metric == FAILING_TESTS:
        value = tests.failed + tests.errors
        params: dict[str, object] = {
            "failing": value,
            "failed": tests.failed,
            "errors": tests.errors,
        }
        text = TESTS_FAILING
    else:
        value = tests.skipped
        params = {"skipped": value}
        text = TESTS_SKIPPED
    params |= {"total": tests.total, "threshold": int(rule.threshold)}
    status = Status.PASSED if value <= rule.threshold else Status.FAILED
    reason = Reason(text, params)
    return ConditionResult(
        rule.metric, rule.operator, rule.threshold, value, value, tests.total, status, reason
    )


def _share(rule: Rule, covered: int, valid: int, text: str) -> ConditionResult:
    """A percentage condition, compared exactly: 8 of 10 meets 80%, 7,999 of 10,000 does not."""
    share = Fraction(covered * 100, valid)
    passed = share >= Fraction(str(rule.threshold))
    shown = math.floor(share * 100) / 100  # rounded down: a failing share never shows as enough
    params = {"covered": covered, "valid": valid, "actual": shown, "threshold": rule.threshold}
    status = Status.PASSED if passed else Status.FAILED
    return ConditionResult(
        rule.metric,
        rule.operator,
        rule.threshold,
        float(share),
        covered,
        valid,
        status,
        Reason(text, params),
    )


def _no_data(rule: Rule, *inputs: str) -> ConditionResult:
    reason = Reason(NO_DATA, {"inputs": ", ".join(inputs)})
    return ConditionResult(
        rule.metric, rule.operator, rule.threshold, None, None, None, Status.NO_DATA, reason, inputs
    )


def _not_applicable(rule: Rule, reason: Reason) -> ConditionResult:
    return ConditionResult(
        rule.metric, rule.operator, rule.threshold, None, None, None, Status.NOT_APPLICABLE, reason
    )


def normalise_path(path: str) -> str:
    """Forward slashes, no `./`, `a/b/../c` as `a/c`: how a diff and a report are compared."""
    text = posixpath.normpath(path.strip().replace("\\", "/")) if path.strip() else ""
    return "" if text == "." else text


def matching_path(path: str, candidates: Collection[str]) -> str | None:
    """The one candidate that ends with `path`, or that `path` ends with, at a folder boundary
    (a report's `com/x/A.java` for a diff's `src/main/java/com/x/A.java`); None if not one."""
    found = [
        candidate
        for candidate in candidates
        if candidate.endswith("/" + path) or path.endswith("/" + candidate)
    ]
    return found[0] if len(found) == 1 else None


def _not_negative(value: int, name: str) -> None:
    if value < 0:
        raise GateInputError(name, NEGATIVE_FIGURE, {"name": name, "value": value})


def _within(covered: int, valid: int, name: str) -> None:
    _not_negative(covered, f"{name} covered")
    _not_negative(valid, f"{name} valid")
    if covered > valid:
        params = {"covered": covered, "valid": valid, "name": name}
        raise GateInputError(name, MORE_COVERED_THAN_VALID, params)


def _line_numbers(lines: Mapping[int, bool], path: str) -> None:
    low = min(lines, default=1)
    if low < 1:
        raise GateInputError(path, LINE_NUMBER, {"value": low, "path": path})
