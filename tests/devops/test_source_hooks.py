"""GitHub deliveries to a configured hook source: signed with the source's secret they are
stored (a redelivery changes nothing); a bad signature or body is refused, logged, and stores
nothing; sources are configured by administrators and never show their secret again."""

from __future__ import annotations

import json

from sqlalchemy import select

from tests.helpers.hook_sources import (
    PUSHED_SHA,
    SOURCES,
    body_of,
    catalog_service,
    github,
    github_sequence,
    log_lines,
    make_source,
    record_counts,
    sample,
)
from tmse.core.audit import AuditEntry
from tmse.devops.code.models import Pipeline, PullRequest
from tmse.devops.models import Deployment, DeploymentCommit


def test_a_signed_github_sequence_is_stored_and_its_redelivery_changes_nothing(client, admin, db):
    catalog_service(
        client, admin, "hello-world", repository="https://github.com/Codertocat/Hello-World.git"
    )
    source = make_source(client, admin, "github", "acme")
    assert source["url"].endswith("/api/v1/hooks/github/acme")
    secret = source["secret"]

    outcomes = []
    for event, body, delivery in github_sequence():
        answer = github(client, "acme", secret, event, body, delivery)
        assert answer.status_code == 200, answer.text
        outcomes.append((answer.json()["outcome"], answer.json()["created"]))
    # push: the repository and its commit; pull_request: the pull request; workflow_run: the
    # other repository (octo-org/octo-repo) and its run; deployment_status: the deployment.
    assert outcomes == [("stored", 2), ("stored", 1), ("stored", 2), ("stored", 1)]

    with db.session() as session:
        deployment = session.scalar(select(Deployment))
        commit = session.scalar(select(DeploymentCommit))
        assert (deployment.source, deployment.external_id) == ("github", "145988746")
        assert (deployment.environment, deployment.result) == ("production", "success")
        # Lead time: finished 15:20:55 − pushed 15:19:25 = 90 s.
        assert (commit.sha, commit.lead_time_s) == (PUSHED_SHA, 90)
        pull_request = session.scalar(select(PullRequest))
        assert (pull_request.number, pull_request.state, pull_request.branch) == (
            2,
            "closed",
            "changes",
        )
        pipeline = session.scalar(select(Pipeline))
        assert (pipeline.run_id, pipeline.status) == ("289782451", "success")

    repositories = client.get("/api/v1/devops/repositories", headers=admin.headers).json()
    assert [(r["full_name"], r["service"]) for r in repositories["items"]] == [
        ("Codertocat/Hello-World", "hello-world"),
        ("octo-org/octo-repo", None),
    ]
    by_service = client.get(
        "/api/v1/devops/pull-requests", params={"service": "hello-world"}, headers=admin.headers
    ).json()
    assert [(p["repository"], p["number"]) for p in by_service["items"]] == [
        ("Codertocat/Hello-World", 2)
    ]
    pipelines = client.get(
        "/api/v1/devops/pipelines", params={"service": "hello-world"}, headers=admin.headers
    )
    assert pipelines.json()["total"] == 0  # the run is of a repository no service matches

    before = record_counts(db)
    for event, body, delivery in github_sequence():
        again = github(client, "acme", secret, event, body, delivery)
        assert (again.status_code, again.json()["outcome"]) == (200, "unchanged"), again.text
        assert again.json()["created"] == again.json()["updated"] == 0
    assert record_counts(db) == before  # no row, and no audit entry, more

    log = client.get(f"{SOURCES}/{source['id']}/deliveries", headers=admin.headers).json()
    assert log["total"] == 8
    assert [line["outcome"] for line in log["items"]] == ["unchanged"] * 4 + ["stored"] * 4
    assert [line["delivery_id"] for line in log["items"][:2]] == ["d-4", "d-3"]
    assert log["items"][-1]["event"] == "push"

    listed = client.get(SOURCES, headers=admin.headers)
    assert listed.json()[0]["last_delivery"]["outcome"] == "unchanged"
    assert secret not in listed.text and "secret" not in listed.json()[0]


def test_each_stored_delivery_is_audited_as_written_by_its_source(client, admin, db):
    secret = make_source(client, admin, "github", "acme")["secret"]
    github(client, "acme", secret, *github_sequence()[0])
    with db.session() as session:
        entries = session.execute(
            select(AuditEntry.actor_name, AuditEntry.action, AuditEntry.entity_type).where(
                AuditEntry.actor_name == "hook:github/acme"
            )
        ).all()
    assert sorted(entries) == [
        ("hook:github/acme", "receive", "hook_delivery"),
        ("hook:github/acme", "record", "commit"),
        ("hook:github/acme", "record", "repository"),
    ]


def test_a_wrong_signature_is_refused_and_only_the_refusal_is_kept(client, admin, db):
    make_source(client, admin, "github", "acme")
    before = record_counts(db)
    event, body, delivery = github_sequence()[0]
    answer = github(client, "acme", "not-the-secret", event, body, delivery)
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert "signature does not match" in answer.json()["detail"]
    assert record_counts(db) == before
    (line,) = log_lines(db)
    assert (line.outcome, line.status_code, line.event, line.delivery_id) == (
        "refused",
        401,
        "push",
        "d-1",
    )
    assert line.message.params["reason"].id == "the signature does not match the body"
    assert line.created == line.updated == 0


def test_a_signed_but_malformed_delivery_is_refused_naming_the_field(client, admin, db):
    secret = make_source(client, admin, "github", "acme")["secret"]
    payload = sample("github", "push.json")
    payload["commits"][0]["id"] = "not-a-sha"
    before = record_counts(db)
    answer = github(client, "acme", secret, "push", body_of(payload), "d-9")
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "commits[0].id"
    assert record_counts(db) == before
    (line,) = log_lines(db)
    assert (line.outcome, line.message.params["where"]) == ("refused", "commits[0].id")
    # The log keeps the reason, not the delivery's value.
    assert "not-a-sha" not in json.dumps(line.message.to_json())


def test_a_delivery_refused_while_storing_keeps_none_of_its_writes(client, admin, db):
    """The deployment's environment is too long for a deployment: the repository the same
    delivery would have created is not kept either, only the refusal."""
    catalog_service(
        client, admin, "hello-world", repository="https://github.com/Codertocat/Hello-World"
    )
    secret = make_source(client, admin, "github", "acme")["secret"]
    payload = sample("github", "deployment_status.json")
    payload["deployment_status"]["environment"] = "x" * 61
    before = record_counts(db)
    answer = github(client, "acme", secret, "deployment_status", body_of(payload), "d-5")
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["field"] == "deployment.environment"
    assert record_counts(db) == before
    assert [line.outcome for line in log_lines(db)] == ["refused"]


def test_an_event_tmse_does_not_read_is_logged_as_ignored(client, admin, db):
    secret = make_source(client, admin, "github", "acme")["secret"]
    answer = github(client, "acme", secret, "ping", b'{"zen": "Keep it logically awesome."}', "p")
    assert (answer.status_code, answer.json()["outcome"]) == (200, "ignored")
    assert [line.outcome for line in log_lines(db)] == ["ignored"]


def test_an_unknown_source_is_404_and_logs_nothing(client, admin, db):
    secret = make_source(client, admin, "github", "acme")["secret"]
    answer = github(client, "other", secret, *github_sequence()[0])
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    # A GitLab source of that name is not a GitHub one.
    assert client.post("/api/v1/hooks/gitlab/acme", content=b"{}").status_code == 404
    assert log_lines(db) == []


def test_a_disabled_source_refuses_deliveries(client, admin, db):
    answer = client.post(
        SOURCES, json={"kind": "github", "name": "off", "enabled": False}, headers=admin.headers
    )
    secret = answer.json()["secret"]
    refused = github(client, "off", secret, *github_sequence()[0])
    assert refused.status_code == 403
    assert [(line.outcome, line.status_code) for line in log_lines(db)] == [("refused", 403)]


def test_a_rotated_secret_replaces_the_old_one_and_is_shown_once(client, admin, db):
    source = make_source(client, admin, "github", "acme")
    rotated = client.post(f"{SOURCES}/{source['id']}/rotate", headers=admin.headers)
    assert rotated.status_code == 200
    new = rotated.json()["secret"]
    assert new != source["secret"] and len(new) >= 40
    old = github(client, "acme", source["secret"], *github_sequence()[0])
    assert old.status_code == 401
    assert github(client, "acme", new, *github_sequence()[0]).status_code == 200
    listed = client.get(SOURCES, headers=admin.headers).text
    assert new not in listed and source["secret"] not in listed
    deliveries = client.get(f"{SOURCES}/{source['id']}/deliveries", headers=admin.headers).text
    assert new not in deliveries


def test_a_given_secret_is_used_and_a_duplicate_name_is_409(client, admin):
    body = {"kind": "gitlab", "name": "self-hosted", "secret": "s3cret-of-twenty-chars"}
    created = client.post(SOURCES, json=body, headers=admin.headers)
    assert created.json()["secret"] == "s3cret-of-twenty-chars"
    again = client.post(SOURCES, json=body, headers=admin.headers)
    assert again.status_code == 409
    short = client.post(
        SOURCES, json={"kind": "gitlab", "name": "x", "secret": "short"}, headers=admin.headers
    )
    assert short.status_code == 422
    bad_name = client.post(SOURCES, json={"kind": "github", "name": "A B"}, headers=admin.headers)
    assert bad_name.status_code == 422


def test_only_an_administrator_configures_sources(client, admin, make_account, db):
    source = make_source(client, admin, "github", "acme")
    viewer, engineer = make_account("viewer"), make_account("engineer")
    for account in (viewer, engineer):
        attempts = [
            client.post(SOURCES, json={"kind": "github", "name": "x"}, headers=account.headers),
            client.post(f"{SOURCES}/{source['id']}/rotate", headers=account.headers),
            client.delete(f"{SOURCES}/{source['id']}", headers=account.headers),
        ]
        assert [a.status_code for a in attempts] == [403, 403, 403]
        assert attempts[0].json()["permission"] == "org:write"
    assert client.get(SOURCES).status_code == 401
    # Anyone signed in may read the list and the log; neither shows a secret.
    seen = client.get(SOURCES, headers=viewer.headers)
    assert seen.status_code == 200 and source["secret"] not in seen.text
    deleted = client.delete(f"{SOURCES}/{source['id']}", headers=admin.headers)
    assert deleted.status_code == 204
    assert client.get(SOURCES, headers=admin.headers).json() == []
