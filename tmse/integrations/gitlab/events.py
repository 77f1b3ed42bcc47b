"""GitLab webhook deliveries → delivery facts."""
# Read: Push Hook, Merge Request Hook (any action: the merge request as it now stands), Pipeline
# Hook (its builds as jobs) and Deployment Hook; a System Hook is read by its object_kind. Other
# events answer an empty batch naming the event. The payload's object_kind must agree with the
# X-Gitlab-Event header. The repository is the project's path_with_namespace.

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tmse.integrations.cicd_events.facts import (
    CommitFact,
    DeliveryBatch,
    DeploymentFact,
    DeploymentStatus,
    JobFact,
    PipelineFact,
    PipelineStatus,
    PullRequestFact,
    PullRequestState,
)
from tmse.integrations.cicd_events.keys import requirement_keys
from tmse.integrations.cicd_events.reading import (
    DEFAULT_MAX_BYTES,
    TEXT_LIMIT,
    Node,
    first_line,
    header_value,
    load_body,
    sha_in_url,
)
from tmse.integrations.cicd_events.refusals import MISMATCHED_EVENT, DeliveryRefused

SOURCE = "gitlab"
EVENT_HEADER = "X-Gitlab-Event"
DELIVERY_HEADER = "X-Gitlab-Event-UUID"
SYSTEM_HOOK = "System Hook"

MERGE_REQUEST_STATE = {
    "opened": PullRequestState.OPEN,
    "reopened": PullRequestState.OPEN,
    "locked": PullRequestState.OPEN,  # held for a moment while GitLab merges it
    "closed": PullRequestState.CLOSED,
    "merged": PullRequestState.MERGED,
}
PIPELINE_STATUS = {
    "created": PipelineStatus.QUEUED,
    "waiting_for_resource": PipelineStatus.QUEUED,
    "waiting_for_callback": PipelineStatus.QUEUED,
    "preparing": PipelineStatus.QUEUED,
    "pending": PipelineStatus.QUEUED,
    "scheduled": PipelineStatus.QUEUED,
    "manual": PipelineStatus.WAITING,
    "running": PipelineStatus.RUNNING,
    "success": PipelineStatus.SUCCESS,
    "failed": PipelineStatus.FAILURE,
    "canceling": PipelineStatus.CANCELLED,
    "canceled": PipelineStatus.CANCELLED,
    "skipped": PipelineStatus.SKIPPED,
}
# A skipped deployment never reached its environment: cancelled, as far as a store is concerned.
DEPLOYMENT_STATUS = {
    "created": DeploymentStatus.QUEUED,
    "blocked": DeploymentStatus.QUEUED,
    "running": DeploymentStatus.RUNNING,
    "success": DeploymentStatus.SUCCESS,
    "failed": DeploymentStatus.FAILURE,
    "canceled": DeploymentStatus.CANCELLED,
    "skipped": DeploymentStatus.CANCELLED,
}

Facts = dict[str, tuple[Any, ...]]


def parse(
    event: str, body: bytes, delivery_id: str | None, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> DeliveryBatch:
    """The facts of one delivery (`event` from X-Gitlab-Event, `delivery_id` from
    X-Gitlab-Event-UUID); DeliveryRefused names the field at fault."""
    name = header_value(event, EVENT_HEADER, required=True)
    assert name is not None
    delivery = header_value(delivery_id, DELIVERY_HEADER, required=False)
    payload = load_body(body, max_bytes)
    kind = KIND_OF_EVENT.get(name)
    if name == SYSTEM_HOOK and payload.optional_text("object_kind") in READERS:
        kind = payload.text("object_kind")
    if kind is None:
        return DeliveryBatch(SOURCE, name, delivery)
    found = payload.text("object_kind")
    if found != kind:
        raise DeliveryRefused(MISMATCHED_EVENT, "object_kind", found=found[:40], expected=kind)
    return DeliveryBatch(SOURCE, name, delivery, **READERS[kind](payload))


def _project(payload: Node) -> tuple[str, str | None]:
    """(path_with_namespace, web_url) of the payload's project."""
    project = payload.child("project")
    return project.text("path_with_namespace"), project.optional_text("web_url")


def _push(payload: Node) -> Facts:
    repository, _ = _project(payload)
    commits: dict[str, CommitFact] = {}
    for node in payload.children("commits"):
        author = node.optional_child("author")
        message = node.optional_text("message", free=True) or ""
        fact = CommitFact(
            repository=repository,
            sha=node.sha("id"),
            author_name=author.optional_text("name") if author else None,
            author_email=author.optional_text("email") if author else None,
            authored_at=None,
            committed_at=node.optional_timestamp("timestamp"),
            message_title=node.optional_text("title") or first_line(message)[:TEXT_LIMIT],
            url=node.optional_text("url"),
        )
        commits.setdefault(fact.sha, fact)
    return {"commits": tuple(commits.values())}


def _merge_request(payload: Node) -> Facts:
    repository, _ = _project(payload)
    request = payload.child("object_attributes")
    action = request.optional_text("action")
    state: PullRequestState = request.choice("state", MERGE_REQUEST_STATE)
    merged = state == PullRequestState.MERGED
    merged_at = request.optional_timestamp("merged_at")
    if merged and merged_at is None and action == "merge":
        merged_at = request.optional_timestamp("updated_at")  # the merge is this very update
    # The payload names the merge request's author only by id: the acting user's name is the
    # author's when their ids agree (the author opening or updating it), else it stays unknown.
    user = payload.optional_child("user")
    by_author = user is not None and user.optional_integer("id") == request.optional_integer(
        "author_id"
    )
    title = request.text("title")
    branch = request.text("source_branch")
    description = request.optional_text("description", free=True)
    labels = payload.children("labels") or request.children("labels")
    fact = PullRequestFact(
        repository=repository,
        number=request.integer("iid"),
        title=title,
        branch=branch,
        base_branch=request.text("target_branch"),
        author=user.optional_text("username") if user and by_author else None,
        state=state,
        created_at=request.timestamp("created_at"),
        first_review_at=None,
        merged_at=merged_at if merged else None,
        merge_sha=request.optional_sha("merge_commit_sha") if merged else None,
        url=request.optional_text("url"),
        requirement_keys=requirement_keys(title, branch, description),
        labels=tuple(label.text("title") for label in labels),
    )
    return {"pull_requests": (fact,)}


def _pipeline(payload: Node) -> Facts:
    repository, web_url = _project(payload)
    run = payload.child("object_attributes")
    run_id = run.identifier("id")
    status: PipelineStatus = run.choice("status", PIPELINE_STATUS)
    builds = sorted(payload.children("builds"), key=lambda build: build.integer("id"))
    fact = PipelineFact(
        repository=repository,
        run_id=run_id,
        attempt=1,  # a retried job stays in its pipeline; running again makes a new pipeline
        name=run.optional_text("name"),
        status=status,
        trigger=run.optional_text("source"),
        sha=run.optional_sha("sha"),
        branch=None if run.flag("tag") else run.optional_text("ref"),
        # The payload names when the pipeline was created, not when its first job started.
        started_at=run.optional_timestamp("created_at"),
        finished_at=run.optional_timestamp("finished_at") if status.finished else None,
        duration_s=run.optional_seconds("duration"),
        jobs=tuple(_job(build, web_url) for build in builds),
        url=run.optional_text("url") or (f"{web_url}/-/pipelines/{run_id}" if web_url else None),
        repository_url=web_url,
    )
    return {"pipelines": (fact,)}


def _job(build: Node, web_url: str | None) -> JobFact:
    job_id = build.identifier("id")
    return JobFact(
        job_id=job_id,
        name=build.text("name"),
        stage=build.optional_text("stage"),
        status=build.choice("status", PIPELINE_STATUS),
        started_at=build.optional_timestamp("started_at"),
        finished_at=build.optional_timestamp("finished_at"),
        duration_s=build.optional_seconds("duration"),
        url=f"{web_url}/-/jobs/{job_id}" if web_url else None,
    )


def _deployment(payload: Node) -> Facts:
    repository, _ = _project(payload)
    status: DeploymentStatus = payload.choice("status", DEPLOYMENT_STATUS)
    changed_at = payload.optional_timestamp("status_changed_at")
    # Each delivery tells the moment of its own status change only; a store keeps both ends.
    fact = DeploymentFact(
        source_id=payload.identifier("deployment_id"),
        repository=repository,
        environment=payload.text("environment"),
        status=status,
        sha=_deployed_sha(payload),
        ref=payload.optional_text("ref"),
        started_at=changed_at if status == DeploymentStatus.RUNNING else None,
        finished_at=changed_at if status.finished else None,
        url=payload.optional_text("deployable_url"),
        service_hint=None,
    )
    return {"deployments": (fact,)}


def _deployed_sha(payload: Node) -> str | None:
    """The full commit id from commit_url when it extends short_sha; else short_sha."""
    short = payload.optional_sha("short_sha")
    full = sha_in_url(payload.optional_text("commit_url"))
    if full and (short is None or full.startswith(short)):
        return full
    return short


READERS: dict[str, Callable[[Node], Facts]] = {
    "push": _push,
    "merge_request": _merge_request,
    "pipeline": _pipeline,
    "deployment": _deployment,
}
KIND_OF_EVENT = {
    "Push Hook": "push",
    "Merge Request Hook": "merge_request",
    "Pipeline Hook": "pipeline",
    "Deployment Hook": "deployment",
}
