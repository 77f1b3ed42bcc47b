"""Several reports of one run count as one: coverage of separate files adds up as stated, a file
in two reports counts each line once (covered when either ran it), test counts add up."""

from __future__ import annotations

from tests.helpers.quality_uploads import cobertura, junit
from tmse.devops.quality_gates.upload import figures_of_coverage, figures_of_tests
from tmse.integrations.coverage_reports import CoverageReport, TestReport, read_report


def coverage(content: bytes) -> CoverageReport:
    report = read_report(content)
    assert isinstance(report, CoverageReport)
    return report


def junit_report(content: bytes) -> TestReport:
    report = read_report(content)
    assert isinstance(report, TestReport)
    return report


def test_reports_of_separate_files_add_up():
    # 8 of 10 in one file, 1 of 5 in another: 9 of 15.
    figures = figures_of_coverage(
        [coverage(cobertura(10, 8, "app/a.py")), coverage(cobertura(5, 1, "app/b.py"))]
    )
    assert figures is not None
    assert (figures.lines_covered, figures.lines_valid) == (9, 15)


def test_a_file_in_two_reports_counts_each_line_once():
    # Lines 1-10 of app/a.py; one run covered 1-4, the other 1-7: lines 1-7 ran, 7 of 10.
    figures = figures_of_coverage([coverage(cobertura(10, 4)), coverage(cobertura(10, 7))])
    assert figures is not None
    assert (figures.lines_covered, figures.lines_valid) == (7, 10)
    assert figures.per_file_lines["app/core.py"][7] is True
    assert figures.per_file_lines["app/core.py"][8] is False


def test_test_counts_add_up_and_no_report_gives_no_figures():
    figures = figures_of_tests([junit_report(junit(3, 1)), junit_report(junit(4, 2))])
    assert figures is not None
    assert (figures.total, figures.failed, figures.errors) == (7, 3, 0)
    assert figures_of_tests([]) is None and figures_of_coverage([]) is None
