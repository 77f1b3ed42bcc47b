"""Building canary configurations, runs and judged stages through the API, as a pipeline would."""

from __future__ import annotations

from typing import Any

from tests.helpers.devops import services

API = "/api/v1/canary"
BASELINE = [100.0 + i for i in range(20)]  # 100..119, mean 109.5
DOUBLED = [2 * v for v in BASELINE]  # 200..238, mean 219: every value twice its baseline
ERRORS = [0.0, 1.0, 0.0, 2.0, 1.0, 0.0, 0.0, 1.0]


def metric(name: str, **settings: Any) -> dict[str, Any]:
    return {"name": name, **settings}


def config(client, account, name: str = "web", *metrics: dict[str, Any], **settings: Any):
    body = {"name": name, "metrics": list(metrics) or [metric("latency"), metric("errors")]}
    return client.post(f"{API}/configs", json=body | settings, headers=account.headers)


def start(client, account, config_name: str = "web", **extra: Any) -> dict[str, Any]:
    body = {"service": "pay", "config": config_name, **extra}
    response = client.post(f"{API}/runs", json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    return response.json()


def stage(
    client,
    account,
    run_id: int,
    samples: dict[str, tuple[list[float], list[float]]],
    traffic: float = 10,
    minutes: int = 30,
    **extra: Any,
):
    body = {
        "traffic_percent": traffic,
        "duration_minutes": minutes,
        "samples": [{"metric": m, "baseline": b, "canary": c} for m, (b, c) in samples.items()],
        **extra,
    }
    return client.post(f"{API}/runs/{run_id}/stages", json=body, headers=account.headers)


def judged(client, account, run_id: int, samples, **extra: Any) -> dict[str, Any]:
    response = stage(client, account, run_id, samples, **extra)
    assert response.status_code == 201, response.text
    return response.json()


def decide(client, account, run_id: int, decision: str):
    return client.post(
        f"{API}/runs/{run_id}/decision", json={"decision": decision}, headers=account.headers
    )


def fields(response) -> list[str]:
    assert response.status_code == 422, response.text
    return [error["field"] for error in response.json()["errors"]]


def setup(client, admin, *metrics: dict[str, Any], **settings: Any) -> dict[str, Any]:
    services(client, admin, "pay")
    assert config(client, admin, "web", *metrics, **settings).status_code == 201
    return start(client, admin)
