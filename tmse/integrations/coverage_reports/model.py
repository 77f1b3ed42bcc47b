"""What a coverage or test report says, as plain frozen data."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ReportFormat(StrEnum):
    COBERTURA = "cobertura"
    JACOCO = "jacoco"
    COVERAGE_PY_JSON = "coverage.py json"
    JUNIT = "junit"


@dataclass(frozen=True)
class FileCoverage:
    """One source file: its normalised path and which coverable lines ran."""

    path: str
    covered_lines: frozenset[int]
    missed_lines: frozenset[int]
    branches_valid: int | None = None
    branches_covered: int | None = None

    @property
    def lines_valid(self) -> int:
        return len(self.covered_lines) + len(self.missed_lines)

    @property
    def lines_covered(self) -> int:
        return len(self.covered_lines)

    def line_hits(self) -> dict[int, bool]:
        """Each coverable line and whether it ran."""
        hits = dict.fromkeys(self.missed_lines, False)
        hits.update(dict.fromkeys(self.covered_lines, True))
        return dict(sorted(hits.items()))


@dataclass(frozen=True)
class CoverageReport:
    """Totals as the report states them (the per-file sums when it states none), and the files."""

    format: ReportFormat
    lines_valid: int
    lines_covered: int
    branches_valid: int | None
    branches_covered: int | None
    files: tuple[FileCoverage, ...]
    sources: tuple[str, ...] = ()
    instructions_valid: int | None = None  # JaCoCo only
    instructions_covered: int | None = None

    @property
    def line_rate(self) -> float | None:
        """Covered share of coverable lines (0 to 1), None when nothing is coverable."""
        return self.lines_covered / self.lines_valid if self.lines_valid else None

    @property
    def branch_rate(self) -> float | None:
        if not self.branches_valid or self.branches_covered is None:
            return None
        return self.branches_covered / self.branches_valid

    def file(self, path: str) -> FileCoverage | None:
        """The file with this normalised path, if the report has it."""
        return next((file for file in self.files if file.path == path), None)


@dataclass(frozen=True)
class FailingTest:
    """A test that failed (an assertion) or errored (anything else), with a shortened message."""

    suite: str
    class_name: str
    name: str
    kind: str  # "failure" or "error"
    message: str
    type: str = ""


@dataclass(frozen=True)
class TestReport:
    """Counts of a JUnit-style run; `failing` lists the first failures and errors."""

    __test__ = False  # not a pytest test class, whatever its name says

    format: ReportFormat
    tests: int
    failed: int
    errors: int
    skipped: int
    time_seconds: float
    failing: tuple[FailingTest, ...]

    @property
    def passed(self) -> int:
        return self.tests - self.failed - self.errors - self.skipped

    @property
    def failing_left_out(self) -> int:
        """Failures and errors beyond those listed in `failing`."""
        return self.failed + self.errors - len(self.failing)
