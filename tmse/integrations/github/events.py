"""GitHub webhook deliveries → delivery facts."""
# Read: push, pull_request (any action: the pull request as it now stands), pull_request_review,
# workflow_run and deployment_status. Every other event (ping included) answers an empty batch
# naming the event. The body is always read, so a damaged one is refused whatever its event.

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from tmse.integrations.cicd_events.facts import (
    CommitFact,
    DeliveryBatch,
    DeploymentFact,
    DeploymentStatus,
    PipelineFact,
    PipelineStatus,
    PullRequestFact,
    PullRequestState,
    ReviewFact,
    ReviewState,
)
from tmse.integrations.cicd_events.keys import requirement_keys
from tmse.integrations.cicd_events.reading import (
    DEFAULT_MAX_BYTES,
    TEXT_LIMIT,
    Node,
    first_line,
    header_value,
    load_body,
)
from tmse.integrations.cicd_events.refusals import OUT_OF_RANGE, DeliveryRefused

SOURCE = "github"
EVENT_HEADER = "X-GitHub-Event"
DELIVERY_HEADER = "X-GitHub-Delivery"

# workflow_run.status; "completed" defers to the conclusion.
RUN_STATUS: dict[str, PipelineStatus | None] = {
    "requested": PipelineStatus.QUEUED,
    "queued": PipelineStatus.QUEUED,
    "pending": PipelineStatus.QUEUED,
    "waiting": PipelineStatus.WAITING,
    "in_progress": PipelineStatus.RUNNING,
    "completed": None,
}
# workflow_run.conclusion: neutral passes (as GitHub counts it for checks); a timeout or a run
# that could not start fails; action_required waits for someone; stale was superseded.
CONCLUSION = {
    "success": PipelineStatus.SUCCESS,
    "neutral": PipelineStatus.SUCCESS,
    "failure": PipelineStatus.FAILURE,
    "timed_out": PipelineStatus.FAILURE,
    "startup_failure": PipelineStatus.FAILURE,
    "cancelled": PipelineStatus.CANCELLED,
    "stale": PipelineStatus.CANCELLED,
    "skipped": PipelineStatus.SKIPPED,
    "action_required": PipelineStatus.WAITING,
}
DEPLOYMENT_STATE = {
    "queued": DeploymentStatus.QUEUED,
    "pending": DeploymentStatus.QUEUED,
    "in_progress": DeploymentStatus.RUNNING,
    "success": DeploymentStatus.SUCCESS,
    "failure": DeploymentStatus.FAILURE,
    "error": DeploymentStatus.FAILURE,
    "inactive": DeploymentStatus.INACTIVE,
}
PULL_REQUEST_STATE = {"open": PullRequestState.OPEN, "closed": PullRequestState.CLOSED}
REVIEW_STATE = {
    spelling: state
    for state in ReviewState
    for spelling in (state.value, state.value.upper())  # the REST API spells them in capitals
}

Facts = dict[str, tuple[Any, ...]]


def parse(
    event: str, body: bytes, delivery_id: str | None, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> DeliveryBatch:
    """The facts of one delivery (`event` from X-GitHub-Event, `delivery_id` from
    X-GitHub-Delivery); DeliveryRefused names the field at fault."""
    name = header_value(event, EVENT_HEADER, required=True)
    assert name is not None
    delivery = header_value(delivery_id, DELIVERY_HEADER, required=False)
    payload = load_body(body, max_bytes)
    reader = READERS.get(name)
    facts = reader(payload) if reader else {}
    return DeliveryBatch(SOURCE, name, delivery, **facts)


def _repository(payload: Node) -> str:
    return payload.child("repository").text("full_name")


def _push(payload: Node) -> Facts:
    repository = _repository(payload)
    nodes = payload.children("commits")
    head = payload.optional_child("head_commit")
    commits: dict[str, CommitFact] = {}
    for node in [*nodes, *([head] if head else [])]:
        fact = _commit(repository, node)
        commits.setdefault(fact.sha, fact)
    return {"commits": tuple(commits.values())}


def _commit(repository: str, node: Node) -> CommitFact:
    author = node.optional_child("author")
    message = node.optional_text("message", free=True) or ""
    return CommitFact(
        repository=repository,
        sha=node.sha("id"),
        author_name=author.optional_text("name") if author else None,
        author_email=author.optional_text("email") if author else None,
        authored_at=None,
        committed_at=node.optional_timestamp("timestamp"),
        message_title=first_line(message)[:TEXT_LIMIT],
        url=node.optional_text("url"),
    )


def _pull_request(payload: Node) -> Facts:
    payload.text("action")
    fact = _pull_request_fact(_repository(payload), payload.child("pull_request"), None)
    return {"pull_requests": (fact,)}


def _pull_request_fact(repository: str, pr: Node, reviewed_at: datetime | None) -> PullRequestFact:
    merged = pr.flag("merged") or pr.has("merged_at")
    user = pr.optional_child("user")
    title = pr.text("title")
    branch = pr.child("head").text("ref")
    return PullRequestFact(
        repository=repository,
        number=pr.integer("number"),
        title=title,
        branch=branch,
        base_branch=pr.child("base").text("ref"),
        author=user.optional_text("login") if user else None,
        state=PullRequestState.MERGED if merged else pr.choice("state", PULL_REQUEST_STATE),
        created_at=pr.timestamp("created_at"),
        first_review_at=reviewed_at,
        merged_at=pr.optional_timestamp("merged_at") if merged else None,
        # Before a merge, merge_commit_sha names GitHub's trial merge, not a commit of the base.
        merge_sha=pr.optional_sha("merge_commit_sha") if merged else None,
        url=pr.optional_text("html_url"),
        requirement_keys=requirement_keys(title, branch, pr.optional_text("body", free=True)),
        labels=tuple(label.text("name") for label in pr.children("labels")),
    )


def _review(payload: Node) -> Facts:
    action = payload.text("action")
    repository = _repository(payload)
    pr = payload.child("pull_request")
    review = payload.child("review")
    user = review.optional_child("user")
    reviewer = user.optional_text("login") if user else None
    state: ReviewState = review.choice("state", REVIEW_STATE)
    submitted_at = review.optional_timestamp("submitted_at")
    fact = ReviewFact(
        repository=repository,
        number=pr.integer("number"),
        review_id=review.identifier("id"),
        reviewer=reviewer,
        state=state,
        submitted_at=submitted_at,
        url=review.optional_text("html_url"),
    )
    author = pr.optional_child("user")
    by_author = author is not None and author.optional_text("login") == reviewer
    counts = action == "submitted" and not by_author and state != ReviewState.DISMISSED
    pull_request = _pull_request_fact(repository, pr, submitted_at if counts else None)
    return {"reviews": (fact,), "pull_requests": (pull_request,)}


def _workflow_run(payload: Node) -> Facts:
    repository = payload.child("repository")
    run = payload.child("workflow_run")
    workflow = payload.optional_child("workflow")
    status = run.choice("status", RUN_STATUS) or run.choice("conclusion", CONCLUSION)
    attempt = run.optional_integer("run_attempt")
    if attempt == 0:
        raise DeliveryRefused(OUT_OF_RANGE, run.where("run_attempt"), value=attempt)
    started_at = run.optional_timestamp("run_started_at") or run.optional_timestamp("created_at")
    finished_at = run.optional_timestamp("updated_at") if status.finished else None
    duration = None
    if started_at and finished_at:
        duration = (finished_at - started_at).total_seconds()
        if duration < 0:
            raise DeliveryRefused(OUT_OF_RANGE, run.where("updated_at"), value=duration)
    fact = PipelineFact(
        repository=repository.text("full_name"),
        run_id=run.identifier("id"),
        attempt=attempt or 1,  # payloads from before re-runs existed name no attempt
        name=run.optional_text("name") or (workflow.optional_text("name") if workflow else None),
        status=status,
        trigger=run.optional_text("event"),
        sha=run.optional_sha("head_sha"),
        branch=run.optional_text("head_branch"),
        started_at=started_at,
        finished_at=finished_at,
        duration_s=duration,
        jobs=(),
        url=run.optional_text("html_url"),
        repository_url=repository.optional_text("html_url"),
    )
    return {"pipelines": (fact,)}


def _deployment_status(payload: Node) -> Facts:
    status_node = payload.child("deployment_status")
    deployment = payload.child("deployment")
    status: DeploymentStatus = status_node.choice("state", DEPLOYMENT_STATE)
    extra = deployment.optional_child("payload") if _is_object(deployment, "payload") else None
    fact = DeploymentFact(
        source_id=deployment.identifier("id"),
        repository=_repository(payload),
        environment=(status_node.optional_text("environment") or deployment.text("environment")),
        status=status,
        sha=deployment.optional_sha("sha"),
        ref=deployment.optional_text("ref"),
        started_at=deployment.optional_timestamp("created_at"),
        finished_at=status_node.optional_timestamp("created_at") if status.finished else None,
        url=(
            status_node.optional_text("target_url")
            or status_node.optional_text("log_url")
            or status_node.optional_text("environment_url")
        ),
        service_hint=extra.optional_text("service") if extra else None,
    )
    return {"deployments": (fact,)}


def _is_object(node: Node, name: str) -> bool:
    """deployment.payload is free-form: an object, or text someone chose to send."""
    return isinstance(node.data.get(name), dict)


READERS: dict[str, Callable[[Node], Facts]] = {
    "push": _push,
    "pull_request": _pull_request,
    "pull_request_review": _review,
    "workflow_run": _workflow_run,
    "deployment_status": _deployment_status,
}
