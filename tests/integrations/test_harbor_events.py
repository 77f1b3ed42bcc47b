"""Harbor webhook deliveries → facts: the documentation's own samples, auth, hostile bodies."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tmse.integrations.harbor import (
    MAX_BODY_BYTES,
    ArtifactFact,
    DeliveryRefused,
    SignatureRefused,
    VulnerabilityCounts,
    parse,
    verify_auth,
)

SAMPLES = Path(__file__).parent / "fixtures" / "harbor"
ALPINE = "sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4"
DEBIAN = "sha256:8a9e9863dbb6e10edb5adfe917c00da84e1700fa76e7ed02476aa6e6fb8ee0d8"
FAILED = "sha256:dabea2944dcc2b86482b4f0b0fb62da80e0673e900c46c0e03b45919881a5d84"
VULN_REPORT = "application/vnd.security.vulnerability.report; version=1.1"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def sample_data(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(sample(name))
    return data


def body(data: Any) -> bytes:
    return json.dumps(data).encode()


def refusal(payload: bytes, **options: Any) -> DeliveryRefused:
    with pytest.raises(DeliveryRefused) as caught:
        parse(payload, **options)
    return caught.value


# --- the documentation's samples, field by field ---------------------------------------------


def test_push_with_a_tag() -> None:
    delivery = parse(sample("push_artifact_default_tagged.json"))
    assert delivery.event_type == "PUSH_ARTIFACT"
    assert delivery.payload_format == "default"
    assert delivery.handled
    assert delivery.event_id is None
    assert delivery.operator == "admin"
    # 1586922308 = 1586908800 (2020-04-15T00:00Z) + 13508 s (3 h 45 min 8 s)
    pushed = datetime(2020, 4, 15, 3, 45, 8, tzinfo=UTC)
    assert delivery.occurred_at == pushed
    assert delivery.scans == ()
    assert delivery.artifacts == (
        ArtifactFact(
            registry="hub.harbor.com",
            project="test-webhook",
            repository="debian",
            digest=DEBIAN,
            tag="latest",
            pushed_at=pushed,
            operator="admin",
            resource_url="hub.harbor.com/test-webhook/debian:latest",
        ),
    )
    (artifact,) = delivery.artifacts
    assert artifact.full_name == "test-webhook/debian"
    assert artifact.natural_key == ("hub.harbor.com", "test-webhook/debian", DEBIAN, "latest")
    assert artifact.pushed_at.utcoffset() is not None


def test_push_by_digest_has_no_tag() -> None:
    # Pushed by digest, Harbor repeats the digest as the "tag": that is no tag.
    (artifact,) = parse(sample("push_artifact_default.json")).artifacts
    assert artifact.registry == "localhost"
    assert (artifact.project, artifact.repository) == ("harbor", "alpine")
    assert artifact.digest == ALPINE
    assert artifact.tag is None
    assert artifact.operator == "harbor-jobservice"
    # 1680501893 = 1680480000 (2023-04-03T00:00Z) + 21893 s (6 h 4 min 53 s)
    assert artifact.pushed_at == datetime(2023, 4, 3, 6, 4, 53, tzinfo=UTC)
    assert artifact.natural_key == ("localhost", "harbor/alpine", ALPINE, "")


def test_push_in_cloudevents_format() -> None:
    delivery = parse(sample("push_artifact_cloudevents.json"))
    assert delivery.event_type == "PUSH_ARTIFACT"
    assert delivery.payload_format == "cloudevents"
    assert delivery.event_id == "66e18103-09c1-41f6-982f-37df223f3eeb"
    assert delivery.occurred_at == datetime(2023, 4, 3, 6, 4, 46, tzinfo=UTC)
    assert delivery.operator == "harbor-jobservice"
    (artifact,) = delivery.artifacts
    assert artifact.natural_key == ("localhost", "harbor/alpine", ALPINE, "")
    assert artifact.pushed_at == datetime(2023, 4, 3, 6, 4, 46, tzinfo=UTC)
    # The same push in the Default format is the same fact for storage.
    (default,) = parse(sample("push_artifact_default.json")).artifacts
    assert default.natural_key == artifact.natural_key


def test_scan_completed() -> None:
    delivery = parse(sample("scanning_completed_default.json"))
    assert delivery.event_type == "SCANNING_COMPLETED"
    assert delivery.artifacts == ()
    (scan,) = delivery.scans
    assert (scan.registry, scan.project, scan.repository) == ("localhost", "harbor", "alpine")
    assert scan.digest == ALPINE
    assert scan.tag is None
    assert scan.report_id == "af0546c1-67dc-4e9d-927e-372900ead0df"
    assert scan.report_type == VULN_REPORT
    assert scan.scan_status == "Success"
    assert scan.severity == "None"
    assert (scan.scanner_name, scan.scanner_vendor, scan.scanner_version) == (
        "Trivy",
        "Aqua Security",
        "v0.37.2",
    )
    assert scan.started_at == datetime(2023, 4, 3, 6, 12, 47, tzinfo=UTC)
    assert scan.finished_at == datetime(2023, 4, 3, 6, 12, 55, tzinfo=UTC)
    # 1680502375 - 1680480000 = 22375 s = 6 h 12 min 55 s
    assert scan.reported_at == datetime(2023, 4, 3, 6, 12, 55, tzinfo=UTC)
    assert scan.operator == "auto"
    assert scan.counts == VulnerabilityCounts(total=0, fixable=0)
    assert scan.natural_key == (
        "localhost",
        "harbor/alpine",
        ALPINE,
        VULN_REPORT,
        "af0546c1-67dc-4e9d-927e-372900ead0df",
    )


def test_scan_completed_in_cloudevents_format_states_the_same_scan() -> None:
    default = parse(sample("scanning_completed_default.json")).scans
    cloud = parse(sample("scanning_completed_cloudevents.json"))
    assert cloud.event_id == "64bce2fe-6159-454d-8389-852d01ef1e9d"
    assert cloud.scans == default


def test_scan_counts_by_severity() -> None:
    # The documentation's sample scanned a clean image; this one found vulnerabilities.
    data = sample_data("scanning_completed_default.json")
    report = data["event_data"]["resources"][0]["scan_overview"][VULN_REPORT]
    report["severity"] = "Critical"
    report["summary"] = {
        "total": 41,
        "fixable": 17,
        "summary": {"Critical": 2, "High": 7, "Medium": 20, "Low": 9, "Unknown": 3},
    }
    (scan,) = parse(body(data)).scans
    assert scan.severity == "Critical"
    # 2 + 7 + 20 + 9 + 0 + 3 = 41; no Negligible key, so 0
    assert scan.counts == VulnerabilityCounts(
        total=41, fixable=17, critical=2, high=7, medium=20, low=9, negligible=0, unknown=3
    )


def test_scan_failed_has_no_counts() -> None:
    for name in ("scanning_failed_default.json", "scanning_failed_cloudevents.json"):
        delivery = parse(sample(name))
        assert delivery.event_type == "SCANNING_FAILED"
        (scan,) = delivery.scans
        assert scan.digest == FAILED
        assert scan.scan_status == "Error"
        assert scan.severity is None
        assert scan.counts is None
        assert scan.scanner_name is None
        assert scan.report_id == "a2573415-c727-4723-bc92-376c1d978637"


def test_scan_stopped_is_a_scan_outcome_too() -> None:
    (scan,) = parse(sample("scanning_stopped_default.json")).scans
    assert scan.scan_status == "Stopped"
    assert scan.counts is None


@pytest.mark.parametrize(
    ("name", "event_type"),
    [
        ("delete_artifact_default.json", "DELETE_ARTIFACT"),
        ("pull_artifact_default.json", "PULL_ARTIFACT"),
        ("quota_exceed_cloudevents.json", "QUOTA_EXCEED"),
        ("replication_default.json", "REPLICATION"),
    ],
)
def test_other_event_types_answer_no_facts_naming_the_type(name: str, event_type: str) -> None:
    delivery = parse(sample(name))
    assert delivery.event_type == event_type
    assert not delivery.handled
    assert (delivery.artifacts, delivery.scans) == ((), ())


def test_an_unknown_event_type_is_named_not_refused() -> None:
    delivery = parse(body({"type": "SOMETHING_NEW", "occur_at": 1}))
    assert delivery.event_type == "SOMETHING_NEW"
    assert not delivery.handled


# --- natural keys ------------------------------------------------------------------------------


def test_a_redelivered_payload_parses_to_equal_facts() -> None:
    for name in (
        "push_artifact_default_tagged.json",
        "push_artifact_cloudevents.json",
        "scanning_completed_default.json",
        "scanning_failed_default.json",
    ):
        first, again = parse(sample(name)), parse(sample(name))
        assert first == again
        assert [f.natural_key for f in first.artifacts + first.scans] == [
            f.natural_key for f in again.artifacts + again.scans
        ]


def test_another_tag_or_digest_is_another_fact() -> None:
    data = sample_data("push_artifact_default_tagged.json")
    (original,) = parse(body(data)).artifacts
    data["event_data"]["resources"][0]["tag"] = "bookworm"
    (retagged,) = parse(body(data)).artifacts
    data["event_data"]["resources"][0]["digest"] = "sha256:" + "0" * 64
    (rebuilt,) = parse(body(data)).artifacts
    assert len({original.natural_key, retagged.natural_key, rebuilt.natural_key}) == 3


def test_a_push_of_several_artifacts_gives_one_fact_each() -> None:
    data = sample_data("push_artifact_default_tagged.json")
    resource = data["event_data"]["resources"][0]
    data["event_data"]["resources"].append(
        {**resource, "tag": "12", "resource_url": "hub.harbor.com:8443/test-webhook/debian:12"}
    )
    first, second = parse(body(data)).artifacts
    assert (first.tag, second.tag) == ("latest", "12")
    assert second.registry == "hub.harbor.com:8443"


# --- authentication ----------------------------------------------------------------------------


def test_the_configured_authorization_header_is_accepted() -> None:
    verify_auth("Bearer s3cret-token", "Bearer s3cret-token")
    verify_auth("Bearer s3cret-token", "  Bearer s3cret-token ")


@pytest.mark.parametrize("header", ["Bearer wrong-token", "bearer s3cret-token", "Bearer s3cret"])
def test_a_wrong_authorization_header_is_refused(header: str) -> None:
    with pytest.raises(SignatureRefused) as caught:
        verify_auth("Bearer s3cret-token", header)
    assert caught.value.field == "Authorization"
    assert caught.value.text == "the {header} header does not match the configured secret"


@pytest.mark.parametrize("header", [None, "", "   "])
def test_a_missing_authorization_header_is_refused(header: str | None) -> None:
    with pytest.raises(SignatureRefused) as caught:
        verify_auth("Bearer s3cret-token", header)
    assert caught.value.text == "the {header} header is missing"
    assert caught.value.params == {"header": "Authorization"}


def test_without_a_configured_header_nothing_is_checked() -> None:
    verify_auth("", None)
    verify_auth("", "anything")


# --- hostile and malformed bodies --------------------------------------------------------------


def test_not_json() -> None:
    error = refusal(b"<html>not json</html>")
    assert error.field == "body"
    assert error.text == "the body is not JSON: {reason}"


def test_not_utf8() -> None:
    assert refusal(b'{"type": "\xff\xfe"}').field == "body"


def test_a_json_array_is_not_a_delivery() -> None:
    error = refusal(b"[1, 2]")
    assert (error.field, error.params) == ("body", {"expected": "object", "found": "array"})


def test_nesting_ten_thousand_deep() -> None:
    error = refusal(b"[" * 10_000 + b"]" * 10_000)
    assert error.field == "body"
    assert "nesting deeper" in str(error)


def test_a_body_over_the_size_limit() -> None:
    payload = sample("push_artifact_default.json")
    error = refusal(payload, max_bytes=len(payload) - 1)
    assert error.field == "body"
    assert error.params == {"size": len(payload), "limit": len(payload) - 1}
    assert parse(payload, max_bytes=len(payload)).artifacts
    assert MAX_BODY_BYTES == 5 * 1024 * 1024
    big = b" " * MAX_BODY_BYTES + payload
    assert refusal(big).field == "body"


DELETE = object()
REPOSITORY = ("event_data", "repository")
RESOURCE = ("event_data", "resources", 0)
REPORT = (*RESOURCE, "scan_overview", VULN_REPORT)
REPORT_PATH = f'event_data.resources[0].scan_overview["{VULN_REPORT}"]'


def changed(name: str, path: tuple[Any, ...], value: Any) -> bytes:
    """A sample with the value at `path` replaced (or removed, with DELETE)."""
    data = sample_data(name)
    _set(data, path, value)
    return body(data)


def push_with(path: tuple[Any, ...], value: Any) -> bytes:
    return changed("push_artifact_default_tagged.json", path, value)


def scan_with(path: tuple[Any, ...], value: Any) -> bytes:
    return changed("scanning_completed_default.json", path, value)


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("occur_at",), DELETE, "occur_at"),
        (("occur_at",), "1586922308", "occur_at"),
        (("occur_at",), 1586922308.5, "occur_at"),
        (("occur_at",), True, "occur_at"),
        (("occur_at",), -1, "occur_at"),
        (("occur_at",), 10**20, "occur_at"),
        (("type",), 42, "type"),
        (("type",), "PUSH ARTIFACT; drop", "type"),
        (("event_data",), [], "event_data"),
        (("event_data", "resources"), {}, "event_data.resources"),
        (("event_data", "resources"), ["x"], "event_data.resources[0]"),
        (REPOSITORY, DELETE, "event_data.repository"),
        ((*REPOSITORY, "name"), ["debian"], "event_data.repository.name"),
        ((*REPOSITORY, "namespace"), "", "event_data.repository.namespace"),
        ((*RESOURCE, "digest"), 7, "event_data.resources[0].digest"),
        ((*RESOURCE, "tag"), "la test", "event_data.resources[0].tag"),
        ((*RESOURCE, "resource_url"), "no-path-here", "event_data.resources[0].resource_url"),
        ((*RESOURCE, "resource_url"), "bad host!/a/b:1", "event_data.resources[0].resource_url"),
    ],
)
def test_wrong_types_and_values_name_the_field(path: Any, value: Any, field: str) -> None:
    assert refusal(push_with(path, value)).field == field


@pytest.mark.parametrize(
    "digest",
    [
        "8a9e9863dbb6e10edb5adfe917c00da84e1700fa76e7ed02476aa6e6fb8ee0d8",  # no algorithm
        "sha256:8a9e9863",  # too short for sha256
        "sha256:" + "g" * 64,  # not hex
        "SHA256:" + "a" * 64,  # algorithm in capitals
        "sha256:" + "A" * 64,  # hex in capitals
        "sha256:",
        ":" + "a" * 64,
    ],
)
def test_a_digest_that_is_not_algo_hex(digest: str) -> None:
    error = refusal(push_with((*RESOURCE, "digest"), digest))
    assert error.field == "event_data.resources[0].digest"
    assert error.text == "{value} is not a digest of the form algorithm:hex"


def test_a_sha512_digest_is_accepted() -> None:
    digest = "sha512:" + "ab" * 64
    (artifact,) = parse(push_with((*RESOURCE, "digest"), digest)).artifacts
    assert artifact.digest == digest


@pytest.mark.parametrize("bad", ["deb\x00ian", "deb\nian", "deb\x1bian", "deb\x85ian", "\x7f"])
def test_control_characters_in_names(bad: str) -> None:
    error = refusal(push_with((*REPOSITORY, "name"), bad))
    assert error.field == "event_data.repository.name"
    assert error.text == "control characters are not allowed"
    assert refusal(push_with(("operator",), bad)).field == "operator"


def test_an_overlong_name() -> None:
    error = refusal(push_with((*REPOSITORY, "name"), "a" * 256))
    assert (error.field, error.params) == ("event_data.repository.name", {"limit": 255})


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ((*REPORT, "summary", "total"), -1, f"{REPORT_PATH}.summary.total"),
        ((*REPORT, "summary", "total"), 10**12, f"{REPORT_PATH}.summary.total"),
        ((*REPORT, "summary", "fixable"), -3, f"{REPORT_PATH}.summary.fixable"),
        ((*REPORT, "summary", "summary"), {"High": -2}, f"{REPORT_PATH}.summary.summary.High"),
        ((*REPORT, "summary", "summary"), {"High": "2"}, f"{REPORT_PATH}.summary.summary.High"),
        ((*REPORT, "summary", "summary"), {"Severe": 2}, f"{REPORT_PATH}.summary.summary.Severe"),
        ((*REPORT, "severity"), "Catastrophic", f"{REPORT_PATH}.severity"),
        ((*REPORT, "scan_status"), None, f"{REPORT_PATH}.scan_status"),
        ((*REPORT, "end_time"), "yesterday", f"{REPORT_PATH}.end_time"),
        ((*REPORT, "end_time"), "2023-04-03T06:12:55", f"{REPORT_PATH}.end_time"),
        ((*REPORT, "start_time"), "2023-02-30T06:12:47Z", f"{REPORT_PATH}.start_time"),
        ((*REPORT, "scanner"), "Trivy", f"{REPORT_PATH}.scanner"),
        ((*RESOURCE, "scan_overview"), None, "event_data.resources[0].scan_overview"),
    ],
)
def test_malformed_scan_reports_name_the_field(path: Any, value: Any, field: str) -> None:
    assert refusal(scan_with(path, value)).field == field


def test_negative_counts_say_so() -> None:
    error = refusal(scan_with((*REPORT, "summary", "total"), -1))
    assert (error.text, error.params) == ("{value} is negative", {"value": -1})


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("time",), "2023-04-03", "time"),
        (("time",), 1680502375, "time"),
        (("time",), DELETE, "time"),
        (("specversion",), "0.3", "specversion"),
        (("id",), None, "id"),
        (("data",), "{}", "data"),
    ],
)
def test_malformed_cloud_events_name_the_field(path: Any, value: Any, field: str) -> None:
    assert refusal(changed("push_artifact_cloudevents.json", path, value)).field == field


def test_refusals_are_never_other_errors() -> None:
    # Every value of every field replaced by values of each JSON type: a DeliveryRefused or facts.
    for name in ("push_artifact_default_tagged.json", "scanning_completed_cloudevents.json"):
        original = sample_data(name)
        for path in _paths(original):
            for replacement in (None, 0, -5, 1.5, True, "", "x\x00", [], {}, [{}], "a" * 300):
                data = json.loads(json.dumps(original))
                _set(data, path, replacement)
                with contextlib.suppress(DeliveryRefused):
                    parse(body(data))


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = []
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, child in items:
        found.append((*prefix, key))
        if isinstance(child, dict | list):
            found += _paths(child, (*prefix, key))
    return found


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    if value is DELETE:
        del data[path[-1]]
    else:
        data[path[-1]] = value
