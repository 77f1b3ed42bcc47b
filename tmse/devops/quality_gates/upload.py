"""An upload read before anything is written: its reports parsed, its changed lines found, and
the figures the gate weighs; a refusal is a 422 naming the field at fault."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tmse.core.errors import InvalidInput
from tmse.core.messages import Message, render
from tmse.devops.quality_gates.diff import (
    DiffError,
    changed_lines_from_diff,
    changed_lines_from_mapping,
)
from tmse.devops.quality_gates.rules import CoverageFigures, TestFigures
from tmse.integrations.coverage_reports import CoverageReport, ReportError, TestReport, read_report
from tmse.integrations.json_text import JsonRefused, load_json

MAX_REPORTS = 20


@dataclass(frozen=True)
class RunUpload:
    """What a pipeline sent about one run, parsed."""

    service: str
    sha: str
    branch: str
    run_id: str
    coverage: tuple[CoverageReport, ...]
    tests: tuple[TestReport, ...]
    changed_lines: dict[str, set[int]] | None

    @property
    def formats(self) -> list[str]:
        found = [report.format for report in self.coverage] + [t.format for t in self.tests]
        return sorted({str(name) for name in found})


def read_reports(
    files: Sequence[tuple[str, str | None, bytes | str]], locale: str
) -> tuple[tuple[CoverageReport, ...], tuple[TestReport, ...]]:
    """Each (field, file name, content) read; the first refused one is a 422 naming its field."""
    if not files:
        raise InvalidInput(
            "No report", [{"field": "reports", "message": "attach at least one report"}]
        )
    if len(files) > MAX_REPORTS:
        message = f"at most {MAX_REPORTS} reports per run"
        raise InvalidInput("Too many reports", [{"field": "reports", "message": message}])
    coverage: list[CoverageReport] = []
    tests: list[TestReport] = []
    for field, filename, content in files:
        try:
            report = read_report(content, filename)
        except ReportError as error:
            raise _refused(field, filename, error, locale) from None
        if isinstance(report, CoverageReport):
            coverage.append(report)
        else:
            tests.append(report)
    return tuple(coverage), tuple(tests)


def _refused(field: str, filename: str | None, error: ReportError, locale: str) -> InvalidInput:
    where = [filename or "", f"line {error.line}" if error.line else "", error.field or ""]
    prefix = ", ".join(part for part in where if part)
    text = render(error.finding, locale)
    message = f"{prefix}: {text}" if prefix else text
    return InvalidInput("Report refused", [{"field": field, "message": message}])


def read_changed_lines(
    field: str, content: bytes | str | None, locale: str
) -> dict[str, set[int]] | None:
    """Changed lines from a unified diff or a JSON {path: [line, ...]} text; None when absent."""
    if content is None:
        return None
    try:
        text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    except UnicodeDecodeError:
        raise _bad_changes(field, "not UTF-8 text") from None
    try:
        if text.lstrip().startswith("{"):
            return changed_lines_from_mapping(load_json(text))
        return changed_lines_from_diff(text)
    except JsonRefused as error:
        raise _bad_changes(field, f"malformed JSON: {error}") from None
    except DiffError as error:
        raise _bad_changes(field, _diff_reason(error, locale)) from None


def checked_changed_lines(field: str, data: object, locale: str) -> dict[str, set[int]] | None:
    """Changed lines given as plain data (the JSON variant); None when absent."""
    if data is None:
        return None
    try:
        return changed_lines_from_mapping(data)
    except DiffError as error:
        raise _bad_changes(field, _diff_reason(error, locale)) from None


def _diff_reason(error: DiffError, locale: str) -> str:
    text = render(Message(error.text, error.params), locale)
    return f"line {error.line}: {text}" if error.line else text


def _bad_changes(field: str, message: str) -> InvalidInput:
    return InvalidInput("Changed lines refused", [{"field": field, "message": message}])


def figures_of_coverage(reports: Sequence[CoverageReport]) -> CoverageFigures | None:
    """The reports as one: totals as stated when their files are apart, else each line covered
    when any report ran it; branches only when every report counts them."""
    if not reports:
        return None
    paths = [file.path for report in reports for file in report.files]
    branches = all(report.branches_valid is not None for report in reports)
    per_file: dict[str, dict[int, bool]] = {}
    file_branches: dict[str, tuple[int, int]] = {}
    for report in reports:
        for file in report.files:
            hits = per_file.setdefault(file.path, {})
            for line, ran in file.line_hits().items():
                hits[line] = hits.get(line, False) or ran
            kept = file_branches.get(file.path, (0, 0))
            found = (file.branches_covered or 0, file.branches_valid or 0)
            file_branches[file.path] = max(kept, found)
    if len(paths) == len(set(paths)):
        lines_valid = sum(report.lines_valid for report in reports)
        lines_covered = sum(report.lines_covered for report in reports)
        branches_valid = sum(report.branches_valid or 0 for report in reports)
        branches_covered = sum(report.branches_covered or 0 for report in reports)
    else:
        lines_valid = sum(len(hits) for hits in per_file.values())
        lines_covered = sum(sum(hits.values()) for hits in per_file.values())
        branches_covered = sum(covered for covered, _ in file_branches.values())
        branches_valid = sum(valid for _, valid in file_branches.values())
    return CoverageFigures(
        lines_valid,
        lines_covered,
        per_file,
        branches_valid if branches else None,
        branches_covered if branches else None,
    )


def figures_of_tests(reports: Sequence[TestReport]) -> TestFigures | None:
    """The runs' counts added up."""
    if not reports:
        return None
    return TestFigures(
        sum(report.tests for report in reports),
        sum(report.failed for report in reports),
        sum(report.errors for report in reports),
        sum(report.skipped for report in reports),
    )
