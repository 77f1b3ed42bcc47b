"""Health, readiness, Prometheus metrics and JSON logs with request ids."""

from __future__ import annotations

import json
import logging

from fastapi.testclient import TestClient

from tmse.app import create_app
from tmse.core.db import Database
from tmse.core.observability import JsonFormatter
from tmse.settings import Settings


def test_healthz_and_readyz(client):
    assert client.get("/healthz").json()["status"] == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["database"] == "ok"


def test_readyz_fails_when_the_database_is_unreachable():
    settings = Settings(
        database_url="postgresql+psycopg://postgres@127.0.0.1:1/none", secret_key="x"
    )
    with TestClient(create_app(settings, Database(settings.database_url))) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"


def test_metrics_count_requests_by_route_template(client, admin):
    client.get("/api/v1/teams/12345", headers=admin.headers)
    text = client.get("/metrics").text
    assert (
        'tmse_http_requests_total{method="GET",route="/api/v1/teams/{team_id}",status="404"}'
        in text
    )
    assert (
        'tmse_http_request_duration_seconds_bucket{le="0.05",method="GET",'
        'route="/api/v1/teams/{team_id}"}' in text
    )
    assert "process_resident_memory_bytes" in text


def test_responses_carry_the_request_id(client):
    assert len(client.get("/healthz").headers["x-request-id"]) == 32
    assert (
        client.get("/healthz", headers={"X-Request-ID": "abc-1"}).headers["x-request-id"] == "abc-1"
    )


def test_log_lines_are_json_with_the_request_id(client, caplog):
    caplog.set_level(logging.INFO, logger="tmse.http")
    client.get("/healthz", headers={"X-Request-ID": "trace-me"})
    records = [r for r in caplog.records if r.name == "tmse.http"]
    assert records
    line = json.loads(JsonFormatter().format(records[-1]))
    assert line["request_id"] == "trace-me"
    assert line["route"] == "/healthz" and line["status"] == 200
    assert line["level"] == "info" and line["ts"].endswith("Z")
