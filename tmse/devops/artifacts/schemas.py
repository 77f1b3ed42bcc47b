"""What the artifacts API answers: an artifact and the summary of its latest scan."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel


class ScanSummary(BaseModel):
    """The latest vulnerability report of an artifact's digest; counts are None when the scan
    gave no summary (it failed or was stopped)."""

    scan_status: str
    severity: str | None
    scanner_name: str | None
    scanner_version: str | None
    finished_at: dt.datetime | None
    critical: int | None
    high: int | None
    medium: int | None
    low: int | None
    negligible: int | None
    unknown: int | None
    total: int | None
    fixable: int | None


class ArtifactOut(BaseModel):
    """An artifact pushed to a registry, the service it belongs to, and its latest scan."""

    id: int
    registry: str
    project: str
    repository: str
    digest: str
    tag: str | None
    pushed_at: dt.datetime
    operator: str | None
    service: str | None
    latest_scan: ScanSummary | None
