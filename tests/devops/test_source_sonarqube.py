"""SonarQube analyses delivered to a configured hook source: signed with the source's secret,
the gate becomes the service's "quality-gate" fact (a redelivery changes nothing); an analysis
of no known service, or of a pull request, is ignored with the reason; a bad signature or body
is refused, logged, and stores nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from tests.helpers.hook_sources import catalog_service, log_lines, make_source, sample
from tmse.core.db import Database
from tmse.core.messages import render
from tmse.standards.facts.models import ServiceFact

FACTS = "/api/v1/standards/facts"


def sonar(client: TestClient, name: str, secret: str, body: bytes) -> Response:
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {"X-Sonar-Webhook-HMAC-SHA256": signature, "Content-Type": "application/json"}
    return client.post(f"/api/v1/hooks/sonarqube/{name}", content=body, headers=headers)


def analysis(service: str | None = None, **changes: Any) -> bytes:
    payload = sample("sonarqube", "project_analysis_docs.json")
    if service is not None:
        payload["properties"] = {"sonar.analysis.tmseService": service}
    payload.update(changes)
    return json.dumps(payload).encode()


def fact_count(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(ServiceFact)) or 0


def test_an_analysis_naming_its_service_reports_the_gate_once(client, admin, db):
    catalog_service(client, admin, "checkout")
    secret = make_source(client, admin, "sonarqube", "sonar")["secret"]

    first = sonar(client, "sonar", secret, analysis("checkout"))
    assert (first.status_code, first.json()["outcome"], first.json()["created"]) == (
        200,
        "stored",
        1,
    )
    facts = client.get(FACTS, params={"service": "checkout"}, headers=admin.headers).json()
    [fact] = facts["items"]
    assert fact["kind"] == "quality-gate"
    value = fact["value"]
    assert (value["status"], value["passed"], value["gate"]) == ("OK", True, "SonarQube way")
    assert value["project_key"] == "org.sonarqube:example"
    # The documented sample's four conditions, the last without a measured value.
    assert [c["metric"] for c in value["conditions"]] == [
        "new_security_rating",
        "new_reliability_rating",
        "new_maintainability_rating",
        "new_coverage",
    ]
    assert (value["conditions"][3]["status"], value["conditions"][3]["value"]) == (
        "NO_VALUE",
        None,
    )
    assert fact["reported_by"] == "hook:sonarqube/sonar"

    again = sonar(client, "sonar", secret, analysis("checkout"))
    assert (again.json()["outcome"], again.json()["unchanged"]) == ("unchanged", 1)
    assert fact_count(db) == 1

    # A later analysis whose gate failed replaces the fact.
    failed_gate = sample("sonarqube", "project_analysis_docs.json")["qualityGate"]
    failed_gate["status"] = "ERROR"
    later = sonar(
        client,
        "sonar",
        secret,
        analysis("checkout", taskId="AVh21JS2-later", qualityGate=failed_gate),
    )
    assert (later.json()["outcome"], later.json()["updated"]) == ("stored", 1)
    facts = client.get(FACTS, params={"service": "checkout"}, headers=admin.headers).json()
    assert (facts["items"][0]["value"]["status"], facts["items"][0]["value"]["passed"]) == (
        "ERROR",
        False,
    )


def test_a_project_key_equal_to_a_service_name_finds_the_service(client, admin, db):
    catalog_service(client, admin, "aws")
    secret = make_source(client, admin, "sonarqube", "sonar")["secret"]
    body = json.dumps(sample("sonarqube", "gate_change_without_task.json")).encode()
    answer = sonar(client, "sonar", secret, body)
    assert answer.json()["outcome"] == "stored"
    facts = client.get(FACTS, params={"service": "aws"}, headers=admin.headers).json()
    assert facts["items"][0]["value"]["branch"] == "main"
    assert facts["items"][0]["source"] == "http://localhost:9000/dashboard?id=aws"


def test_an_analysis_of_no_known_service_is_ignored_with_the_reason(client, admin, db):
    secret = make_source(client, admin, "sonarqube", "sonar")["secret"]
    answer = sonar(client, "sonar", secret, analysis())
    assert (answer.status_code, answer.json()["outcome"]) == (200, "ignored")
    [line] = log_lines(db)
    assert (line.outcome, line.delivery_id) == ("ignored", "AVh21JS2JepAEhwQ-b3u")
    assert render(line.message, "en") == (
        "No service is named org.sonarqube:example: "
        "set sonar.analysis.tmseService to the service's name"
    )
    assert "服务" in render(line.message, "zh_CN")
    assert fact_count(db) == 0


def test_a_pull_request_analysis_leaves_the_service_gate_alone(client, admin, db):
    catalog_service(client, admin, "sonarsource-auto-resolver-service")
    secret = make_source(client, admin, "sonarqube", "sonar")["secret"]
    body = json.dumps(sample("sonarqube", "pull_request_analysis.json")).encode()
    answer = sonar(client, "sonar", secret, body)
    assert answer.json()["outcome"] == "ignored"
    assert fact_count(db) == 0


def test_a_wrong_signature_or_a_malformed_body_is_refused_and_only_logged(client, admin, db):
    catalog_service(client, admin, "checkout")
    make_source(client, admin, "sonarqube", "sonar")
    forged = sonar(client, "sonar", "not-the-secret-of-this-source", analysis("checkout"))
    assert forged.status_code == 401
    assert forged.json()["errors"][0]["field"] == "X-Sonar-Webhook-HMAC-SHA256"

    secret = make_source(client, admin, "sonarqube", "other")["secret"]
    malformed = sonar(client, "other", secret, analysis("checkout", taskId=17))
    assert malformed.status_code == 422
    assert malformed.json()["errors"][0]["field"] == "taskId"

    assert fact_count(db) == 0
    assert [(line.outcome, line.status_code) for line in log_lines(db)] == [
        ("refused", 401),
        ("refused", 422),
    ]
