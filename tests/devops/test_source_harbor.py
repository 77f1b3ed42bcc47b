"""Harbor deliveries to a configured hook source: with the policy's Authorization header they
store artifacts and scans (a redelivery changes nothing), listed with their latest scan; a wrong
header is refused, logged, and stores nothing."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from tests.helpers.hook_sources import catalog_service, log_lines, make_source
from tmse.core.db import Database
from tmse.devops.artifacts.models import Artifact, ArtifactScan

FIXTURES = Path(__file__).resolve().parents[1] / "integrations" / "fixtures" / "harbor"
ARTIFACTS = "/api/v1/devops/artifacts"
ALPINE = "sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4"


def harbor(client: TestClient, name: str, authorization: str, fixture: str) -> Response:
    headers = {"Authorization": authorization, "Content-Type": "application/json"}
    body = (FIXTURES / fixture).read_bytes()
    return client.post(f"/api/v1/hooks/harbor/{name}", content=body, headers=headers)


def row_counts(db: Database) -> tuple[int, int]:
    with db.session() as session:
        artifacts = session.scalar(select(func.count()).select_from(Artifact)) or 0
        scans = session.scalar(select(func.count()).select_from(ArtifactScan)) or 0
        return artifacts, scans


def test_a_push_and_its_scan_are_stored_once_and_listed_with_the_scan(client, admin, db):
    catalog_service(client, admin, "alpine")
    secret = make_source(client, admin, "harbor", "registry")["secret"]

    pushed = harbor(client, "registry", secret, "push_artifact_default.json")
    scanned = harbor(client, "registry", secret, "scanning_completed_default.json")
    assert (pushed.status_code, pushed.json()["outcome"], pushed.json()["created"]) == (
        200,
        "stored",
        1,
    )
    assert (scanned.json()["outcome"], scanned.json()["created"]) == ("stored", 1)

    with db.session() as session:
        artifact = session.scalar(select(Artifact))
        assert (artifact.registry_host, artifact.project, artifact.repository) == (
            "localhost",
            "harbor",
            "alpine",
        )
        assert (artifact.digest, artifact.tag, artifact.operator) == (
            ALPINE,
            None,
            "harbor-jobservice",
        )
        assert artifact.service_id is not None  # the service named like the repository
        scan = session.scalar(select(ArtifactScan))
        assert (scan.report_id, scan.scan_status, scan.scanner_name) == (
            "af0546c1-67dc-4e9d-927e-372900ead0df",
            "Success",
            "Trivy",
        )

    # Redelivered: the same rows, nothing written, the log says so.
    again = [
        harbor(client, "registry", secret, name).json()
        for name in ("push_artifact_default.json", "scanning_completed_default.json")
    ]
    assert [(answer["outcome"], answer["unchanged"]) for answer in again] == [
        ("unchanged", 1),
        ("unchanged", 1),
    ]
    assert row_counts(db) == (1, 1)

    listed = client.get(ARTIFACTS, params={"service": "alpine"}, headers=admin.headers).json()
    assert listed["total"] == 1
    item = listed["items"][0]
    assert (item["service"], item["repository"], item["digest"]) == ("alpine", "alpine", ALPINE)
    assert item["latest_scan"]["scan_status"] == "Success"
    assert (item["latest_scan"]["severity"], item["latest_scan"]["total"]) == ("None", 0)
    by_repository = client.get(
        ARTIFACTS, params={"repository": "harbor/alpine"}, headers=admin.headers
    ).json()
    assert by_repository["total"] == 1
    other = client.get(ARTIFACTS, params={"repository": "debian"}, headers=admin.headers).json()
    assert other["total"] == 0


def test_a_tagged_push_of_no_known_service_is_kept_without_a_service(client, admin, db):
    secret = make_source(client, admin, "harbor", "hub")["secret"]
    answer = harbor(client, "hub", secret, "push_artifact_default_tagged.json")
    assert answer.json()["outcome"] == "stored"
    with db.session() as session:
        artifact = session.scalar(select(Artifact))
        assert (artifact.registry_host, artifact.tag, artifact.service_id) == (
            "hub.harbor.com",
            "latest",
            None,
        )
    listed = client.get(ARTIFACTS, headers=admin.headers).json()
    assert [(item["tag"], item["service"], item["latest_scan"]) for item in listed["items"]] == [
        ("latest", None, None)
    ]


def test_a_failed_scan_is_stored_without_counts(client, admin, db):
    secret = make_source(client, admin, "harbor", "registry")["secret"]
    answer = harbor(client, "registry", secret, "scanning_failed_default.json")
    assert answer.json()["outcome"] == "stored"
    with db.session() as session:
        scan = session.scalar(select(ArtifactScan))
        assert (scan.scan_status, scan.severity, scan.total, scan.critical) == (
            "Error",
            None,
            None,
            None,
        )


def test_a_wrong_authorization_is_refused_and_only_logged(client, admin, db):
    make_source(client, admin, "harbor", "registry")
    answer = harbor(client, "registry", "Bearer not-the-secret", "push_artifact_default.json")
    assert answer.status_code == 401
    assert answer.json()["errors"][0]["field"] == "Authorization"
    assert row_counts(db) == (0, 0)
    [line] = log_lines(db)
    assert (line.outcome, line.status_code, line.created) == ("refused", 401, 0)


def test_an_event_tmse_does_not_read_is_ignored_with_its_type(client, admin, db):
    secret = make_source(client, admin, "harbor", "registry")["secret"]
    answer = harbor(client, "registry", secret, "pull_artifact_default.json")
    assert (answer.status_code, answer.json()["outcome"]) == (200, "ignored")
    [line] = log_lines(db)
    assert (line.event, line.message.params["event"]) == ("PULL_ARTIFACT", "PULL_ARTIFACT")
    assert row_counts(db) == (0, 0)
