"""Delivering deployments and incidents through the generic hooks, as an outside tool would."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from tests.helpers import Account
from tests.helpers.catalog_client import Catalog

HOOKS = "/api/v1/hooks/generic"


def services(client: TestClient, admin: Account, *names: str, team: str = "Payments") -> None:
    """Services of one team, made through the API."""
    client.post("/api/v1/teams", json={"name": team}, headers=admin.headers)
    catalog = Catalog(client, admin.headers)
    for name in names:
        catalog.service(name, owner=team)


def deployment(
    external_id: str,
    finished_at: str,
    *commits: tuple[str, str],
    service: str = "pay",
    result: str = "success",
    environment: str = "production",
    started_at: str | None = None,
    **extra: str,
) -> dict[str, Any]:
    return extra | {
        "id": external_id,
        "service": service,
        "environment": environment,
        "result": result,
        "started_at": started_at or finished_at,
        "finished_at": finished_at,
        "commits": [{"sha": sha, "authored_at": authored} for sha, authored in commits],
    }


def incident(
    external_id: str,
    created_at: str,
    resolved_at: str | None = None,
    *,
    service: str = "pay",
    deployment_id: str | None = None,
    severity: str = "SEV2",
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": external_id,
        "service": service,
        "created_at": created_at,
        "severity": severity,
    }
    if resolved_at:
        body["resolved_at"] = resolved_at
    if deployment_id:
        body["deployment_id"] = deployment_id
    return body


def deliver(client: TestClient, account: Account, kind: str, body: Any) -> Response:
    return client.post(f"{HOOKS}/{kind}", json=body, headers=account.headers)
