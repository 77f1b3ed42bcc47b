"""Jenkins Notification plugin deliveries (JSON format) → delivery facts."""
# One delivery is one build phase (QUEUED, STARTED, COMPLETED, FINALIZED) of one job: a
# PipelineFact keyed by the job's full name and the build number, so every phase of a build
# updates one record. The repository is the job's full name (folders included, from the job
# URL `job/<folder>/job/<name>/`), because the SCM fields are only known once the checkout ran;
# the SCM URL travels as `repository_url`.
#
# A build is also a deployment when one of its parameters names an environment: the first
# non-empty of DEPLOY_ENV, DEPLOY_ENVIRONMENT, ENVIRONMENT, TARGET_ENV, TARGET_ENVIRONMENT
# (names compared without regard to case). A SERVICE, SERVICE_NAME, APP or APP_NAME parameter
# becomes the deployment's service hint.
#
# Not read: artifacts, log, notes, and scm.changes / scm.culprits (they name files and people,
# not commits with ids). They are still checked to be of the documented types.

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from tmse.integrations.cicd_events.facts import (
    DeliveryBatch,
    DeploymentFact,
    DeploymentStatus,
    PipelineFact,
    PipelineStatus,
)
from tmse.integrations.cicd_events.reading import (
    DEFAULT_MAX_BYTES,
    Node,
    header_value,
    load_body,
    utc_from_parts,
)
from tmse.integrations.cicd_events.refusals import NOT_A_DATE, OUT_OF_RANGE, DeliveryRefused

SOURCE = "jenkins"
DELIVERY_HEADER = "X-Tmse-Delivery"
PHASE = {
    "QUEUED": PipelineStatus.QUEUED,
    "STARTED": PipelineStatus.RUNNING,
    "COMPLETED": None,  # the build's result decides
    "FINALIZED": None,
}
# UNSTABLE (tests failed, the build ran through) counts as a failure: the change did not pass.
RESULT = {
    "SUCCESS": PipelineStatus.SUCCESS,
    "UNSTABLE": PipelineStatus.FAILURE,
    "FAILURE": PipelineStatus.FAILURE,
    "ABORTED": PipelineStatus.CANCELLED,
    "NOT_BUILT": PipelineStatus.SKIPPED,
}
DEPLOYMENT_OF = {
    PipelineStatus.QUEUED: DeploymentStatus.QUEUED,
    PipelineStatus.WAITING: DeploymentStatus.QUEUED,
    PipelineStatus.RUNNING: DeploymentStatus.RUNNING,
    PipelineStatus.SUCCESS: DeploymentStatus.SUCCESS,
    PipelineStatus.FAILURE: DeploymentStatus.FAILURE,
    PipelineStatus.CANCELLED: DeploymentStatus.CANCELLED,
    PipelineStatus.SKIPPED: DeploymentStatus.CANCELLED,
}
ENVIRONMENT_PARAMETERS = (
    "DEPLOY_ENV",
    "DEPLOY_ENVIRONMENT",
    "ENVIRONMENT",
    "TARGET_ENV",
    "TARGET_ENVIRONMENT",
)
SERVICE_PARAMETERS = ("SERVICE", "SERVICE_NAME", "APP", "APP_NAME")
MAX_MILLIS = 253402300799999  # 9999-12-31T23:59:59.999Z
# The plugin writes yyyy-MM-dd'T'HH:mm:ss.S with the zone: ".S" is the milliseconds, unpadded
# (".7" is 7 ms, not 700).
_PLUGIN_TIME = re.compile(
    r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\.(\d{1,3})(?:Z|UTC|([+-])(\d{2}):?(\d{2}))", re.ASCII
)
_JOB_SEGMENT = re.compile(r"job/([^/]+)/?")


def parse(
    body: bytes, delivery_id: str | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> DeliveryBatch:
    """The facts of one notification; its event is the build phase. DeliveryRefused names the
    field at fault."""
    delivery = header_value(delivery_id, DELIVERY_HEADER, required=False)
    payload = load_body(body, max_bytes)
    build = payload.child("build")
    phase = build.text("phase")
    status: PipelineStatus | None = build.choice("phase", PHASE)
    if status is None:  # STARTED carries the previous build's status, so it is read only here
        status = build.choice("status", RESULT)
    job = _job_name(payload)
    number = build.integer("number")
    scm = build.optional_child("scm")
    if scm:
        scm.texts("changes")
        scm.texts("culprits")
    started_at = _plugin_time(build, "timestamp")
    seconds = build.optional_seconds("duration", unit=0.001)
    finished_at = None
    if status.finished and started_at and seconds is not None:
        finished_at = started_at + timedelta(seconds=seconds)
    pipeline = PipelineFact(
        repository=job,
        run_id=str(number),
        attempt=1,
        name=payload.text("name"),
        status=status,
        trigger=None,
        sha=scm.optional_sha("commit") if scm else None,
        branch=_branch(scm.optional_text("branch")) if scm else None,
        started_at=started_at,
        finished_at=finished_at,
        duration_s=seconds if status.finished else None,
        jobs=(),
        url=build.optional_text("full_url"),
        repository_url=scm.optional_text("url") if scm else None,
    )
    deployments = _deployment(pipeline, build.text_map("parameters"))
    return DeliveryBatch(SOURCE, phase, delivery, pipelines=(pipeline,), deployments=deployments)


def _job_name(payload: Node) -> str:
    """The job's full name: folders and name as its URL spells them, else its bare name."""
    url = payload.optional_text("url")
    segments = _JOB_SEGMENT.findall(url or "")
    return "/".join(segments) if segments else payload.text("name")


def _branch(branch: str | None) -> str | None:
    """The branch name without the remote-tracking prefix the Git plugin adds (origin/main)."""
    if branch is None:
        return None
    for prefix in ("refs/remotes/origin/", "refs/heads/", "origin/"):
        if branch.startswith(prefix):
            return branch[len(prefix) :] or None
    return branch


def _plugin_time(build: Node, name: str) -> datetime | None:
    """The build's start: the plugin's text form, or epoch milliseconds."""
    value = build.data.get(name)
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        if not 0 <= value <= MAX_MILLIS:
            raise DeliveryRefused(OUT_OF_RANGE, build.where(name), value=value)
        return datetime.fromtimestamp(value / 1000, UTC)
    match = _PLUGIN_TIME.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return build.timestamp(name)  # ISO 8601 from another sender, or refused
    day_and_time, millis, sign, hours, minutes = match.groups()
    offset = 0 if sign is None else (int(hours) * 60 + int(minutes)) * (-1 if sign == "-" else 1)
    moment = utc_from_parts(day_and_time, int(millis), offset)
    if moment is None:
        raise DeliveryRefused(NOT_A_DATE, build.where(name), value=value[:40])
    return moment


def _deployment(pipeline: PipelineFact, parameters: dict[str, str]) -> tuple[DeploymentFact, ...]:
    by_name = {name.upper(): value for name, value in parameters.items()}
    environment = next((by_name[n] for n in ENVIRONMENT_PARAMETERS if by_name.get(n)), None)
    if environment is None:
        return ()
    service = next((by_name[n] for n in SERVICE_PARAMETERS if by_name.get(n)), None)
    status = DEPLOYMENT_OF[pipeline.status]
    return (
        DeploymentFact(
            source_id=f"{pipeline.repository}#{pipeline.run_id}",
            repository=pipeline.repository,
            environment=environment,
            status=status,
            sha=pipeline.sha,
            ref=pipeline.branch,
            started_at=pipeline.started_at,
            finished_at=pipeline.finished_at,
            url=pipeline.url,
            service_hint=service,
        ),
    )
