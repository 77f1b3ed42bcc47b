"""Hook sources made through the API, deliveries signed from the documentation samples, and
what the delivery log kept."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from tests.helpers import Account
from tests.helpers.catalog_client import Catalog
from tmse.core.audit import AuditEntry
from tmse.core.db import Database
from tmse.devops.code.models import Commit, Pipeline, PipelineJob, PullRequest, Repository
from tmse.devops.hooks.models import HookDelivery
from tmse.devops.models import Deployment, DeploymentCommit

SOURCES = "/api/v1/devops/hook-sources"
FIXTURES = Path(__file__).resolve().parents[1] / "integrations" / "fixtures"
PUSHED_SHA = "6113728f27ae82c7b1a177c8d03f9e96e0adf246"  # pushed 2019-05-15T15:19:25Z
RECORDS = (Repository, Commit, PullRequest, Pipeline, PipelineJob, Deployment, DeploymentCommit)


def sample(kind: str, name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / kind / name).read_text())
    return loaded


def body_of(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload).encode()


def make_source(client: TestClient, admin: Account, kind: str, name: str) -> dict[str, Any]:
    answer = client.post(SOURCES, json={"kind": kind, "name": name}, headers=admin.headers)
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


def catalog_service(client: TestClient, admin: Account, name: str, **extra: Any) -> None:
    client.post("/api/v1/teams", json={"name": "Delivery"}, headers=admin.headers)
    Catalog(client, admin.headers).service(name, owner="Delivery", **extra)


def record_counts(db: Database) -> dict[str, int]:
    with db.session() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (*RECORDS, AuditEntry)
        }


def log_lines(db: Database) -> list[HookDelivery]:
    with db.session() as session:
        return list(session.scalars(select(HookDelivery).order_by(HookDelivery.id)))


def github(
    client: TestClient, name: str, secret: str, event: str, body: bytes, delivery: str
) -> Response:
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery,
        "X-Hub-Signature-256": signature,
        "Content-Type": "application/json",
    }
    return client.post(f"/api/v1/hooks/github/{name}", content=body, headers=headers)


def github_sequence() -> list[tuple[str, bytes, str]]:
    """push, pull_request, workflow_run and deployment_status, the deployment of the pushed
    commit (the documented sample deploys another sha, which no push delivered here)."""
    deployment = sample("github", "deployment_status.json")
    deployment["deployment"]["sha"] = PUSHED_SHA
    return [
        ("push", body_of(sample("github", "push.json")), "d-1"),
        ("pull_request", body_of(sample("github", "pull_request_closed.json")), "d-2"),
        ("workflow_run", body_of(sample("github", "workflow_run_completed.json")), "d-3"),
        ("deployment_status", body_of(deployment), "d-4"),
    ]
