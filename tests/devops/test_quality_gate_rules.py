"""Quality gate rules, hand-computed: thresholds met exactly, new-code coverage over the changed
lines a report can cover, failing tests, missing inputs named, and configurations refused."""

from __future__ import annotations

import math

import pytest

from tmse.devops.quality_gates import rules as gate
from tmse.devops.quality_gates.rules import (
    BRANCH_COVERAGE,
    FAILING_TESTS,
    LINE_COVERAGE,
    NEW_CODE_COVERAGE,
    SKIPPED_TESTS,
    ConditionResult,
    CoverageFigures,
    GateConfigError,
    GateInputError,
    GateVerdict,
    Rule,
    Status,
    TestFigures,
    evaluate_gate,
    gate_rules,
    matching_path,
    normalise_path,
)

ALL_PASSING = TestFigures(total=10, failed=0, errors=0, skipped=0)
# Two files of a report: 6 + 2 coverable lines, 5 + 1 ran.
PER_FILE = {
    "src/billing/invoice.py": {1: True, 4: True, 5: True, 7: True, 8: False, 9: True},
    "src/billing/tax.py": {5: True, 7: False},
}


def figures(valid: int, covered: int, **options: object) -> CoverageFigures:
    return CoverageFigures(lines_valid=valid, lines_covered=covered, **options)  # type: ignore[arg-type]


def only(metric: str, config: dict[str, object] | None = None) -> tuple[Rule, ...]:
    """The rules with every metric but `metric` switched off."""
    switched_off: dict[str, object] = dict.fromkeys(gate.METRICS)
    switched_off.pop(metric)
    return gate_rules({**switched_off, **(config or {})})


def condition(verdict: GateVerdict, metric: str) -> ConditionResult:
    return next(c for c in verdict.conditions if c.metric == metric)


def test_the_default_rules() -> None:
    assert gate_rules() == (
        Rule(LINE_COVERAGE, ">=", 80),
        Rule(NEW_CODE_COVERAGE, ">=", 80),
        Rule(FAILING_TESTS, "<=", 0),
    )


def test_exactly_80_percent_passes() -> None:
    verdict = evaluate_gate(only(LINE_COVERAGE), figures(1000, 800), None)
    line = condition(verdict, LINE_COVERAGE)
    # 800 / 1000 = 80% ≥ 80%
    assert (line.status, line.actual, line.numerator, line.denominator) == (
        Status.PASSED,
        80.0,
        800,
        1000,
    )
    assert (line.operator, line.threshold) == (">=", 80)
    assert str(line.reason) == "800 of 1000 lines covered (80.0%), at least 80% required"
    assert verdict.status is Status.PASSED


def test_79_99_percent_fails() -> None:
    verdict = evaluate_gate(only(LINE_COVERAGE), figures(10_000, 7_999), None)
    line = condition(verdict, LINE_COVERAGE)
    # 7,999 / 10,000 = 79.99% < 80%
    assert (line.status, line.actual) == (Status.FAILED, 79.99)
    assert verdict.status is Status.FAILED
    assert verdict.reason.params == {"failed": 1, "total": 1, "metrics": LINE_COVERAGE}


def test_a_share_just_under_is_never_shown_as_enough() -> None:
    line = condition(
        evaluate_gate(only(LINE_COVERAGE), figures(100_000, 79_999), None), LINE_COVERAGE
    )
    # 79,999 / 100,000 = 79.999%: fails, and is shown rounded down (79.99), not up (80.0)
    assert line.status is Status.FAILED and line.reason.params["actual"] == 79.99


def test_shares_compare_exactly_not_in_floating_point() -> None:
    # 29 / 50 = 58% exactly, though 29 / 50 * 100 is 57.99999999999999 in floating point
    line = condition(
        evaluate_gate(only(LINE_COVERAGE, {LINE_COVERAGE: 58}), figures(50, 29), None),
        LINE_COVERAGE,
    )
    assert line.status is Status.PASSED


def test_new_code_coverage_over_the_changed_coverable_lines() -> None:
    changed = {
        "./src/billing/invoice.py": {4, 5, 6, 8},  # 6 is not coverable: 4 and 5 ran, 8 did not
        "src\\billing\\tax.py": [7, 8],  # 7 did not run, 8 is not coverable
        "README.md": {1, 2},  # not in the report
    }
    verdict = evaluate_gate(
        only(NEW_CODE_COVERAGE), figures(8, 6, per_file_lines=PER_FILE), None, changed
    )
    new = condition(verdict, NEW_CODE_COVERAGE)
    # coverable changed lines: invoice 4, 5, 8 and tax 7 = 4; covered: 4 and 5 = 2; 2 / 4 = 50%
    assert (new.numerator, new.denominator, new.actual) == (2, 4, 50.0)
    assert new.status is Status.FAILED and verdict.status is Status.FAILED


def test_new_code_files_match_a_report_path_by_folder_suffix() -> None:
    per_file = {"com/example/shop/Cart.java": {5: True, 9: False, 11: True, 12: True, 18: True}}
    changed = {"src/main/java/com/example/shop/Cart.java": {11, 12, 18, 20}}
    new = condition(
        evaluate_gate(
            only(NEW_CODE_COVERAGE), figures(5, 4, per_file_lines=per_file), None, changed
        ),
        NEW_CODE_COVERAGE,
    )
    # 11, 12, 18 coverable and covered, 20 not coverable: 3 / 3 = 100%
    assert (new.status, new.numerator, new.denominator) == (Status.PASSED, 3, 3)


def test_matching_needs_one_candidate_at_a_folder_boundary() -> None:
    assert matching_path("util.py", ["a/util.py", "b/util.py"]) is None  # which one?
    assert matching_path("util.py", ["a/myutil.py"]) is None  # not at a folder boundary
    assert matching_path("src/a/util.py", ["a/util.py", "b/util.py"]) == "a/util.py"
    assert normalise_path(".\\src\\lib\\..\\app.py") == "src/app.py"


def test_no_coverable_changed_line_is_not_applicable_not_a_pass() -> None:
    changed = {"docs/index.md": {1, 2, 3}, "src/billing/invoice.py": {2, 3}}  # 2, 3: blank
    verdict = evaluate_gate(
        gate_rules(), figures(8, 7, per_file_lines=PER_FILE), ALL_PASSING, changed
    )
    new = condition(verdict, NEW_CODE_COVERAGE)
    assert new.status is Status.NOT_APPLICABLE
    assert (new.actual, new.numerator, new.denominator) == (None, None, None)
    # 3 + 2 changed lines in 2 files
    assert str(new.reason) == "none of the 5 changed lines in 2 files is coverable"
    # 7 / 8 = 87.5% lines, no failing tests: the gate passes on the two that apply
    assert verdict.status is Status.PASSED
    assert verdict.reason.params == {"applicable": 2, "not_applicable": 1}


def test_a_change_without_changed_lines_is_not_applicable() -> None:
    verdict = evaluate_gate(
        only(NEW_CODE_COVERAGE), figures(8, 6, per_file_lines=PER_FILE), None, {}
    )
    assert condition(verdict, NEW_CODE_COVERAGE).status is Status.NOT_APPLICABLE
    assert str(condition(verdict, NEW_CODE_COVERAGE).reason) == "the change touches no lines"


def test_failing_tests_fail_the_gate() -> None:
    tests = TestFigures(total=120, failed=2, errors=1, skipped=4)
    verdict = evaluate_gate(only(FAILING_TESTS), None, tests)
    failing = condition(verdict, FAILING_TESTS)
    # 2 failed + 1 error = 3 failing > 0 allowed
    assert (failing.status, failing.actual, failing.numerator, failing.denominator) == (
        Status.FAILED,
        3,
        3,
        120,
    )
    assert str(failing.reason) == (
        "3 of 120 tests failed or errored (2 failed, 1 errors), at most 0 allowed"
    )
    allowed = evaluate_gate(only(FAILING_TESTS, {FAILING_TESTS: 3}), None, tests)
    assert allowed.status is Status.PASSED  # 3 ≤ 3


def test_maximum_skipped_and_minimum_branch_coverage_when_configured() -> None:
    rules = gate_rules(
        {LINE_COVERAGE: None, NEW_CODE_COVERAGE: None, FAILING_TESTS: None}
        | {SKIPPED_TESTS: 3, BRANCH_COVERAGE: 50}
    )
    coverage = figures(24, 18, branches_valid=12, branches_covered=7)
    verdict = evaluate_gate(rules, coverage, TestFigures(total=20, failed=0, errors=0, skipped=4))
    # branches 7 / 12 = 58.33% ≥ 50%; skipped 4 > 3
    assert condition(verdict, BRANCH_COVERAGE).status is Status.PASSED
    assert condition(verdict, BRANCH_COVERAGE).actual == pytest.approx(58.333333)
    assert condition(verdict, SKIPPED_TESTS).status is Status.FAILED
    assert verdict.status is Status.FAILED


def test_branch_coverage_without_branch_figures_has_no_data() -> None:
    rules = only(BRANCH_COVERAGE, {BRANCH_COVERAGE: 50})
    assert evaluate_gate(rules, figures(24, 18), None).missing_inputs == ("branch coverage",)
    no_branches = figures(24, 18, branches_valid=0, branches_covered=0)
    assert condition(evaluate_gate(rules, no_branches, None), BRANCH_COVERAGE).status is (
        Status.NOT_APPLICABLE
    )


def test_missing_inputs_give_no_data_and_are_named() -> None:
    verdict = evaluate_gate(gate_rules(), None, ALL_PASSING)
    assert verdict.status is Status.NO_DATA
    assert verdict.missing_inputs == ("coverage report",)
    assert str(verdict.reason) == "no data for coverage report"
    assert [c.status for c in verdict.conditions] == [Status.NO_DATA, Status.NO_DATA, Status.PASSED]

    no_diff = evaluate_gate(gate_rules(), figures(8, 7, per_file_lines=PER_FILE), ALL_PASSING)
    assert (no_diff.status, no_diff.missing_inputs) == (Status.NO_DATA, ("changed lines",))

    totals_only = evaluate_gate(gate_rules(), figures(8, 7), ALL_PASSING, {"a.py": {1}})
    assert totals_only.missing_inputs == ("per-file coverage",)

    nothing = evaluate_gate(gate_rules(), None, None)
    assert nothing.missing_inputs == ("coverage report", "test report")


def test_a_failed_condition_outweighs_missing_data() -> None:
    verdict = evaluate_gate(gate_rules(), None, TestFigures(total=5, failed=1, errors=0))
    assert verdict.status is Status.FAILED
    assert verdict.missing_inputs == ("coverage report",)  # still said


def test_nothing_to_measure_is_not_applicable() -> None:
    empty = figures(0, 0, per_file_lines={"a.py": {}})
    no_tests = TestFigures(total=0, failed=0, errors=0)
    verdict = evaluate_gate(gate_rules(), empty, no_tests, {"a.py": {1}})
    assert [c.status for c in verdict.conditions] == [Status.NOT_APPLICABLE] * 3
    assert verdict.status is Status.PASSED


@pytest.mark.parametrize(
    ("config", "field", "message"),
    [
        ({"coverage": 80}, "coverage", gate.UNKNOWN_METRIC),
        ({LINE_COVERAGE: 100.5}, LINE_COVERAGE, gate.PERCENT_RANGE),
        ({NEW_CODE_COVERAGE: -1}, NEW_CODE_COVERAGE, gate.PERCENT_RANGE),
        ({LINE_COVERAGE: "80"}, LINE_COVERAGE, gate.NOT_A_NUMBER),
        ({LINE_COVERAGE: True}, LINE_COVERAGE, gate.NOT_A_NUMBER),
        ({BRANCH_COVERAGE: math.nan}, BRANCH_COVERAGE, gate.NOT_A_NUMBER),
        ({FAILING_TESTS: 1.5}, FAILING_TESTS, gate.COUNT_RANGE),
        ({SKIPPED_TESTS: -2}, SKIPPED_TESTS, gate.COUNT_RANGE),
        ({SKIPPED_TESTS: math.inf}, SKIPPED_TESTS, gate.COUNT_RANGE),
    ],
    ids=["unknown", "over-100", "negative", "text", "boolean", "nan", "fraction", "negative-count",
         "infinite"],
)  # fmt: skip
def test_configurations_are_validated(config: dict[str, object], field: str, message: str) -> None:
    with pytest.raises(GateConfigError) as caught:
        gate_rules(config)
    assert (caught.value.field, caught.value.reason.text) == (field, message)


def test_the_bounds_themselves_are_valid_and_none_switches_a_rule_off() -> None:
    rules = gate_rules({LINE_COVERAGE: 0, NEW_CODE_COVERAGE: 100, FAILING_TESTS: None})
    assert rules == (Rule(LINE_COVERAGE, ">=", 0), Rule(NEW_CODE_COVERAGE, ">=", 100))


@pytest.mark.parametrize(
    "make",
    [
        lambda: CoverageFigures(lines_valid=10, lines_covered=11),
        lambda: CoverageFigures(lines_valid=-1, lines_covered=0),
        lambda: CoverageFigures(5, 1, branches_valid=2, branches_covered=3),
        lambda: CoverageFigures(1, 1, per_file_lines={"a.py": {0: True}}),
        lambda: TestFigures(total=3, failed=2, errors=1, skipped=1),
        lambda: TestFigures(total=3, failed=-1, errors=0),
    ],
    ids=["covered-over-valid", "negative", "branches-over", "line-zero", "more-outcomes-than-tests",
         "negative-failures"],
)  # fmt: skip
def test_impossible_figures_are_refused(make: object) -> None:
    with pytest.raises(GateInputError):
        make()  # type: ignore[operator]


def test_changed_line_numbers_are_checked() -> None:
    with pytest.raises(GateInputError) as caught:
        coverage = figures(8, 6, per_file_lines=PER_FILE)
        evaluate_gate(only(NEW_CODE_COVERAGE), coverage, None, {"a.py": {0}})
    assert caught.value.field == "a.py"
