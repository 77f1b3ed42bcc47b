"""Failures stay tidy: an unexpected error answers problem+json over a real server and leaves
the keep-alive connection usable, its traceback is logged once with the request id the client
got, and metrics label requests by route template without a label per unknown path."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from tests.helpers.server_process import free_port


def _explode() -> None:
    raise RuntimeError("boom: connection string postgresql://secret")


@pytest.fixture
def served(app: FastAPI) -> Iterator[str]:
    """The test app, plus a route that fails, under a real uvicorn server in a thread."""
    app.add_api_route("/api/v1/test-failure", _explode, methods=["GET"])
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


def test_a_500_is_problem_json_and_the_connection_stays_usable(served, caplog):
    caplog.set_level(logging.INFO)
    with httpx.Client(base_url=served, timeout=30) as client:
        failed = client.get("/api/v1/test-failure", headers={"X-Request-ID": "fail-1"})
        after = client.get("/healthz")
        again = client.get("/api/v1/test-failure")
        last = client.get("/healthz")

    assert failed.status_code == 500
    assert failed.headers["content-type"] == "application/problem+json"
    problem = failed.json()
    assert problem["type"].endswith("/internal-error") and problem["request_id"] == "fail-1"
    assert failed.headers["x-request-id"] == "fail-1"
    assert "secret" not in failed.text and "RuntimeError" not in failed.text
    # The connection is kept (no `Connection: close`) and serves the next requests.
    assert failed.headers.get("connection", "").lower() != "close"
    assert after.status_code == 200 and last.status_code == 200
    assert again.status_code == 500

    tracebacks = [r for r in caplog.records if r.exc_info]
    assert [r.request_id for r in tracebacks] == [  # type: ignore[attr-defined]
        "fail-1",
        again.headers["x-request-id"],
    ]
    assert not [r for r in caplog.records if r.name.startswith("uvicorn") and r.levelno >= 40]


def _request_counts(client) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """tmse_http_requests_total by its labels, e.g. {'method="GET",route="/x",status="200"': 2}."""
    counts = {}
    for line in client.get("/metrics").text.splitlines():
        if line.startswith("tmse_http_requests_total{"):
            labels, value = line[len("tmse_http_requests_total{") :].rsplit("} ", 1)
            counts[labels] = float(value)
    return counts


def test_metrics_label_by_route_template_and_keep_unknown_paths_to_one_label(client, admin):
    # The counters belong to the process: compare before and after.
    before = _request_counts(client)
    client.get("/api/v1/teams/4242", headers=admin.headers)
    client.get("/api/v1/teams", headers=admin.headers)
    client.get("/api/v1/teams", headers=admin.headers)  # may come from the response cache
    client.get("/catalog/services/no-such-service", headers=admin.headers)
    assert client.get("/static/css/tmse.css").status_code == 200
    assert client.get("/api/openapi.json").status_code == 200
    for index in range(3):
        assert client.get(f"/no/such/page/{index}").status_code == 404
    assert client.delete("/api/v1/teams", headers=admin.headers).status_code == 405
    after = _request_counts(client)

    added = {k: v - before.get(k, 0) for k, v in after.items() if v != before.get(k, 0)}
    assert added == {
        'method="GET",route="/api/v1/teams/{team_id}",status="404"': 1,
        'method="GET",route="/api/v1/teams",status="200"': 2,
        'method="GET",route="/catalog/services/{name}",status="404"': 1,
        'method="GET",route="/static/{path}",status="200"': 1,
        'method="GET",route="/api/openapi.json",status="200"': 1,
        'method="GET",route="<unmatched>",status="404"': 3,
        'method="DELETE",route="/api/v1/teams",status="405"': 1,
        'method="GET",route="/metrics",status="200"': 1,
    }
