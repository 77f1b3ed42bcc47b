"""Coverage and test reports from CI (Cobertura, JaCoCo, coverage.py JSON, JUnit) as plain data."""

from tmse.integrations.coverage_reports.errors import ReportError
from tmse.integrations.coverage_reports.model import (
    CoverageReport,
    FailingTest,
    FileCoverage,
    ReportFormat,
    TestReport,
)
from tmse.integrations.coverage_reports.paths import normalise_path
from tmse.integrations.coverage_reports.reading import MAX_BYTES, read_report

__all__ = [
    "MAX_BYTES",
    "CoverageReport",
    "FailingTest",
    "FileCoverage",
    "ReportError",
    "ReportFormat",
    "TestReport",
    "normalise_path",
    "read_report",
]
