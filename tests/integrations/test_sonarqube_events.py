"""SonarQube analysis deliveries → quality gate facts: real samples, HMAC, hostile bodies."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tmse.integrations.sonarqube import (
    HEADER,
    MAX_BODY_BYTES,
    DeliveryRefused,
    GateCondition,
    SignatureRefused,
    parse,
    verify_signature,
)

SAMPLES = Path(__file__).parent / "fixtures" / "sonarqube"
SECRET = b"webhook-secret-from-sonarqube"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def sample_data(name: str = "project_analysis_docs.json") -> dict[str, Any]:
    data: dict[str, Any] = json.loads(sample(name))
    return data


def body(data: Any) -> bytes:
    return json.dumps(data).encode()


def refusal(payload: bytes, **options: Any) -> DeliveryRefused:
    with pytest.raises(DeliveryRefused) as caught:
        parse(payload, **options)
    return caught.value


def signed(payload: bytes, secret: bytes = SECRET) -> str:
    return hmac.new(secret, payload, hashlib.sha256).hexdigest()


# --- the samples, field by field ---------------------------------------------------------------


def test_the_documentation_sample() -> None:
    fact = parse(sample("project_analysis_docs.json"))
    assert fact.server_url == "http://localhost:9000"
    assert fact.task_id == "AVh21JS2JepAEhwQ-b3u"
    assert fact.task_status == "SUCCESS"
    # 2016-11-18T10:46:28+0100 is 09:46:28 UTC
    assert fact.analysed_at == datetime(2016, 11, 18, 9, 46, 28, tzinfo=UTC)
    assert fact.changed_at is None
    assert fact.revision is None
    assert (fact.project_key, fact.project_name, fact.project_url) == (
        "org.sonarqube:example",
        "Example",
        None,
    )
    assert (fact.branch, fact.branch_type, fact.is_main_branch, fact.pull_request) == (
        None,
        None,
        None,
        None,
    )
    assert fact.quality_gate == "SonarQube way"
    assert fact.quality_gate_status == "OK"
    assert fact.passed is True
    assert fact.conditions == (
        GateCondition("new_security_rating", "GREATER_THAN", "1", "1", "OK", True),
        GateCondition("new_reliability_rating", "GREATER_THAN", "1", "1", "OK", True),
        GateCondition("new_maintainability_rating", "GREATER_THAN", "1", "1", "OK", True),
        GateCondition("new_coverage", "LESS_THAN", None, "80", "NO_VALUE", True),
    )
    assert fact.properties == ()
    assert fact.tmse_service is None
    assert fact.natural_key == (
        "http://localhost:9000",
        "org.sonarqube:example",
        "AVh21JS2JepAEhwQ-b3u",
    )


def test_a_pull_request_analysis() -> None:
    fact = parse(sample("pull_request_analysis.json"))
    assert fact.server_url == "https://nautilus.sonarqube.org"
    assert fact.task_id == "4744377f-6f20-46d1-84f9-b86bf8e932d0"
    assert fact.revision == "0b8fcf23194db972bf92b1ba58f3764c2168528e"
    assert fact.analysed_at == fact.changed_at == datetime(2024, 12, 20, 20, 2, 21, tzinfo=UTC)
    assert fact.pull_request == "7"
    assert fact.branch is None
    assert fact.branch_type == "PULL_REQUEST"
    assert fact.is_main_branch is False
    assert fact.branch_url == (
        "https://nautilus.sonarqube.org/dashboard?id=sonarsource-auto-resolver-service"
        "&pullRequest=7"
    )
    assert fact.project_url == (
        "https://nautilus.sonarqube.org/dashboard?id=sonarsource-auto-resolver-service"
    )
    assert (fact.quality_gate, fact.quality_gate_status, fact.passed) == (
        "Sonar way",
        "ERROR",
        False,
    )
    assert [(c.metric, c.status) for c in fact.conditions] == [
        ("new_coverage", "ERROR"),
        ("new_duplicated_lines_density", "OK"),
        ("new_security_hotspots_reviewed", "NO_VALUE"),
        ("new_violations", "ERROR"),
    ]
    assert fact.conditions[0] == GateCondition("new_coverage", "LESS_THAN", "0.0", "80", "ERROR")
    assert fact.conditions[2].value is None
    assert fact.properties == (
        ("sonar.analysis.detectedci", "Github Actions"),
        ("sonar.analysis.detectedscm", "git"),
    )
    assert fact.property_value("sonar.analysis.detectedscm") == "git"


def test_a_gate_change_without_a_task_is_keyed_by_branch_and_change_time() -> None:
    fact = parse(sample("gate_change_without_task.json"))
    assert fact.task_id is None
    assert (fact.branch, fact.branch_type, fact.is_main_branch) == ("main", "BRANCH", True)
    # changedAt 2025-02-13T09:55:38+0100 = 08:55:38 UTC
    assert fact.changed_at == datetime(2025, 2, 13, 8, 55, 38, tzinfo=UTC)
    assert fact.natural_key == (
        "http://localhost:9000",
        "aws",
        "branch:main@2025-02-13T08:55:38+00:00",
    )


def test_analysis_properties_and_the_tmse_service() -> None:
    # The documentation's "Additional parameters" example, plus the property naming the service.
    data = sample_data()
    data["properties"] = {
        "sonar.analysis.scmRevision": "628f5175ada0d685fd7164baa7c6382c1f25cab4",
        "sonar.analysis.buildNumber": "12345",
        "sonar.analysis.tmseService": "payments-api",
    }
    fact = parse(body(data))
    assert fact.tmse_service == "payments-api"
    assert fact.properties == (
        ("sonar.analysis.buildNumber", "12345"),
        ("sonar.analysis.scmRevision", "628f5175ada0d685fd7164baa7c6382c1f25cab4"),
        ("sonar.analysis.tmseService", "payments-api"),
    )


def test_a_failed_task_without_a_gate() -> None:
    data = sample_data()
    data["status"] = "FAILED"
    del data["qualityGate"]
    fact = parse(body(data))
    assert fact.task_status == "FAILED"
    assert (fact.quality_gate, fact.quality_gate_status, fact.passed) == (None, None, None)
    assert fact.conditions == ()


def test_old_versions_warn_status_and_warning_threshold() -> None:
    data = sample_data()
    data["qualityGate"]["status"] = "WARN"
    data["qualityGate"]["conditions"][0].update(status="WARN", warningThreshold="2")
    fact = parse(body(data))
    assert fact.quality_gate_status == "WARN"
    assert fact.passed is False
    assert fact.conditions[0].warning_threshold == "2"


# --- natural keys ------------------------------------------------------------------------------


def test_a_redelivered_payload_parses_to_equal_facts() -> None:
    for name in (
        "project_analysis_docs.json",
        "pull_request_analysis.json",
        "gate_change_without_task.json",
    ):
        assert parse(sample(name)) == parse(sample(name))
        assert parse(sample(name)).natural_key == parse(sample(name)).natural_key


def test_another_task_or_another_change_is_another_fact() -> None:
    data = sample_data()
    first = parse(body(data)).natural_key
    data["taskId"] = "AVh21JS2JepAEhwQ-b3v"
    assert parse(body(data)).natural_key != first
    change = sample_data("gate_change_without_task.json")
    before = parse(body(change)).natural_key
    change["changedAt"] = "2025-02-14T09:55:38+0100"
    assert parse(body(change)).natural_key != before


# --- signature ---------------------------------------------------------------------------------


def test_hmac_sha256_known_vector() -> None:
    # RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?"
    digest = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    verify_signature(b"Jefe", b"what do ya want for nothing?", digest)
    verify_signature(b"Jefe", b"what do ya want for nothing?", digest.upper())


def test_a_signed_delivery_is_accepted() -> None:
    payload = sample("pull_request_analysis.json")
    verify_signature(SECRET, payload, signed(payload))
    assert HEADER == "X-Sonar-Webhook-HMAC-SHA256"


def test_a_wrong_secret_is_refused() -> None:
    payload = sample("pull_request_analysis.json")
    with pytest.raises(SignatureRefused) as caught:
        verify_signature(SECRET, payload, signed(payload, b"another-secret"))
    assert caught.value.field == HEADER
    assert caught.value.text == (
        "the {header} header does not match the body and the configured secret"
    )


def test_a_tampered_body_is_refused() -> None:
    payload = sample("pull_request_analysis.json")
    signature = signed(payload)
    tampered = payload.replace(b'"status": "ERROR"', b'"status": "OK"', 1)
    assert tampered != payload
    with pytest.raises(SignatureRefused):
        verify_signature(SECRET, tampered, signature)


@pytest.mark.parametrize("header", [None, "", "  "])
def test_a_missing_header_is_refused_when_a_secret_is_configured(header: str | None) -> None:
    with pytest.raises(SignatureRefused) as caught:
        verify_signature(SECRET, b"{}", header)
    assert caught.value.text == "the {header} header is missing"


@pytest.mark.parametrize("header", ["not-hex", "ab" * 31, "é" * 64])
def test_a_malformed_header_is_refused(header: str) -> None:
    with pytest.raises(SignatureRefused):
        verify_signature(SECRET, b"{}", header)


def test_without_a_secret_nothing_is_checked() -> None:
    verify_signature(b"", b"{}", None)


# --- hostile and malformed bodies --------------------------------------------------------------


def test_not_json() -> None:
    error = refusal(b"taskId=AVh21JS2JepAEhwQ-b3u")
    assert (error.field, error.text) == ("body", "the body is not JSON: {reason}")


def test_nesting_ten_thousand_deep() -> None:
    error = refusal(b'{"properties": ' + b"[" * 10_000 + b"]" * 10_000 + b"}")
    assert error.field == "body"


def test_a_body_over_the_size_limit() -> None:
    payload = sample("project_analysis_docs.json")
    error = refusal(payload, max_bytes=100)
    assert (error.field, error.params) == ("body", {"size": len(payload), "limit": 100})
    assert MAX_BODY_BYTES == 5 * 1024 * 1024
    assert refusal(payload + b" " * MAX_BODY_BYTES).field == "body"


def changed(change: Any, name: str = "pull_request_analysis.json") -> bytes:
    data = sample_data(name)
    change(data)
    return body(data)


def _condition(data: dict[str, Any]) -> dict[str, Any]:
    condition: dict[str, Any] = data["qualityGate"]["conditions"][0]
    return condition


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.pop("serverUrl"), "serverUrl"),
        (lambda d: d.update(serverUrl="localhost:9000"), "serverUrl"),
        (lambda d: d.update(serverUrl=9000), "serverUrl"),
        (lambda d: d.update(taskId="AVh21 JS2"), "taskId"),
        (lambda d: d.update(status="DONE"), "status"),
        (lambda d: d.update(status=None), "status"),
        (lambda d: d.update(analysedAt="20.12.2024"), "analysedAt"),
        (lambda d: d.update(analysedAt="2024-12-20T20:02:21"), "analysedAt"),
        (lambda d: d.update(analysedAt="2024-13-20T20:02:21+0000"), "analysedAt"),
        (lambda d: d.update(changedAt=1734724941), "changedAt"),
        (lambda d: d.update(revision="0b8f cf23"), "revision"),
        (lambda d: d.update(project="sonarsource-auto-resolver-service"), "project"),
        (lambda d: d.pop("project"), "project"),
        (lambda d: d["project"].pop("key"), "project.key"),
        (lambda d: d["project"].update(key=""), "project.key"),
        (lambda d: d["project"].update(name=["Auto"]), "project.name"),
        (lambda d: d["branch"].update(type="FEATURE"), "branch.type"),
        (lambda d: d["branch"].update(isMain="false"), "branch.isMain"),
        (lambda d: d["branch"].update(url="javascript:alert(1)"), "branch.url"),
        (lambda d: d["qualityGate"].update(status="PASSED"), "qualityGate.status"),
        (lambda d: d["qualityGate"].update(conditions={}), "qualityGate.conditions"),
        (lambda d: d["qualityGate"].update(conditions=["x"]), "qualityGate.conditions[0]"),
        (lambda d: _condition(d).update(operator="GT"), "qualityGate.conditions[0].operator"),
        (lambda d: _condition(d).update(status="FAIL"), "qualityGate.conditions[0].status"),
        (lambda d: _condition(d).update(value=0.0), "qualityGate.conditions[0].value"),
        (lambda d: _condition(d).pop("metric"), "qualityGate.conditions[0].metric"),
        (
            lambda d: _condition(d).update(errorThreshold=80),
            "qualityGate.conditions[0].errorThreshold",
        ),
        (lambda d: d.update(properties=[]), "properties"),
        (lambda d: d["properties"].update({"sonar.host.url": "x"}), 'properties["sonar.host.url"]'),
        (
            lambda d: d["properties"].update({"sonar.analysis.buildNumber": 12345}),
            'properties["sonar.analysis.buildNumber"]',
        ),
    ],
)
def test_wrong_types_and_values_name_the_field(change: Any, field: str) -> None:
    assert refusal(changed(change)).field == field


def test_a_delivery_with_neither_task_nor_time_has_no_natural_key() -> None:
    data = sample_data("gate_change_without_task.json")
    del data["analysedAt"], data["changedAt"]
    assert refusal(body(data)).field == "taskId"


@pytest.mark.parametrize("bad", ["pay\x00ments", "pay\nments", "pay\x1bments", "pay\x9bments"])
def test_control_characters_in_names(bad: str) -> None:
    assert refusal(changed(lambda d: d["project"].update(name=bad))).field == "project.name"
    error = refusal(changed(lambda d: d["properties"].update({"sonar.analysis.tmseService": bad})))
    assert error.field == 'properties["sonar.analysis.tmseService"]'
    assert error.text == "control characters are not allowed"


def test_refusals_are_never_other_errors() -> None:
    # Every value of every field replaced by values of each JSON type: a DeliveryRefused or a fact.
    for name in ("project_analysis_docs.json", "pull_request_analysis.json"):
        original = sample_data(name)
        for path in _paths(original):
            for replacement in (None, 0, -5, 1.5, True, "", "x\x00", [], {}, [{}], "a" * 5000):
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
    data[path[-1]] = value
