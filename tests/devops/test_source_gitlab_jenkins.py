"""GitLab deliveries carry the source's secret in X-Gitlab-Token, Jenkins notifications in a
Bearer or X-Tmse-Token header: with it they are stored once, without it refused and logged."""

from __future__ import annotations

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
RECORDS = (Repository, Commit, PullRequest, Pipeline, PipelineJob, Deployment, DeploymentCommit)


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


GITLAB_EVENTS = {
    "push.json": "Push Hook",
    "merge_request.json": "Merge Request Hook",
    "pipeline.json": "Pipeline Hook",
    "deployment.json": "Deployment Hook",
}


def gitlab(client: TestClient, name: str, token: str, sample: str) -> Response:
    headers = {
        "X-Gitlab-Event": GITLAB_EVENTS[sample],
        "X-Gitlab-Token": token,
        "X-Gitlab-Event-UUID": f"uuid-{sample}",
        "Content-Type": "application/json",
    }
    body = (FIXTURES / "gitlab" / sample).read_bytes()
    return client.post(f"/api/v1/hooks/gitlab/{name}", content=body, headers=headers)


def jenkins(client: TestClient, name: str, headers: dict[str, str]) -> Response:
    body = (FIXTURES / "jenkins" / "deploy_finalized.json").read_bytes()
    headers = {"Content-Type": "application/json", "X-Tmse-Delivery": "build-19", **headers}
    return client.post(f"/api/v1/hooks/jenkins/{name}", content=body, headers=headers)


def test_gitlab_deliveries_with_the_token_are_stored_once(client, admin, db):
    token = make_source(client, admin, "gitlab", "self-hosted")["secret"]
    answers = [gitlab(client, "self-hosted", token, sample) for sample in GITLAB_EVENTS]
    assert [(a.status_code, a.json()["outcome"]) for a in answers] == [(200, "stored")] * 4
    with db.session() as session:
        names = set(session.scalars(select(Repository.full_name)))
        assert names == {
            "mike/diaspora",
            "gitlabhq/gitlab-test",
            "gitlab-org/gitlab-test",
            "root/test-deployment-webhooks",
        }
        pipeline = session.scalar(select(Pipeline))
        jobs = session.scalars(select(PipelineJob)).all()
        assert pipeline is not None and len(jobs) > 0
        assert {job.pipeline_id for job in jobs} == {pipeline.id}

    before = record_counts(db)
    again = [gitlab(client, "self-hosted", token, sample) for sample in GITLAB_EVENTS]
    assert [a.json()["outcome"] for a in again] == ["unchanged"] * 4
    assert record_counts(db) == before


def test_gitlab_without_the_right_token_is_refused(client, admin, db):
    make_source(client, admin, "gitlab", "self-hosted")
    before = record_counts(db)
    wrong = gitlab(client, "self-hosted", "a-token-of-someone-else", "push.json")
    assert wrong.status_code == 401
    assert wrong.headers["content-type"] == "application/problem+json"
    assert record_counts(db) == before
    (line,) = log_lines(db)
    assert (line.outcome, line.event, line.delivery_id) == (
        "refused",
        "Push Hook",
        "uuid-push.json",
    )
    assert line.message.params["where"] == "X-Gitlab-Token"


def test_a_jenkins_deployment_build_becomes_a_deployment_of_the_matched_service(client, admin, db):
    # The job's SCM URL is the service's repository: the build deploys that service.
    catalog_service(client, admin, "asgard-web", repository="git@github.com:evgeny-goldin/asgard")
    token = make_source(client, admin, "jenkins", "ci")["secret"]
    answer = jenkins(client, "ci", {"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    # The repository (the job), its build, and the deployment.
    assert (answer.json()["outcome"], answer.json()["created"]) == ("stored", 3)
    with db.session() as session:
        repository = session.scalar(select(Repository))
        assert (repository.full_name, repository.url) == (
            "delivery/asgard",
            "https://github.com/evgeny-goldin/asgard.git",
        )
        deployment = session.scalar(select(Deployment))
        # UNSTABLE is a failed build; started 14:05:03.007, ran 95.123 s.
        assert (deployment.source, deployment.external_id) == ("jenkins", "delivery/asgard#19")
        assert (deployment.environment, deployment.result) == ("production", "failure")
        assert deployment.finished_at.isoformat() == "2015-02-26T14:06:38.130000+00:00"
    pipelines = client.get(
        "/api/v1/devops/pipelines", params={"service": "asgard-web"}, headers=admin.headers
    ).json()
    assert [(p["repository"], p["run_id"], p["status"]) for p in pipelines["items"]] == [
        ("delivery/asgard", "19", "failure")
    ]

    # The token in X-Tmse-Token is as good; the same notification again changes nothing.
    again = jenkins(client, "ci", {"X-Tmse-Token": token})
    assert (again.status_code, again.json()["outcome"]) == (200, "unchanged")


def test_jenkins_without_the_token_is_refused_and_its_bearer_is_no_api_token(client, admin, db):
    make_source(client, admin, "jenkins", "ci")
    before = record_counts(db)
    # A user's API token is not the source's secret.
    wrong = jenkins(client, "ci", {"Authorization": f"Bearer {admin.token}"})
    missing = jenkins(client, "ci", {})
    assert (wrong.status_code, missing.status_code) == (401, 401)
    assert "token does not match" in wrong.json()["detail"]
    assert record_counts(db) == before
    assert [line.outcome for line in log_lines(db)] == ["refused", "refused"]


def test_an_unknown_service_deploys_nothing_but_the_build_is_kept(client, admin, db):
    token = make_source(client, admin, "jenkins", "ci")["secret"]
    answer = jenkins(client, "ci", {"Authorization": f"Bearer {token}"})
    assert answer.json()["skipped"] == 1 and answer.json()["created"] == 2
    with db.session() as session:
        assert session.scalar(select(Deployment)) is None
        assert session.scalar(select(Repository.service_id)) is None
    # Once the catalog names the service, the next notification of that build deploys it.
    catalog_service(client, admin, "asgard")
    later = jenkins(client, "ci", {"Authorization": f"Bearer {token}"})
    assert (later.json()["outcome"], later.json()["created"]) == ("stored", 1)


def test_an_earlier_phase_delivered_late_leaves_the_finished_build_as_it_was(client, admin, db):
    token = make_source(client, admin, "jenkins", "ci")["secret"]
    headers = {"Authorization": f"Bearer {token}"}
    assert jenkins(client, "ci", headers).json()["outcome"] == "stored"
    started = json.loads((FIXTURES / "jenkins" / "deploy_finalized.json").read_text())
    started["build"]["phase"] = "STARTED"
    answer = client.post(
        "/api/v1/hooks/jenkins/ci", content=json.dumps(started).encode(), headers=headers
    )
    assert (answer.status_code, answer.json()["outcome"]) == (200, "unchanged")
    with db.session() as session:
        assert session.scalar(select(Pipeline.status)) == "failure"
