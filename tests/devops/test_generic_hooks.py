"""The generic hooks: any CI/CD or incident tool delivers deployments and incidents with a Bearer
token; a redelivery changes nothing, bad input is refused naming the field and stores nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.helpers.devops import deliver, deployment, incident, services
from tmse.core.audit import AuditEntry
from tmse.devops.models import Deployment, DeploymentCommit, Incident

FINISHED = "2026-03-02T10:00:00Z"
C1 = ("a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0", "2026-03-02T08:00:00Z")
C2 = ("0123456789abcdef0123456789abcdef01234567", "2026-03-01T10:00:00+08:00")


def counts(db) -> tuple[int, int, int, int]:
    with db.session() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(model))
            for model in (Deployment, DeploymentCommit, Incident, AuditEntry)
        )


def test_a_redelivered_deployment_changes_nothing_and_new_content_updates_it(client, admin, db):
    services(client, admin, "pay")
    first = deliver(client, admin, "deployments", deployment("run-1", FINISHED, C1, C2))
    assert first.status_code == 201, first.text
    assert first.json() == {"outcome": "created", "id": "run-1", "source": "generic"}
    before = counts(db)
    assert before[:3] == (1, 2, 0)

    # The same event again, commits in another order and a time in another offset: unchanged.
    again = deployment("run-1", "2026-03-02T18:00:00+08:00", C2, C1)
    repeated = deliver(client, admin, "deployments", again)
    assert (repeated.status_code, repeated.json()["outcome"]) == (200, "unchanged")
    assert counts(db) == before  # no row and no audit entry more

    # The same id with a new result is an update, audited once.
    failed = deliver(
        client, admin, "deployments", deployment("run-1", FINISHED, C1, result="failure")
    )
    assert (failed.status_code, failed.json()["outcome"]) == (200, "updated")
    after = counts(db)
    assert after[:3] == (1, 1, 0) and after[3] == before[3] + 1
    with db.session() as session:
        row = session.scalar(select(Deployment))
        commit = session.scalar(select(DeploymentCommit))
        assert (row.result, row.finished_day.isoformat()) == ("failure", "2026-03-02")
        # Lead time of the change: 10:00 − 08:00 = 2 h = 7,200 s.
        assert (commit.sha, commit.lead_time_s) == (C1[0], 7200)


def test_an_incident_links_to_the_deployment_it_names_even_when_that_arrives_later(
    client, admin, db
):
    services(client, admin, "pay")
    early = incident("INC-1", "2026-03-02T11:00:00Z", deployment_id="run-9")
    assert deliver(client, admin, "incidents", early).status_code == 201
    with db.session() as session:
        assert session.scalar(select(Incident.deployment_id)) is None
    deliver(client, admin, "deployments", deployment("run-9", FINISHED, C1))
    with db.session() as session:
        linked = session.scalar(select(Incident.deployment_id))
        assert linked == session.scalar(
            select(Deployment.id).where(Deployment.external_id == "run-9")
        )
    resolved = incident(
        "INC-1", "2026-03-02T11:00:00Z", "2026-03-02T11:45:00Z", deployment_id="run-9"
    )
    answer = deliver(client, admin, "incidents", resolved)
    assert (answer.status_code, answer.json()["outcome"]) == (200, "updated")
    with db.session() as session:
        assert session.scalar(select(Incident.restore_s)) == 45 * 60
    assert deliver(client, admin, "incidents", resolved).json()["outcome"] == "unchanged"


def test_bad_deliveries_name_the_field_and_store_nothing(client, admin, db):
    services(client, admin, "pay")
    deliver(client, admin, "deployments", deployment("run-1", FINISHED, C1))
    before = counts(db)
    good = deployment("run-2", FINISHED, C1)
    cases = [
        (good | {"service": "nope"}, "service"),
        (good | {"result": "maybe"}, "result"),
        (good | {"started_at": "2026-03-02T11:00:00Z"}, "finished_at"),
        (good | {"finished_at": "2026-03-02T10:00:00"}, "finished_at"),  # no offset
        (good | {"finished_at": 1772445600}, "finished_at"),  # seconds are not a date
        (good | {"finished_at": "2200-01-01T00:00:00Z"}, "finished_at"),
        (good | {"id": "run\u00002"}, "id"),
        (good | {"id": ""}, "id"),
        (good | {"environment": "x" * 61}, "environment"),
        (good | {"commits": [{"sha": "not-hex!", "authored_at": C1[1]}]}, "commits.0.sha"),
        (good | {"commits": [{"sha": C1[0], "authored_at": "2026-03-03T00:00:00Z"}]}, "commits"),
        (good | {"commits": [{"sha": C1[0], "authored_at": C1[1]}] * 10_001}, "commits"),
        (good | {"commits": "abc"}, "commits"),
    ]
    for body, field in cases:
        response = deliver(client, admin, "deployments", body)
        assert response.status_code == 422, (field, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert field in [e["field"] for e in response.json()["errors"]], (field, response.json())
    late = incident("INC-2", "2026-03-02T11:00:00Z", "2026-03-02T10:00:00Z")
    assert [e["field"] for e in deliver(client, admin, "incidents", late).json()["errors"]] == [
        "resolved_at"
    ]
    unknown = incident("INC-3", "2026-03-02T11:00:00Z", service="ghost")
    assert [e["field"] for e in deliver(client, admin, "incidents", unknown).json()["errors"]] == [
        "service"
    ]
    nested = client.post(
        "/api/v1/hooks/generic/deployments",
        content="[" * 10_000 + "]" * 10_000,
        headers=admin.headers | {"content-type": "application/json"},
    )
    assert nested.status_code in (400, 413, 422)
    assert counts(db) == before


def test_only_a_token_that_may_ingest_delivers(client, admin, make_account, db):
    services(client, admin, "pay")
    body = deployment("run-1", FINISHED, C1)
    assert client.post("/api/v1/hooks/generic/deployments", json=body).status_code == 401
    viewer = make_account("viewer")
    assert deliver(client, viewer, "deployments", body).status_code == 403
    engineer = make_account("engineer")
    assert deliver(client, engineer, "deployments", body).status_code == 201
    assert counts(db)[0] == 1


def test_a_batch_stores_new_deployments_together_and_redeliveries_change_nothing(client, admin, db):
    services(client, admin, "pay", "ledger")
    deliver(
        client, admin, "incidents", incident("INC-1", "2026-03-02T11:00:00Z", deployment_id="b2")
    )
    deliver(client, admin, "deployments", deployment("b1", FINISHED, C1))
    before = counts(db)
    batch = {
        "deployments": [
            deployment("b1", FINISHED, C1),  # already stored: unchanged
            deployment("b2", FINISHED, C1, C2),
            deployment("b3", "2026-03-02T12:00:00Z", C2, service="ledger", result="failure"),
        ]
    }
    answer = client.post(
        "/api/v1/hooks/generic/deployments/batch", json=batch, headers=admin.headers
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "outcomes": ["unchanged", "created", "created"],
        "created": 2,
        "updated": 0,
        "unchanged": 1,
    }
    after = counts(db)
    # Two deployments, three commits, one audit entry each; the incident waiting for b2 links.
    assert (after[0] - before[0], after[1] - before[1], after[3] - before[3]) == (2, 3, 2)
    with db.session() as session:
        b2 = session.scalar(select(Deployment).where(Deployment.external_id == "b2"))
        assert session.scalar(select(Incident.deployment_id)) == b2.id
        lead = session.scalar(
            select(DeploymentCommit.lead_time_s).where(
                DeploymentCommit.deployment_id == b2.id, DeploymentCommit.sha == C2[0]
            )
        )
        # Authored 2026-03-01T10:00+08:00 = 03-01 02:00Z; finished 03-02 10:00Z: 32 h.
        assert lead == 32 * 3600
    again = client.post(
        "/api/v1/hooks/generic/deployments/batch", json=batch, headers=admin.headers
    )
    assert again.json()["unchanged"] == 3
    assert counts(db) == after


def test_a_bad_batch_names_the_item_and_stores_nothing(client, admin, db):
    services(client, admin, "pay")
    before = counts(db)
    good = deployment("g1", FINISHED, C1)
    for body, field in [
        (
            {"deployments": [good, deployment("g2", FINISHED, service="ghost")]},
            "deployments.1.service",
        ),
        ({"deployments": [good, good]}, "deployments"),
        ({"deployments": []}, "deployments"),
        ({"deployments": [good] + [good | {"id": f"x{i}"} for i in range(1000)]}, "deployments"),
        ({"deployments": [good, good | {"id": "g3", "result": "?"}]}, "deployments.1.result"),
    ]:
        response = client.post(
            "/api/v1/hooks/generic/deployments/batch", json=body, headers=admin.headers
        )
        assert response.status_code == 422, (field, response.text)
        assert field in [e["field"] for e in response.json()["errors"]], response.json()
    assert counts(db) == before
