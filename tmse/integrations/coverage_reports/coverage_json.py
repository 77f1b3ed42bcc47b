"""coverage.py JSON (`coverage json`): meta, files{path: executed and missing lines}, totals."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tmse.integrations.coverage_reports.errors import LINE_TWICE, WRONG_TYPE, ReportError
from tmse.integrations.coverage_reports.model import CoverageReport, FileCoverage, ReportFormat
from tmse.integrations.coverage_reports.paths import repository_path
from tmse.integrations.coverage_reports.values import (
    count,
    covered_within,
    line_number,
    plain_name,
)

# {"meta": {"format": 3, "version": "7.x", "branch_coverage": true, ...},
#  "files": {"src/app.py": {"executed_lines": [1, 2], "missing_lines": [5],
#                           "summary": {...}, "executed_branches": [[2, 3]], ...}},
#  "totals": {"covered_lines": 2, "num_statements": 3, "num_branches": 2,
#             "covered_branches": 1, ...}}
# Branch figures are present only when the run measured branches.


def is_coverage_json(data: object) -> bool:
    return isinstance(data, dict) and {"meta", "files", "totals"} <= data.keys()


def read_coverage_json(
    data: Mapping[str, Any], repository_root: str | None = None
) -> CoverageReport:
    _mapping(data["meta"], "meta")
    totals = _mapping(data["totals"], "totals")
    files = tuple(
        sorted(
            (
                _file(name, value, repository_root)
                for name, value in _mapping(data["files"], "files").items()
            ),
            key=lambda file: file.path,
        )
    )
    lines_valid = _count(totals, "num_statements", "totals")
    lines_covered = _count(totals, "covered_lines", "totals")
    covered_within(lines_covered, lines_valid, "covered_lines", "totals")
    branches_valid = branches_covered = None
    if "num_branches" in totals:
        branches_valid = _count(totals, "num_branches", "totals")
        branches_covered = _count(totals, "covered_branches", "totals")
        covered_within(branches_covered, branches_valid, "covered_branches", "totals")
    return CoverageReport(
        format=ReportFormat.COVERAGE_PY_JSON,
        lines_valid=lines_valid,
        lines_covered=lines_covered,
        branches_valid=branches_valid,
        branches_covered=branches_covered,
        files=files,
    )


def _file(name: object, value: object, repository_root: str | None) -> FileCoverage:
    where = f"files[{name!r}]"
    path = repository_path(plain_name(name, "file name", "files"), (), repository_root)
    entry = _mapping(value, where)
    executed = _lines(entry.get("executed_lines"), f"{where}.executed_lines")
    missing = _lines(entry.get("missing_lines"), f"{where}.missing_lines")
    both = executed & missing
    if both:
        raise ReportError(LINE_TWICE, {"number": min(both)}, field=where)
    summary = _mapping(entry.get("summary", {}), f"{where}.summary")
    branches_valid = branches_covered = None
    if "num_branches" in summary:
        at = f"{where}.summary"
        branches_valid = _count(summary, "num_branches", at)
        branches_covered = _count(summary, "covered_branches", at)
        covered_within(branches_covered, branches_valid, "covered_branches", at)
    return FileCoverage(path, executed, missing, branches_valid, branches_covered)


def _mapping(value: object, field: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ReportError(
            WRONG_TYPE,
            {"name": field, "expected": "an object", "actual": type(value).__name__},
            field=field,
        )
    return value


def _lines(value: object, field: str) -> frozenset[int]:
    if not isinstance(value, list):
        raise ReportError(
            WRONG_TYPE,
            {"name": field, "expected": "a list of line numbers", "actual": type(value).__name__},
            field=field,
        )
    return frozenset(
        line_number(_integer(item, "line number", f"{field}[{n}]"), f"{field}[{n}]")
        for n, item in enumerate(value)
    )


def _integer(value: object, name: str, field: str) -> object:
    """JSON numbers only: a count written as a string or a boolean is refused."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ReportError(
            WRONG_TYPE,
            {"name": name, "expected": "a whole number", "actual": type(value).__name__},
            field=field,
        )
    return value


def _count(source: Mapping[str, Any], name: str, field: str) -> int:
    return count(_integer(source.get(name), name, field), name, field)
