"""Jenkins Notification plugin deliveries: the README's sample (and one with the plugin's later
fields) read into facts; the shared token checked; damaged bodies refused naming the field."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tmse.integrations.cicd_events import (
    DeliveryBatch,
    DeliveryRefused,
    DeploymentFact,
    DeploymentStatus,
    PipelineFact,
    PipelineStatus,
    SignatureRefused,
)
from tmse.integrations.cicd_events import refusals as says
from tmse.integrations.jenkins import parse, verify_token

SAMPLES = Path(__file__).parent / "fixtures" / "jenkins"
SHA = "c6d86dc654b12425e706bcf951adfe5a8627a517"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def edited(name: str, change: Any) -> bytes:
    data = json.loads(sample(name))
    change(data)
    return json.dumps(data).encode()


def test_the_readme_example_is_a_finished_pipeline() -> None:
    batch = parse(sample("readme_example.json"))
    assert batch == DeliveryBatch(
        source="jenkins",
        event="COMPLETED",
        delivery_id=None,
        pipelines=(
            PipelineFact(
                repository="asgard",
                run_id="18",
                attempt=1,
                name="asgard",
                status=PipelineStatus.SUCCESS,
                trigger=None,
                sha=SHA,
                branch="master",  # "origin/master" without the remote
                started_at=None,
                finished_at=None,
                duration_s=None,
                jobs=(),
                url="http://localhost:8080/job/asgard/18/",
                repository_url="https://github.com/evgeny-goldin/asgard.git",
            ),
        ),
    )
    assert batch.pipelines[0].key == ("asgard", "18", 1)


def test_a_build_with_an_environment_parameter_is_a_deployment() -> None:
    batch = parse(sample("deploy_finalized.json"), "delivery-7")
    # The plugin's ".7" is 7 milliseconds; 95123 ms later is 14:06:38.130.
    started = datetime(2015, 2, 26, 14, 5, 3, 7000, tzinfo=UTC)
    finished = datetime(2015, 2, 26, 14, 6, 38, 130000, tzinfo=UTC)
    (pipeline,) = batch.pipelines
    assert (batch.event, batch.delivery_id) == ("FINALIZED", "delivery-7")
    assert pipeline.key == ("delivery/asgard", "19", 1)  # the folder is part of the job's name
    assert pipeline.status == PipelineStatus.FAILURE  # UNSTABLE: the change did not pass
    assert (pipeline.started_at, pipeline.finished_at) == (started, finished)
    assert pipeline.duration_s == pytest.approx(95.123)
    assert batch.deployments == (
        DeploymentFact(
            source_id="delivery/asgard#19",
            repository="delivery/asgard",
            environment="production",
            status=DeploymentStatus.FAILURE,
            sha=SHA,
            ref="master",
            started_at=started,
            finished_at=finished,
            url="http://localhost:8080/job/delivery/job/asgard/19/",
            service_hint="asgard",
        ),
    )
    assert batch.deployments[0].key == ("delivery/asgard", "delivery/asgard#19")


@pytest.mark.parametrize(
    ("phase", "status", "expected"),
    [
        ("QUEUED", None, PipelineStatus.QUEUED),
        ("STARTED", "FAILURE", PipelineStatus.RUNNING),  # the previous build's result: ignored
        ("COMPLETED", "SUCCESS", PipelineStatus.SUCCESS),
        ("COMPLETED", "ABORTED", PipelineStatus.CANCELLED),
        ("FINALIZED", "NOT_BUILT", PipelineStatus.SKIPPED),
    ],
)
def test_phase_and_result(phase: str, status: str | None, expected: PipelineStatus) -> None:
    def change(data: dict[str, Any]) -> None:
        data["build"].update(phase=phase, status=status)

    batch = parse(edited("deploy_finalized.json", change))
    assert batch.pipelines[0].status == expected
    running = expected in (PipelineStatus.QUEUED, PipelineStatus.RUNNING)
    assert (batch.pipelines[0].finished_at is None) == running
    assert (batch.pipelines[0].duration_s is None) == running
    assert batch.deployments[0].status == expected.value.replace("skipped", "cancelled")


@pytest.mark.parametrize(
    ("parameters", "environment", "service"),
    [
        ({"ENVIRONMENT": "staging"}, "staging", None),
        ({"deploy_env": "qa", "Target_Env": "prod", "app": "billing"}, "qa", "billing"),
        ({"ENVIRONMENT": "", "TARGET_ENVIRONMENT": "dr", "SERVICE_NAME": "api"}, "dr", "api"),
    ],
)
def test_which_parameter_names_the_environment(
    parameters: dict[str, str], environment: str, service: str | None
) -> None:
    def change(data: dict[str, Any]) -> None:
        data["build"]["parameters"] = parameters

    (deployment,) = parse(edited("deploy_finalized.json", change)).deployments
    assert (deployment.environment, deployment.service_hint) == (environment, service)


@pytest.mark.parametrize("parameters", [None, {}, {"ENV": "prod", "DEPLOY": "yes"}])
def test_no_environment_parameter_no_deployment(parameters: dict[str, str] | None) -> None:
    def change(data: dict[str, Any]) -> None:
        data["build"]["parameters"] = parameters

    batch = parse(edited("deploy_finalized.json", change))
    assert batch.deployments == ()
    assert len(batch.pipelines) == 1


def test_epoch_millisecond_and_iso_timestamps_are_read_too() -> None:
    def epoch(data: dict[str, Any]) -> None:
        data["build"]["timestamp"] = 1424959503007  # 2015-02-26T14:05:03.007Z

    def iso(data: dict[str, Any]) -> None:
        data["build"]["timestamp"] = "2015-02-26T15:05:03.007+01:00"

    expected = datetime(2015, 2, 26, 14, 5, 3, 7000, tzinfo=UTC)
    assert parse(edited("deploy_finalized.json", epoch)).pipelines[0].started_at == expected
    assert parse(edited("deploy_finalized.json", iso)).pipelines[0].started_at == expected


@pytest.mark.parametrize("name", ["readme_example.json", "deploy_finalized.json"])
def test_a_redelivered_notification_gives_equal_facts(name: str) -> None:
    first, again = parse(sample(name), "1"), parse(sample(name), "2")
    assert (first.pipelines, first.deployments) == (again.pipelines, again.deployments)


def test_every_phase_of_a_build_has_the_same_key() -> None:
    keys = set()
    for phase in ("QUEUED", "STARTED", "COMPLETED", "FINALIZED"):

        def change(data: dict[str, Any], phase: str = phase) -> None:
            data["build"]["phase"] = phase

        keys.add(parse(edited("deploy_finalized.json", change)).pipelines[0].key)
    assert keys == {("delivery/asgard", "19", 1)}


@pytest.mark.parametrize(
    ("authorization", "token"),
    [("Bearer jenkins-t0ken", None), ("bearer  jenkins-t0ken ", None), (None, "jenkins-t0ken")],
)
def test_the_shared_token_is_accepted(authorization: str | None, token: str | None) -> None:
    verify_token("jenkins-t0ken", authorization, token)
    verify_token("jenkins-t0ken", "Bearer jenkins-t0ken", "jenkins-t0ken")


@pytest.mark.parametrize(
    ("secret", "authorization", "token", "reason", "header"),
    [
        ("jenkins-t0ken", "Bearer wrong", None, says.WRONG_CREDENTIAL, "Authorization"),
        ("jenkins-t0ken", None, "jenkins-t0ke", says.WRONG_CREDENTIAL, "X-Tmse-Token"),
        ("jenkins-t0ken", "Bearer jenkins-t0ken", "x", says.WRONG_CREDENTIAL, "X-Tmse-Token"),
        (
            "jenkins-t0ken",
            "Basic amVua2luczp4",
            None,
            says.MALFORMED_AUTHORIZATION,
            "Authorization",
        ),
        ("jenkins-t0ken", "Bearer ", None, says.MALFORMED_AUTHORIZATION, "Authorization"),
        ("jenkins-t0ken", "jenkins-t0ken", None, says.MALFORMED_AUTHORIZATION, "Authorization"),
        ("jenkins-t0ken", None, None, says.MISSING_CREDENTIAL, "Authorization"),
        ("jenkins-t0ken", "", "", says.MISSING_CREDENTIAL, "Authorization"),
        ("", "Bearer ", None, says.NOT_CONFIGURED, "Authorization"),
    ],
)
def test_token_refusals(
    secret: str, authorization: str | None, token: str | None, reason: str, header: str
) -> None:
    with pytest.raises(SignatureRefused) as refused:
        verify_token(secret, authorization, token)
    assert (refused.value.message, refused.value.header) == (reason, header)


def refusal(body: bytes, **options: Any) -> DeliveryRefused:
    with pytest.raises(DeliveryRefused) as refused:
        parse(body, **options)
    return refused.value


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"name=asgard&phase=COMPLETED", says.NOT_JSON),
        (b"<notification/>", says.NOT_JSON),
        (b'{"build":' * 10_000 + b"{}" + b"}" * 10_000, says.TOO_DEEP),
        (b"null", says.WRONG_TYPE),
    ],
)
def test_bodies_that_are_no_notification_are_refused(body: bytes, reason: str) -> None:
    error = refusal(body)
    assert (error.message, error.field) == (reason, "body")


def test_a_body_over_the_size_limit_is_refused() -> None:
    body = sample("readme_example.json")
    assert refusal(body, max_bytes=100).message == says.BODY_TOO_LARGE
    huge = b'{"name": "' + b"a" * (5 * 1024 * 1024) + b'"}'
    assert refusal(huge).params == {"limit": 5 * 1024 * 1024}


def _set(path: str, value: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = data
        for part in parents:
            target = target[part]
        target[last] = value

    return change


@pytest.mark.parametrize(
    ("path", "value", "reason", "field"),
    [
        ("build", "18", says.WRONG_TYPE, "build"),
        ("build.number", "18", says.WRONG_TYPE, "build.number"),
        ("build.number", None, says.MISSING, "build.number"),
        ("build.phase", "DONE", says.UNKNOWN_VALUE, "build.phase"),
        ("build.status", "GREEN", says.UNKNOWN_VALUE, "build.status"),
        ("build.status", None, says.MISSING, "build.status"),
        ("build.timestamp", "Thursday", says.NOT_A_DATE, "build.timestamp"),
        ("build.timestamp", "2015-02-30T14:05:03.7+00:00", says.NOT_A_DATE, "build.timestamp"),
        ("build.timestamp", -1, says.OUT_OF_RANGE, "build.timestamp"),
        ("build.timestamp", True, says.WRONG_TYPE, "build.timestamp"),
        ("build.duration", "95123", says.WRONG_TYPE, "build.duration"),
        ("build.duration", -5, says.OUT_OF_RANGE, "build.duration"),
        ("build.scm.commit", "HEAD", says.NOT_A_COMMIT, "build.scm.commit"),
        ("build.scm.branch", "main\x07", says.CONTROL_CHARACTER, "build.scm.branch"),
        ("build.scm.changes", "Config.groovy", says.WRONG_TYPE, "build.scm.changes"),
        ("build.scm.culprits", [7], says.WRONG_TYPE, "build.scm.culprits[0]"),
        ("build.parameters", ["DEPLOY_ENV=prod"], says.WRONG_TYPE, "build.parameters"),
        ("build.parameters.DEPLOY_ENV", 1, says.WRONG_TYPE, "build.parameters.DEPLOY_ENV"),
        (
            "build.parameters.DEPLOY_ENV",
            "pro\nd",
            says.CONTROL_CHARACTER,
            "build.parameters.DEPLOY_ENV",
        ),
        ("build.parameters.DE\x00PLOY", "x", says.CONTROL_CHARACTER, "build.parameters.DE?PLOY"),
        ("name", "as\x00gard", says.CONTROL_CHARACTER, "name"),
    ],
)
def test_damaged_fields_are_refused_by_name(path: str, value: Any, reason: str, field: str) -> None:
    error = refusal(edited("deploy_finalized.json", _set(path, value)))
    assert (error.message, error.field) == (reason, field)


def test_a_job_without_url_or_name_is_refused() -> None:
    body = edited("deploy_finalized.json", lambda data: data.update(url=None, name=None))
    assert (refusal(body).message, refusal(body).field) == (says.MISSING, "name")
