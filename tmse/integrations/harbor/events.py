"""A Harbor webhook body (Default or CloudEvents format) → the artifact and scan facts it states."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from tmse.integrations.harbor.errors import BAD_DIGEST, BAD_PATTERN, NOT_ONE_OF, DeliveryRefused
from tmse.integrations.harbor.fields import (
    MAX_BODY_BYTES,
    MAX_URL,
    Node,
    checked_count,
    checked_text,
    load_body,
)
from tmse.integrations.harbor.model import (
    HANDLED_EVENTS,
    PUSH_ARTIFACT,
    ArtifactFact,
    HarborDelivery,
    PayloadFormat,
    ScanFact,
    VulnerabilityCounts,
)

# Harbor ≥ 2.8 names its CloudEvents types so; each stands for one Default event type.
CLOUD_EVENT_TYPES = {
    "harbor.artifact.pushed": "PUSH_ARTIFACT",
    "harbor.artifact.pulled": "PULL_ARTIFACT",
    "harbor.artifact.deleted": "DELETE_ARTIFACT",
    "harbor.scan.completed": "SCANNING_COMPLETED",
    "harbor.scan.stopped": "SCANNING_STOPPED",
    "harbor.scan.failed": "SCANNING_FAILED",
    "harbor.quota.exceeded": "QUOTA_EXCEED",
    "harbor.quota.warned": "QUOTA_WARNING",
    "harbor.replication.status.changed": "REPLICATION",
    "harbor.tag_retention.finished": "TAG_RETENTION",
}
# The summary's severity names (Harbor's vuln.Severity) and the count each fills.
SEVERITY_COUNTS = {
    "Critical": "critical",
    "High": "high",
    "Medium": "medium",
    "Low": "low",
    "Negligible": "negligible",
    "Unknown": "unknown",
}
OVERALL_SEVERITIES = frozenset({"None", *SEVERITY_COUNTS})
MAX_COUNT = 1_000_000_000

_EVENT_TYPE = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,99}")
_DIGEST = re.compile(r"([a-z0-9]+(?:[+._-][a-z0-9]+)*):([0-9a-f]+)")
_DIGEST_LENGTHS = {"sha256": 64, "sha384": 96, "sha512": 128}
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,127}")
_HOST = re.compile(
    r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?)(:\d{1,5})?"
)
_SCHEME = re.compile(r"https?://", re.IGNORECASE)
_STATUS = re.compile(r"[A-Za-z][A-Za-z_ ]{0,39}")


def parse(body: bytes, *, max_bytes: int = MAX_BODY_BYTES) -> HarborDelivery:
    """The facts of one delivery body; DeliveryRefused, naming the field, when it is malformed.
    An event type tmse does not read answers a delivery without facts, naming the type."""
    root = load_body(body, max_bytes)
    if root.has("specversion"):
        return _cloud_event(root)
    event_type = _event_type(root)
    if event_type not in HANDLED_EVENTS:
        return HarborDelivery(event_type, "default", None, None, None)
    occurred_at = root.epoch("occur_at")
    operator = root.optional_text("operator")
    return _delivery(event_type, "default", None, occurred_at, operator, root.node("event_data"))


def _cloud_event(root: Node) -> HarborDelivery:
    version = root.text("specversion", 16)
    if version != "1.0":
        raise DeliveryRefused(NOT_ONE_OF, "specversion", value=version, choices="1.0")
    raw_type = _event_type(root)
    event_type = CLOUD_EVENT_TYPES.get(raw_type, raw_type)
    event_id = root.text("id")
    if event_type not in HANDLED_EVENTS:
        return HarborDelivery(event_type, "cloudevents", event_id, None, None)
    occurred_at = root.timestamp("time")
    operator = root.optional_text("operator")
    return _delivery(event_type, "cloudevents", event_id, occurred_at, operator, root.node("data"))


def _event_type(root: Node) -> str:
    return root.matching("type", _EVENT_TYPE, "event type")


def _delivery(
    event_type: str,
    payload_format: PayloadFormat,
    event_id: str | None,
    occurred_at: datetime,
    operator: str | None,
    data: Node,
) -> HarborDelivery:
    repository = data.node("repository")
    project = repository.text("namespace")
    name = repository.text("name")
    resources = data.nodes("resources")
    delivery = HarborDelivery(event_type, payload_format, event_id, occurred_at, operator)
    if event_type == PUSH_ARTIFACT:
        artifacts = tuple(
            _artifact(resource, project, name, occurred_at, operator) for resource in resources
        )
        return replace(delivery, artifacts=artifacts)
    scans = tuple(
        scan
        for resource in resources
        for scan in _scans(resource, project, name, occurred_at, operator)
    )
    return replace(delivery, scans=scans)


def _artifact(
    resource: Node, project: str, name: str, pushed_at: datetime, operator: str | None
) -> ArtifactFact:
    url = resource.text("resource_url", MAX_URL)
    digest = _digest(resource)
    return ArtifactFact(
        registry=_registry(url, resource.where("resource_url")),
        project=project,
        repository=name,
        digest=digest,
        tag=_tag(resource, digest),
        pushed_at=pushed_at,
        operator=operator,
        resource_url=url,
    )


def _scans(
    resource: Node, project: str, name: str, reported_at: datetime, operator: str | None
) -> list[ScanFact]:
    """One fact per vulnerability report in the resource's scan_overview (SBOM reports and
    other kinds are not vulnerability scans and are left out)."""
    url = resource.text("resource_url", MAX_URL)
    registry = _registry(url, resource.where("resource_url"))
    digest = _digest(resource)
    tag = _tag(resource, digest)
    overview = resource.node("scan_overview")
    facts = []
    for report_type, value in overview.data.items():
        checked_text(report_type, overview.where(report_type))
        if "vulnerability" not in report_type.lower():
            continue
        report = Node.of(value, overview.where(report_type))
        scanner = report.node("scanner") if report.has("scanner") else None
        facts.append(
            ScanFact(
                registry=registry,
                project=project,
                repository=name,
                digest=digest,
                tag=tag,
                report_id=report.optional_text("report_id", 100),
                report_type=report_type,
                scan_status=report.matching("scan_status", _STATUS, "scan status"),
                severity=_severity(report),
                scanner_name=scanner.optional_text("name") if scanner else None,
                scanner_vendor=scanner.optional_text("vendor") if scanner else None,
                scanner_version=scanner.optional_text("version") if scanner else None,
                started_at=report.optional_timestamp("start_time"),
                finished_at=report.optional_timestamp("end_time"),
                counts=_counts(report.node("summary")) if report.has("summary") else None,
                reported_at=reported_at,
                operator=operator,
            )
        )
    return facts


def _digest(resource: Node) -> str:
    value = resource.text("digest", 200)
    match = _DIGEST.fullmatch(value)
    wanted = _DIGEST_LENGTHS.get(match.group(1)) if match else None
    if not match or (wanted is not None and len(match.group(2)) != wanted):
        raise DeliveryRefused(BAD_DIGEST, resource.where("digest"), value=value[:80])
    return value


def _tag(resource: Node, digest: str) -> str | None:
    """The tag, or None when there is none: pushed by digest, Harbor repeats the digest here."""
    value = resource.optional_text("tag", 200)
    if value is None or value == digest:
        return None
    if not _TAG.fullmatch(value):
        raise DeliveryRefused(BAD_PATTERN, resource.where("tag"), value=value[:80], kind="tag")
    return value


def _registry(url: str, where: str) -> str:
    """The registry host (and port) that starts a resource URL: "hub.harbor.com/lib/app:1"."""
    host, slash, _ = _SCHEME.sub("", url, count=1).partition("/")
    if not slash or not _HOST.fullmatch(host):
        raise DeliveryRefused(BAD_PATTERN, where, value=url[:80], kind="resource URL")
    return host.lower()


def _severity(report: Node) -> str | None:
    value = report.optional_text("severity", 20)
    if value is not None and value not in OVERALL_SEVERITIES:
        choices = ", ".join(sorted(OVERALL_SEVERITIES))
        raise DeliveryRefused(NOT_ONE_OF, report.where("severity"), value=value, choices=choices)
    return value


def _counts(summary: Node) -> VulnerabilityCounts:
    """Harbor's VulnerabilitySummary: total, fixable, and counts keyed by severity name."""
    by_severity: dict[str, int] = {}
    if summary.has("summary"):
        severities = summary.node("summary")
        for key, value in severities.data.items():
            where = severities.where(key)
            field = SEVERITY_COUNTS.get(key)
            if field is None:
                choices = ", ".join(SEVERITY_COUNTS)
                raise DeliveryRefused(NOT_ONE_OF, where, value=key[:40], choices=choices)
            by_severity[field] = checked_count(value, where, MAX_COUNT)
    return VulnerabilityCounts(
        total=summary.count("total", MAX_COUNT),
        fixable=summary.count("fixable", MAX_COUNT) if summary.has("fixable") else 0,
        **by_severity,
    )
