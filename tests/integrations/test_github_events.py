"""GitHub deliveries: the documented payload samples read into facts, field by field; signatures
checked; damaged bodies refused naming the field."""

from __future__ import annotations

import hashlib
import hmac
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
    PipelineFact,
    PipelineStatus,
    PullRequestFact,
    PullRequestState,
    ReviewFact,
    ReviewState,
    SignatureRefused,
)
from tmse.integrations.cicd_events import refusals as says
from tmse.integrations.github import parse, verify_signature

SAMPLES = Path(__file__).parent / "fixtures" / "github"
DELIVERY = "72d3162e-cc78-11e3-81ab-4c9367dc0958"
REPO = "Codertocat/Hello-World"
SAMPLE_OF = {
    "push": "push.json",
    "pull_request": "pull_request_closed.json",
    "pull_request_review": "pull_request_review_submitted.json",
    "workflow_run": "workflow_run_completed.json",
    "deployment_status": "deployment_status.json",
}


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def edited(name: str, change: Any) -> bytes:
    """A sample with one change made to its data (`change` edits the dict in place)."""
    data = json.loads(sample(name))
    change(data)
    return json.dumps(data).encode()


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_push_gives_each_commit_once() -> None:
    batch = parse("push", sample("push.json"), DELIVERY)
    sha = "6113728f27ae82c7b1a177c8d03f9e96e0adf246"
    # The commit is listed in `commits` and again as `head_commit`: one fact.
    assert batch == DeliveryBatch(
        source="github",
        event="push",
        delivery_id=DELIVERY,
        commits=(
            CommitFact(
                repository=REPO,
                sha=sha,
                author_name="Codertocat",
                author_email="21031067+Codertocat@users.noreply.github.com",
                authored_at=None,
                committed_at=utc(2019, 5, 15, 15, 19, 25),
                message_title="Initial commit",
                url=f"https://github.com/{REPO}/commit/{sha}",
            ),
        ),
    )
    assert batch.commits[0].key == (REPO, sha)


def test_commit_title_is_the_first_line_and_times_become_utc() -> None:
    def change(data: dict[str, Any]) -> None:
        data["commits"][0]["message"] = "Fix login (REQ-12)\n\nLonger story.\n"
        data["commits"][0]["timestamp"] = "2019-05-15T17:19:25+02:00"
        data["head_commit"] = None

    (commit,) = parse("push", edited("push.json", change), None).commits
    assert commit.message_title == "Fix login (REQ-12)"
    assert commit.committed_at == utc(2019, 5, 15, 15, 19, 25)


def test_closed_pull_request_that_was_not_merged() -> None:
    (pr,) = parse("pull_request", sample("pull_request_closed.json"), DELIVERY).pull_requests
    assert pr == PullRequestFact(
        repository=REPO,
        number=2,
        title="Update the README with new information.",
        branch="changes",
        base_branch="master",
        author="Codertocat",
        state=PullRequestState.CLOSED,
        created_at=utc(2019, 5, 15, 15, 20, 33),
        first_review_at=None,
        merged_at=None,
        merge_sha=None,  # the sample's merge_commit_sha is GitHub's trial merge, not a merge
        url=f"https://github.com/{REPO}/pull/2",
        requirement_keys=(),
        labels=("bug",),
    )
    assert pr.key == (REPO, 2)


def test_merged_pull_request_names_its_merge_commit_and_requirement_keys() -> None:
    def change(data: dict[str, Any]) -> None:
        pr = data["pull_request"]
        pr.update(merged=True, merged_at="2019-05-15T15:21:18Z", title="REQ-7: new README")
        pr["head"]["ref"] = "feature/pay-12-readme"
        pr["body"] = "Also closes ABC-3; UTF-8 throughout. Relates to req-7."

    (pr,) = parse("pull_request", edited("pull_request_closed.json", change), None).pull_requests
    assert pr.state == PullRequestState.MERGED
    assert pr.merged_at == utc(2019, 5, 15, 15, 21, 18)
    assert pr.merge_sha == "c4295bd74fb0f4fda03689c3df3f2803b658fd85"
    assert pr.requirement_keys == ("REQ-7", "PAY-12", "ABC-3")


def test_opened_pull_request_is_open() -> None:
    def change(data: dict[str, Any]) -> None:
        data["action"] = "opened"
        data["pull_request"].update(state="open", closed_at=None)

    (pr,) = parse("pull_request", edited("pull_request_closed.json", change), None).pull_requests
    assert (pr.state, pr.merged_at, pr.merge_sha) == (PullRequestState.OPEN, None, None)


def test_review_by_the_author_is_no_first_review() -> None:
    batch = parse("pull_request_review", sample("pull_request_review_submitted.json"), DELIVERY)
    assert batch.reviews == (
        ReviewFact(
            repository=REPO,
            number=2,
            review_id="237895671",
            reviewer="Codertocat",
            state=ReviewState.COMMENTED,
            submitted_at=utc(2019, 5, 15, 15, 20, 38),
            url=f"https://github.com/{REPO}/pull/2#pullrequestreview-237895671",
        ),
    )
    (pr,) = batch.pull_requests
    assert (pr.number, pr.state, pr.first_review_at) == (2, PullRequestState.OPEN, None)


def test_review_by_someone_else_is_the_first_review_time() -> None:
    def change(data: dict[str, Any]) -> None:
        data["review"]["user"]["login"] = "octocat"
        data["review"]["state"] = "approved"

    body = edited("pull_request_review_submitted.json", change)
    batch = parse("pull_request_review", body, None)
    assert batch.reviews[0].state == ReviewState.APPROVED
    assert batch.pull_requests[0].first_review_at == utc(2019, 5, 15, 15, 20, 38)


def test_completed_workflow_run() -> None:
    (run,) = parse("workflow_run", sample("workflow_run_completed.json"), DELIVERY).pipelines
    assert run == PipelineFact(
        repository="octo-org/octo-repo",
        run_id="289782451",
        attempt=1,
        name="test",  # the run has no name of its own: the workflow's
        status=PipelineStatus.SUCCESS,
        trigger="repository_dispatch",
        sha="3484a3fb816e0859fd6e1cea078d76385ff50625",
        branch="master",
        started_at=utc(2020, 10, 5, 16, 33, 24),
        finished_at=utc(2020, 10, 5, 16, 33, 49),
        duration_s=25.0,  # 16:33:49 - 16:33:24
        jobs=(),
        url="https://github.com/octo-org/octo-repo/actions/runs/289782451",
        repository_url="https://github.com/octo-org/octo-repo",
    )
    assert run.key == ("octo-org/octo-repo", "289782451", 1)


@pytest.mark.parametrize(
    ("status", "conclusion", "expected"),
    [
        ("requested", None, PipelineStatus.QUEUED),
        ("in_progress", None, PipelineStatus.RUNNING),
        ("completed", "failure", PipelineStatus.FAILURE),
        ("completed", "timed_out", PipelineStatus.FAILURE),
        ("completed", "cancelled", PipelineStatus.CANCELLED),
        ("completed", "skipped", PipelineStatus.SKIPPED),
    ],
)
def test_workflow_run_status(status: str, conclusion: str | None, expected: str) -> None:
    def change(data: dict[str, Any]) -> None:
        data["workflow_run"].update(status=status, conclusion=conclusion, run_attempt=2)

    (run,) = parse("workflow_run", edited("workflow_run_completed.json", change), None).pipelines
    assert run.status == expected
    assert run.attempt == 2
    finished = expected not in (PipelineStatus.QUEUED, PipelineStatus.RUNNING)
    assert (run.finished_at is not None) == finished


def test_deployment_status() -> None:
    (deployment,) = parse("deployment_status", sample("deployment_status.json"), None).deployments
    assert deployment == DeploymentFact(
        source_id="145988746",
        repository=REPO,
        environment="production",
        status=DeploymentStatus.SUCCESS,
        sha="f95f852bd8fca8fcc58a9a2d6c842781e32a215e",
        ref="master",
        started_at=utc(2019, 5, 15, 15, 20, 53),
        finished_at=utc(2019, 5, 15, 15, 20, 55),
        url=None,  # target_url is empty in the sample
        service_hint=None,
    )
    assert deployment.key == (REPO, "145988746")


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("in_progress", DeploymentStatus.RUNNING),
        ("failure", DeploymentStatus.FAILURE),
        ("error", DeploymentStatus.FAILURE),
        ("queued", DeploymentStatus.QUEUED),
    ],
)
def test_deployment_states(state: str, expected: DeploymentStatus) -> None:
    def change(data: dict[str, Any]) -> None:
        data["deployment_status"].update(state=state, target_url="https://ci.example/1")
        data["deployment"]["payload"] = {"service": "billing-api"}

    body = edited("deployment_status.json", change)
    (deployment,) = parse("deployment_status", body, None).deployments
    assert deployment.status == expected
    finished = None if state in ("in_progress", "queued") else utc(2019, 5, 15, 15, 20, 55)
    assert deployment.finished_at == finished
    assert (deployment.url, deployment.service_hint) == ("https://ci.example/1", "billing-api")


@pytest.mark.parametrize("name", sorted(path.name for path in SAMPLES.glob("*.json")))
def test_a_redelivered_payload_gives_equal_facts(name: str) -> None:
    event = {file: event for event, file in SAMPLE_OF.items()}[name]
    first = parse(event, sample(name), "a")
    again = parse(event, sample(name), "b")
    assert not first.empty
    assert (first.commits, first.pull_requests, first.reviews) == (
        again.commits,
        again.pull_requests,
        again.reviews,
    )
    assert (first.pipelines, first.deployments) == (again.pipelines, again.deployments)


@pytest.mark.parametrize("event", ["ping", "issues", "star"])
def test_ping_and_unread_events_give_an_empty_batch(event: str) -> None:
    body = b'{"zen": "Encourage flow.", "hook_id": 2472869}'
    batch = parse(event, body, DELIVERY)
    assert batch == DeliveryBatch(source="github", event=event, delivery_id=DELIVERY)
    assert batch.empty


SECRET = b"It's a Secret to Everybody"


def signed(body: bytes, secret: bytes = SECRET) -> str:
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def test_githubs_documented_signature_example_is_accepted() -> None:
    # GitHub's "Validating webhook deliveries" test values.
    header = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    verify_signature(SECRET, b"Hello, World!", header)


def test_signature_of_the_body_is_accepted_in_either_case() -> None:
    body = sample("push.json")
    verify_signature(SECRET, body, signed(body))
    verify_signature(SECRET, body, signed(body).upper().replace("SHA256=", "sha256="))


@pytest.mark.parametrize(
    ("secret", "body", "header", "reason"),
    [
        (b"another secret", b"{}", signed(b"{}"), says.WRONG_SIGNATURE),
        (SECRET, b'{"tampered": true}', signed(b"{}"), says.WRONG_SIGNATURE),
        (SECRET, b"{}", None, says.MISSING_SIGNATURE),
        (SECRET, b"{}", "  ", says.MISSING_SIGNATURE),
        (SECRET, b"{}", signed(b"{}")[7:], says.MALFORMED_SIGNATURE),  # no sha256= prefix
        (SECRET, b"{}", "sha1=" + "0" * 40, says.MALFORMED_SIGNATURE),
        (SECRET, b"{}", signed(b"{}")[:-1], says.MALFORMED_SIGNATURE),
        (SECRET, b"{}", "sha256=" + "g" * 64, says.MALFORMED_SIGNATURE),
        (b"", b"{}", signed(b"{}", b""), says.NOT_CONFIGURED),
    ],
)
def test_signature_refusals(secret: bytes, body: bytes, header: str | None, reason: str) -> None:
    with pytest.raises(SignatureRefused) as refused:
        verify_signature(secret, body, header)
    assert refused.value.message == reason
    assert refused.value.header == "X-Hub-Signature-256"


def refusal(event: str, body: bytes, **options: Any) -> DeliveryRefused:
    with pytest.raises(DeliveryRefused) as refused:
        parse(event, body, None, **options)
    return refused.value


def test_a_body_that_is_not_json_is_refused() -> None:
    error = refusal("push", b"payload=%7B%22ref%22%3A%22x%22%7D")
    assert (error.message, error.field) == (says.NOT_JSON, "body")


def test_json_nested_ten_thousand_deep_is_refused() -> None:
    error = refusal("push", b'{"a":' + b"[" * 10_000 + b"]" * 10_000 + b"}")
    assert (error.message, error.field) == (says.TOO_DEEP, "body")


def test_a_body_over_the_size_limit_is_refused() -> None:
    body = sample("push.json")
    error = refusal("push", body, max_bytes=len(body) - 1)
    assert (error.message, error.field, error.params) == (
        says.BODY_TOO_LARGE,
        "body",
        {"limit": len(body) - 1},
    )
    assert parse("push", body, None, max_bytes=len(body)).commits
    big = b'{"zen": "' + b"x" * (5 * 1024 * 1024) + b'"}'
    assert refusal("ping", big).message == says.BODY_TOO_LARGE  # the default: 5 MB


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
        ("push", "repository", [], says.WRONG_TYPE),
        ("push", "repository.full_name", None, says.MISSING),
        ("push", "commits", {"id": 1}, says.WRONG_TYPE),
        ("push", "commits.0.id", "not-a-sha", says.NOT_A_COMMIT),
        ("push", "commits.0.timestamp", "yesterday", says.NOT_A_DATE),
        ("push", "commits.0.timestamp", "2019-05-15T15:19:25", says.NOT_A_DATE),  # no zone
        ("push", "commits.0.timestamp", "2019-02-30T15:19:25Z", says.NOT_A_DATE),
        ("push", "commits.0.author.name", "Coder\x00tocat", says.CONTROL_CHARACTER),
        ("push", "commits.0.author.name", "Coder\ntocat", says.CONTROL_CHARACTER),
        ("pull_request", "pull_request.number", "2", says.WRONG_TYPE),
        ("pull_request", "pull_request.number", True, says.WRONG_TYPE),
        ("pull_request", "pull_request.number", -2, says.OUT_OF_RANGE),
        ("pull_request", "pull_request.state", "gone", says.UNKNOWN_VALUE),
        ("pull_request", "pull_request.title", "x" * 5000, says.TEXT_TOO_LONG),
        ("pull_request", "pull_request.title", "   ", says.EMPTY_TEXT),
        ("pull_request", "pull_request.head", "changes", says.WRONG_TYPE),
        ("pull_request", "pull_request.labels.0", "bug", says.WRONG_TYPE),
        ("pull_request_review", "review.state", "APPROVED!", says.UNKNOWN_VALUE),
        ("workflow_run", "workflow_run.conclusion", "maybe", says.UNKNOWN_VALUE),
        ("workflow_run", "workflow_run.updated_at", 3.5, says.WRONG_TYPE),
        ("workflow_run", "workflow_run.run_attempt", 0, says.OUT_OF_RANGE),
        ("workflow_run", "workflow_run.updated_at", "2020-10-05T16:30:00Z", says.OUT_OF_RANGE),
        ("deployment_status", "deployment_status.state", 1, says.WRONG_TYPE),
        ("deployment_status", "deployment.id", 2**64, says.OUT_OF_RANGE),
    ],
)
def test_damaged_fields_are_refused_by_name(event: str, path: str, value: Any, reason: str) -> None:
    error = refusal(event, edited(SAMPLE_OF[event], _set(path, value)))
    assert error.message == reason
    assert error.field == path.replace(".0.", "[0].").replace(".0", "[0]")


def test_header_values_with_control_characters_are_refused() -> None:
    assert refusal("push\r\nX-Evil: 1", b"{}").field == "X-GitHub-Event"
    with pytest.raises(DeliveryRefused) as refused:
        parse("push", sample("push.json"), "id\x00")
    assert refused.value.field == "X-GitHub-Delivery"
