"""The facts a Harbor delivery states, as plain frozen values with stable natural keys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

PayloadFormat = Literal["default", "cloudevents"]

PUSH_ARTIFACT = "PUSH_ARTIFACT"
SCANNING_COMPLETED = "SCANNING_COMPLETED"
SCANNING_FAILED = "SCANNING_FAILED"
SCANNING_STOPPED = "SCANNING_STOPPED"
SCAN_EVENTS = frozenset({SCANNING_COMPLETED, SCANNING_FAILED, SCANNING_STOPPED})
HANDLED_EVENTS = frozenset({PUSH_ARTIFACT}) | SCAN_EVENTS


@dataclass(frozen=True, slots=True)
class ArtifactFact:
    """An artifact pushed to a repository: one per resource of a PUSH_ARTIFACT event."""

    registry: str  # host (and port) of resource_url, e.g. "hub.harbor.com"
    project: str  # Harbor project, the repository's namespace
    repository: str  # repository name within the project, e.g. "debian"
    digest: str  # "sha256:…"
    tag: str | None  # None when pushed by digest only
    pushed_at: datetime  # aware UTC
    operator: str | None
    resource_url: str

    @property
    def full_name(self) -> str:
        return f"{self.project}/{self.repository}"

    @property
    def natural_key(self) -> tuple[str, str, str, str]:
        """(registry, project/repository, digest, tag or ""): the same push redelivered."""
        return (self.registry, self.full_name, self.digest, self.tag or "")


@dataclass(frozen=True, slots=True)
class VulnerabilityCounts:
    """A scan report's summary: vulnerabilities by severity, all of them, and the fixable ones."""

    total: int
    fixable: int
    critical: int = 0
    high: int = 0
    medium: int = 0
    low: int = 0
    negligible: int = 0
    unknown: int = 0


@dataclass(frozen=True, slots=True)
class ScanFact:
    """The outcome of one vulnerability scan of an artifact (completed, failed or stopped)."""

    registry: str
    project: str
    repository: str
    digest: str
    tag: str | None
    report_id: str | None
    # The scan_overview key: "application/vnd.security.vulnerability.report; version=1.1".
    report_type: str
    scan_status: str  # "Success", "Error", "Stopped", ...
    severity: str | None  # overall: "None", "Low", ... "Critical"; None when the scan gave none
    scanner_name: str | None
    scanner_vendor: str | None
    scanner_version: str | None
    started_at: datetime | None
    finished_at: datetime | None
    counts: VulnerabilityCounts | None  # None when the report has no summary (a failed scan)
    reported_at: datetime  # when Harbor sent the event
    operator: str | None

    @property
    def full_name(self) -> str:
        return f"{self.project}/{self.repository}"

    @property
    def natural_key(self) -> tuple[str, str, str, str, str]:
        """(registry, project/repository, digest, report type, report id — or the finish time
        when Harbor gave no id): one report, however often it is delivered."""
        moment = self.finished_at or self.reported_at
        return (
            self.registry,
            self.full_name,
            self.digest,
            self.report_type,
            self.report_id or moment.isoformat(),
        )


@dataclass(frozen=True, slots=True)
class HarborDelivery:
    """What one webhook delivery says; an event type tmse does not use yields no facts."""

    event_type: str  # Harbor's name (PUSH_ARTIFACT, ...), CloudEvents types mapped to it
    payload_format: PayloadFormat
    event_id: str | None  # the CloudEvents id; the Default format has none
    occurred_at: datetime | None  # None for event types that are not read
    operator: str | None
    artifacts: tuple[ArtifactFact, ...] = ()
    scans: tuple[ScanFact, ...] = ()

    @property
    def handled(self) -> bool:
        return self.event_type in HANDLED_EVENTS
