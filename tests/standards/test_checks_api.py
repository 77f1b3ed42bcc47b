"""Conformance checks over the API: log samples and OpenAPI documents, bad input located."""

from __future__ import annotations

import json

GOOD = json.dumps(
    {
        "timestamp": "2026-11-25T10:00:00Z",
        "level": "info",
        "service": "orders",
        "trace_id": "4bf92f3577b34da6",
        "message": "order placed",
    }
)
LEAKY = json.dumps(
    {
        "timestamp": "2026-11-25T10:00:01Z",
        "level": "info",
        "service": "orders",
        "trace_id": "4bf92f3577b34da7",
        "message": "login",
        "password": "hunter2-super-secret",
    }
)

SPEC = """openapi: 3.0.3
info: {title: Orders, version: "1"}
security: [{bearer: []}]
paths:
  /v1/orders/{orderId}:
    get:
      operationId: getOrder
      responses:
        "200": {description: ok}
        "404": {description: missing}
        default: {description: error}
  /v1/createOrder:
    post:
      responses:
        "201": {description: created}
"""


def test_log_sample_is_scored_and_secrets_are_redacted(client, make_account):
    engineer = make_account("engineer")
    response = client.post(
        "/api/v1/standards/checks/log-format",
        json={"lines": [GOOD, LEAKY, "plain text line"]},
        headers=engineer.headers,
    )
    body = response.json()
    assert (body["lines_checked"], body["lines_passing"]) == (3, 1)
    assert body["counts_by_rule"]["log.secret"] == 1
    assert body["counts_by_rule"]["log.not-json"] == 1
    assert "hunter2-super-secret" not in response.text


def test_openapi_document_in_yaml_gets_located_violations(client, make_account):
    engineer = make_account("engineer")
    response = client.post(
        "/api/v1/standards/checks/openapi",
        content=SPEC,
        headers={**engineer.headers, "content-type": "application/yaml"},
    )
    found = {(v["rule"], v["location"]) for v in response.json()["violations"]}
    assert ("oas.no-verbs-in-path", "paths./v1/createOrder") in found
    assert ("oas.operation-id-missing", "paths./v1/createOrder.post") in found
    assert ("oas.error-responses", "paths./v1/createOrder.post.responses") in found
    assert ("oas.path-kebab-case", "paths./v1/createOrder") in found
    assert not any(location.startswith("paths./v1/orders/") for _, location in found)


def test_malformed_documents_and_viewers_are_refused(client, make_account):
    engineer, viewer = make_account("engineer"), make_account("viewer")
    broken = client.post(
        "/api/v1/standards/checks/openapi",
        content="paths: [unclosed\n  x: 1",
        headers=engineer.headers,
    )
    assert broken.status_code == 422
    assert broken.json()["errors"][0]["field"] == "body"
    assert "line" in broken.json()["errors"][0]["message"]
    assert (
        client.post(
            "/api/v1/standards/checks/log-format", json={"lines": []}, headers=viewer.headers
        ).status_code
        == 403
    )
