"""GitLab deliveries: the documented payload samples read into facts, field by field; the secret
token checked; damaged bodies refused naming the field."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tmse.integrations.cicd_events import (
    CommitFact,
    DeliveryBatch,
    DeliveryRefused,
    DeploymentFact,
    DeploymentStatus,
    JobFact,
    PipelineFact,
    PipelineStatus,
    PullRequestFact,
    PullRequestState,
    SignatureRefused,
)
from tmse.integrations.cicd_events import refusals as says
from tmse.integrations.gitlab import parse, verify_token

SAMPLES = Path(__file__).parent / "fixtures" / "gitlab"
UUID = "5e4ba9b2-5b0c-4a53-9c1e-2a8c2a4fb2b1"
SAMPLE_OF = {
    "Push Hook": "push.json",
    "Merge Request Hook": "merge_request.json",
    "Pipeline Hook": "pipeline.json",
    "Deployment Hook": "deployment.json",
}


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def edited(name: str, change: Any) -> bytes:
    data = json.loads(sample(name))
    change(data)
    return json.dumps(data).encode()


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_push_gives_its_commits() -> None:
    batch = parse("Push Hook", sample("push.json"), UUID)
    assert (batch.source, batch.event, batch.delivery_id) == ("gitlab", "Push Hook", UUID)
    first, second = batch.commits
    assert first == CommitFact(
        repository="mike/diaspora",
        sha="b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327",
        author_name="Jordi Mallach",
        author_email="jordi@softcatala.org",
        authored_at=None,
        committed_at=utc(2011, 12, 12, 12, 27, 31),  # 14:27:31+02:00
        message_title="Update Catalan translation to e38cb41.",
        url="http://example.com/mike/diaspora/commit/b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327",
    )
    assert second.key == ("mike/diaspora", "da1560886d4f094c3e6c9ef40349f7d38b5d27d7")
    assert (second.message_title, second.committed_at) == (
        "fixed readme",
        utc(2012, 1, 3, 21, 36, 29),
    )


def test_opened_merge_request() -> None:
    (mr,) = parse("Merge Request Hook", sample("merge_request.json"), UUID).pull_requests
    assert mr == PullRequestFact(
        repository="gitlabhq/gitlab-test",
        number=1,  # the iid, as people write !1
        title="MS-Viewport",
        branch="ms-viewport",
        base_branch="master",
        author=None,  # the sample's acting user (id 1) is not its author (author_id 51)
        state=PullRequestState.OPEN,
        created_at=utc(2013, 12, 3, 17, 23, 34),
        first_review_at=None,
        merged_at=None,
        merge_sha=None,
        url="http://example.com/diaspora/merge_requests/1",
        requirement_keys=(),  # "MS-Viewport" has no number
        labels=("API",),
    )
    assert mr.key == ("gitlabhq/gitlab-test", 1)


def test_merged_merge_request() -> None:
    def change(data: dict[str, Any]) -> None:
        request = data["object_attributes"]
        request.update(
            action="merge",
            state="merged",
            updated_at="2013-12-04 09:00:00 UTC",
            merge_commit_sha="da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
            title="Viewport for REQ-41",
            source_branch="feature/req-41-viewport",
            description="Tracks PAY-9.\r\nNot ISO-8601 or SHA-256.",
        )

    (mr,) = parse("Merge Request Hook", edited("merge_request.json", change), None).pull_requests
    assert mr.state == PullRequestState.MERGED
    assert mr.merged_at == utc(2013, 12, 4, 9, 0, 0)
    assert mr.merge_sha == "da1560886d4f094c3e6c9ef40349f7d38b5d27d7"
    assert mr.author is None  # the merging user is not the author
    assert mr.requirement_keys == ("REQ-41", "PAY-9")


def test_the_acting_user_is_named_author_when_the_ids_agree() -> None:
    def change(data: dict[str, Any]) -> None:
        data["object_attributes"]["author_id"] = data["user"]["id"]

    (mr,) = parse("Merge Request Hook", edited("merge_request.json", change), None).pull_requests
    assert mr.author == "root"


@pytest.mark.parametrize(
    ("state", "expected"), [("closed", PullRequestState.CLOSED), ("locked", PullRequestState.OPEN)]
)
def test_merge_request_states(state: str, expected: PullRequestState) -> None:
    def change(data: dict[str, Any]) -> None:
        data["object_attributes"].update(state=state, action="update")

    (mr,) = parse("Merge Request Hook", edited("merge_request.json", change), None).pull_requests
    assert (mr.state, mr.merged_at) == (expected, None)


def test_pipeline_with_its_builds_as_jobs() -> None:
    (run,) = parse("Pipeline Hook", sample("pipeline.json"), UUID).pipelines
    web = "http://192.168.64.1:3005/gitlab-org/gitlab-test"

    def job(job_id: int, name: str, stage: str, status: PipelineStatus, *times: Any) -> JobFact:
        started, finished, seconds = times or (None, None, None)
        return JobFact(
            str(job_id), name, stage, status, started, finished, seconds, f"{web}/-/jobs/{job_id}"
        )

    built = (utc(2016, 8, 12, 15, 24, 56), utc(2016, 8, 12, 15, 25, 26), 17.0)
    ran = (utc(2016, 8, 12, 15, 26, 12), utc(2016, 8, 12, 15, 26, 29), 17.0)
    assert run == PipelineFact(
        repository="gitlab-org/gitlab-test",
        run_id="31",
        attempt=1,
        name="Pipeline for branch: master",
        status=PipelineStatus.SUCCESS,
        trigger="merge_request_event",
        sha="bcbb5ec396a2c0f828686f14fac9b80b780504f2",
        branch="master",
        started_at=utc(2016, 8, 12, 15, 23, 28),
        finished_at=utc(2016, 8, 12, 15, 26, 29),
        duration_s=63.0,
        jobs=(  # in id order, whatever order the payload lists them in
            job(376, "build-image", "build", PipelineStatus.SUCCESS, *built),
            job(377, "test-image", "test", PipelineStatus.SUCCESS, *ran),
            job(378, "test-build", "test", PipelineStatus.FAILURE, *ran),
            job(379, "staging", "deploy", PipelineStatus.QUEUED),  # "created"
            job(380, "production", "deploy", PipelineStatus.SKIPPED),
        ),
        url="http://example.com/gitlab-org/gitlab-test/-/pipelines/31",
        repository_url=web,
    )
    assert run.key == ("gitlab-org/gitlab-test", "31", 1)


def test_running_tag_pipeline_has_no_branch_and_no_end() -> None:
    def change(data: dict[str, Any]) -> None:
        data["object_attributes"].update(status="running", tag=True, ref="v1.0.0", url=None)

    (run,) = parse("Pipeline Hook", edited("pipeline.json", change), None).pipelines
    assert (run.status, run.branch, run.finished_at) == (PipelineStatus.RUNNING, None, None)
    assert run.url == "http://192.168.64.1:3005/gitlab-org/gitlab-test/-/pipelines/31"


def test_deployment() -> None:
    (deployment,) = parse("Deployment Hook", sample("deployment.json"), UUID).deployments
    assert deployment == DeploymentFact(
        source_id="15",
        repository="root/test-deployment-webhooks",
        environment="staging",
        status=DeploymentStatus.SUCCESS,
        sha="279484c09fbe69ededfced8c1bb6e6d24616b468",  # from commit_url, extending short_sha
        ref=None,
        started_at=None,
        finished_at=utc(2021, 4, 28, 19, 50, 0),  # 21:50:00 +0200
        url="http://10.126.0.2:3000/root/test-deployment-webhooks/-/jobs/796",
        service_hint=None,
    )
    assert deployment.key == ("root/test-deployment-webhooks", "15")


@pytest.mark.parametrize(
    ("status", "expected", "started"),
    [
        ("running", DeploymentStatus.RUNNING, True),
        ("failed", DeploymentStatus.FAILURE, False),
        ("canceled", DeploymentStatus.CANCELLED, False),
    ],
)
def test_deployment_statuses(status: str, expected: DeploymentStatus, started: bool) -> None:
    def change(data: dict[str, Any]) -> None:
        data.update(status=status, deployable_url=None, commit_url="http://x/-/commit/abc")

    (deployment,) = parse("Deployment Hook", edited("deployment.json", change), None).deployments
    changed = utc(2021, 4, 28, 19, 50, 0)
    assert deployment.status == expected
    assert (deployment.started_at, deployment.finished_at) == (
        (changed, None) if started else (None, changed)
    )
    assert (deployment.url, deployment.sha) == (None, "279484c0")  # the URL names no full id


@pytest.mark.parametrize("event", sorted(SAMPLE_OF))
def test_a_redelivered_payload_gives_equal_facts(event: str) -> None:
    first = parse(event, sample(SAMPLE_OF[event]), "one")
    again = parse(event, sample(SAMPLE_OF[event]), "two")
    assert not first.empty
    assert first.commits == again.commits
    assert first.pull_requests == again.pull_requests
    assert (first.pipelines, first.deployments) == (again.pipelines, again.deployments)


def test_system_hook_is_read_by_its_object_kind() -> None:
    batch = parse("System Hook", sample("push.json"), None)
    assert len(batch.commits) == 2
    assert parse("System Hook", b'{"event_name": "project_create"}', None).empty


@pytest.mark.parametrize("event", ["Job Hook", "Tag Push Hook", "Note Hook"])
def test_unread_events_give_an_empty_batch(event: str) -> None:
    batch = parse(event, b'{"object_kind": "build"}', UUID)
    assert batch == DeliveryBatch(source="gitlab", event=event, delivery_id=UUID)


def test_the_payload_must_be_the_event_the_header_names() -> None:
    with pytest.raises(DeliveryRefused) as refused:
        parse("Push Hook", sample("deployment.json"), None)
    assert (refused.value.message, refused.value.field) == (says.MISMATCHED_EVENT, "object_kind")
    assert refused.value.params == {"found": "deployment", "expected": "push"}


def test_the_configured_token_is_accepted() -> None:
    verify_token("s3cr3t-tøken", "s3cr3t-tøken")


@pytest.mark.parametrize(
    ("secret", "header", "reason"),
    [
        ("s3cr3t", "s3cr3T", says.WRONG_CREDENTIAL),
        ("s3cr3t", "s3cr3t ", says.WRONG_CREDENTIAL),
        ("s3cr3t", "\udcff", says.WRONG_CREDENTIAL),
        ("s3cr3t", None, says.MISSING_CREDENTIAL),
        ("s3cr3t", "", says.MISSING_CREDENTIAL),
        ("", "", says.NOT_CONFIGURED),
    ],
)
def test_token_refusals(secret: str, header: str | None, reason: str) -> None:
    with pytest.raises(SignatureRefused) as refused:
        verify_token(secret, header)
    assert (refused.value.message, refused.value.header) == (reason, "X-Gitlab-Token")


def refusal(event: str, body: bytes, **options: Any) -> DeliveryRefused:
    with pytest.raises(DeliveryRefused) as refused:
        parse(event, body, None, **options)
    return refused.value


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<xml/>", says.NOT_JSON),
        (b'{"object_kind": NaN}', says.NOT_JSON),
        (b"[" * 10_000 + b"]" * 10_000, says.TOO_DEEP),
        (b'["push"]', says.WRONG_TYPE),
        (b"\xff\xfe{}", says.NOT_UTF8),
    ],
)
def test_bodies_that_are_no_payload_are_refused(body: bytes, reason: str) -> None:
    error = refusal("Push Hook", body)
    assert (error.message, error.field) == (reason, "body")


def test_a_body_over_the_size_limit_is_refused() -> None:
    body = sample("pipeline.json")
    assert refusal("Pipeline Hook", body, max_bytes=1000).params == {"limit": 1000}
    assert parse("Pipeline Hook", body, None, max_bytes=len(body)).pipelines


def _set(path: str, value: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value

    return change


@pytest.mark.parametrize(
    ("event", "path", "value", "reason"),
    [
        ("Push Hook", "project", "mike/diaspora", says.WRONG_TYPE),
        ("Push Hook", "project.path_with_namespace", None, says.MISSING),
        ("Push Hook", "commits.0.timestamp", "12/12/2011", says.NOT_A_DATE),
        ("Push Hook", "commits.0.author.email", "a@b\x1b[31m", says.CONTROL_CHARACTER),
        ("Merge Request Hook", "object_attributes.iid", 1.5, says.WRONG_TYPE),
        ("Merge Request Hook", "object_attributes.state", "frozen", says.UNKNOWN_VALUE),
        ("Merge Request Hook", "object_attributes.created_at", "", says.NOT_A_DATE),
        ("Merge Request Hook", "object_attributes.title", "MS\x00Viewport", says.CONTROL_CHARACTER),
        ("Merge Request Hook", "labels.0.title", ["API"], says.WRONG_TYPE),
        ("Pipeline Hook", "object_attributes.duration", -1, says.OUT_OF_RANGE),
        ("Pipeline Hook", "object_attributes.duration", "63", says.WRONG_TYPE),
        ("Pipeline Hook", "builds.0.status", "exploded", says.UNKNOWN_VALUE),
        ("Pipeline Hook", "builds.0.id", "380", says.WRONG_TYPE),
        ("Pipeline Hook", "builds", {"id": 1}, says.WRONG_TYPE),
        ("Deployment Hook", "status_changed_at", "2021-04-28 25:50:00 +0200", says.NOT_A_DATE),
        ("Deployment Hook", "environment", None, says.MISSING),
        ("Deployment Hook", "short_sha", "xyz", says.NOT_A_COMMIT),
    ],
)
def test_damaged_fields_are_refused_by_name(event: str, path: str, value: Any, reason: str) -> None:
    error = refusal(event, edited(SAMPLE_OF[event], _set(path, value)))
    assert error.message == reason
    assert error.field == path.replace(".0.", "[0].")
