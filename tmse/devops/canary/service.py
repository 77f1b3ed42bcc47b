"""Canary writes: configurations, runs of a release, judged stages and the closing decision."""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tmse.catalog.queries import service_id_named
from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.db import utcnow
from tmse.core.errors import Conflict, InvalidInput, NotFound
from tmse.devops.canary import queries
from tmse.devops.canary.judge import (
    CanaryConfigError,
    Judgement,
    MetricInput,
    MetricResult,
    Reason,
    Verdict,
    judge,
)
from tmse.devops.canary.models import CanaryConfig, CanaryRun, CanaryStage
from tmse.devops.canary.schemas import ConfigIn, Decision, MetricSamples, RunIn, StageIn

GENERIC_SOURCE = "generic"
STATUS_OF_VERDICT = {Verdict.PASS: "passed", Verdict.MARGINAL: "marginal", Verdict.FAIL: "failed"}


def create_config(session: Session, actor: Actor, data: ConfigIn) -> tuple[bool, CanaryConfig]:
    """A new named configuration (True), or the existing one when the same is sent again (False);
    a different configuration under a taken name is a conflict."""
    content = data.model_dump(mode="json", exclude={"name"})
    _checked_config(content)
    found = queries.config_named(session, data.name)
    if found is not None:
        if config_content(found) == content:
            return False, found
        raise Conflict(f"A canary configuration named '{data.name}' already exists")
    config = CanaryConfig(name=data.name, **content)
    try:
        with session.begin_nested():
            session.add(config)
            session.flush()
    except IntegrityError:
        return create_config(session, actor, data)
    audit.record(session, actor, "create", "canary_config", config.id, None, content)
    return True, config


def config_content(config: CanaryConfig) -> dict[str, Any]:
    """What a run keeps of its configuration (everything but the name)."""
    return {
        "metrics": config.metrics,
        "group_weights": config.group_weights,
        "tolerance": config.tolerance,
        "confidence": config.confidence,
        "pass_threshold": config.pass_threshold,
        "marginal_threshold": config.marginal_threshold,
    }


def start_run(session: Session, actor: Actor, data: RunIn) -> CanaryRun:
    """A running canary of a service with a snapshot of the named configuration."""
    errors = []
    service_id = service_id_named(session, data.service)
    if service_id is None:
        errors.append({"field": "service", "message": f"no service named '{data.service}'"})
    config = queries.config_named(session, data.config)
    if config is None:
        errors.append({"field": "config", "message": f"no canary configuration '{data.config}'"})
    if errors or service_id is None or config is None:
        raise InvalidInput("Invalid canary run", errors)
    source = data.deployment_source or (GENERIC_SOURCE if data.deployment_id else None)
    run = CanaryRun(
        service_id=service_id,
        config_id=config.id,
        config={"name": config.name, **config_content(config)},
        deployment_source=source,
        deployment_external_id=data.deployment_id,
        status="running",
        rolled_back=False,
        started_at=data.started_at or utcnow(),
    )
    session.add(run)
    session.flush()
    after = {"service": data.service, "config": config.name, "deployment": data.deployment_id}
    audit.record(session, actor, "start", "canary_run", run.id, None, after)
    return run


def judge_stage(
    session: Session, actor: Actor, run_id: int, data: StageIn
) -> tuple[bool, CanaryStage]:
    """Judge a stage's samples with the run's configuration and keep it (True); a stage sent again
    with the same index and content is the one kept before (False)."""
    run = _run(session, run_id)
    digest = _digest(data)
    if data.index is not None:
        kept = queries.stage_of(session, run.id, data.index)
        if kept is not None:
            if kept.content_hash != digest:
                raise Conflict(f"Stage {data.index} was judged with other data")
            return False, kept
    if run.decision is not None:
        raise Conflict(f"The canary run was closed: {run.decision}")
    following = 1 + (
        session.scalar(select(func.max(CanaryStage.index)).where(CanaryStage.run_id == run.id)) or 0
    )
    if data.index is not None and data.index != following:
        raise InvalidInput(
            "Invalid stage", [{"field": "index", "message": f"the next stage is {following}"}]
        )
    judgement = _judgement(run.config, data.samples)
    stage = CanaryStage(
        run_id=run.id,
        index=following,
        traffic_percent=data.traffic_percent,
        duration_minutes=data.duration_minutes,
        started_at=data.started_at,
        finished_at=data.finished_at,
        judged_at=utcnow(),
        score=judgement.score,
        verdict=str(judgement.verdict),
        recommendation=str(judgement.recommendation),
        reason=reason_json(judgement.reason),
        evidence=_evidence(judgement),
        samples={s.metric: {"baseline": s.baseline, "canary": s.canary} for s in data.samples},
        content_hash=digest,
    )
    try:
        with session.begin_nested():
            session.add(stage)
            session.flush()
    except IntegrityError:  # the same stage posted twice at once: the first one stands
        return judge_stage(session, actor, run_id, data)
    run.recommendation = stage.recommendation
    session.flush()
    after = {"index": stage.index, "score": stage.score, "verdict": stage.verdict}
    audit.record(session, actor, "judge_stage", "canary_run", run.id, None, after)
    return True, stage


def decide(
    session: Session, actor: Actor, run_id: int, decision: Decision
) -> tuple[bool, CanaryRun]:
    """Close a run by promoting or rolling back (True); the same decision again changes nothing
    (False), another one is a conflict. Its status is then the latest stage's verdict."""
    run = _run(session, run_id)
    if run.decision == decision:
        return False, run
    if run.decision is not None:
        raise Conflict(f"The canary run was closed: {run.decision}")
    last = queries.stages_of(session, run.id)[-1:]
    if decision == "promote" and not last:
        raise Conflict("A canary run with no judged stage cannot be promoted")
    before = {"status": run.status, "decision": None}
    run.decision = decision
    run.rolled_back = decision == "roll back"
    run.status = STATUS_OF_VERDICT[Verdict(last[0].verdict)] if last else "failed"
    run.decided_at = utcnow()
    run.decided_by = actor.username
    session.flush()
    after = {"status": run.status, "decision": decision}
    audit.record(session, actor, "decide", "canary_run", run.id, before, after)
    return True, run


def reason_json(reason: Reason) -> dict[str, Any]:
    return {"id": reason.id, "params": {k: _finite(v) for k, v in reason.params.items()}}


def _run(session: Session, run_id: int) -> CanaryRun:
    run = session.get(CanaryRun, run_id)
    if run is None:
        raise NotFound(f"No canary run {run_id}")
    return run


def _digest(data: StageIn) -> str:
    body = json.dumps(data.model_dump(mode="json", exclude={"index"}), sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()


def _metric_inputs(
    config: Mapping[str, Any], samples: Mapping[str, tuple[Sequence[float], Sequence[float]]]
) -> list[MetricInput]:
    return [
        MetricInput(
            name=metric["name"],
            baseline=samples.get(metric["name"], ((), ()))[0],
            canary=samples.get(metric["name"], ((), ()))[1],
            direction=metric["direction"],
            allowed_increase=metric["allowed_increase"],
            allowed_decrease=metric["allowed_decrease"],
            critical=metric["critical"],
            must_have_data=metric["must_have_data"],
            group=metric["group"],
        )
        for metric in config["metrics"]
    ]


def _run_judge(config: Mapping[str, Any], metrics: list[MetricInput]) -> Judgement:
    return judge(
        metrics,
        group_weights=config["group_weights"],
        tolerance=config["tolerance"],
        confidence=config["confidence"],
        pass_threshold=config["pass_threshold"],
        marginal_threshold=config["marginal_threshold"],
    )


def _checked_config(content: Mapping[str, Any]) -> None:
    """The judge's own checks of a configuration, run on one trivial sample per metric."""
    names = [metric["name"] for metric in content["metrics"]]
    try:
        _run_judge(content, _metric_inputs(content, dict.fromkeys(names, ([1.0], [1.0]))))
    except CanaryConfigError as error:
        raise _invalid("Invalid canary configuration", error.field, error) from error


def _judgement(config: Mapping[str, Any], samples: list[MetricSamples]) -> Judgement:
    known = {metric["name"] for metric in config["metrics"]}
    errors: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for index, sample in enumerate(samples):
        if sample.metric not in known:
            errors.append(
                {"field": f"samples.{index}.metric", "message": f"no metric '{sample.metric}'"}
            )
        elif sample.metric in seen:
            errors.append({"field": f"samples.{index}.metric", "message": "given twice"})
        seen.setdefault(sample.metric, index)
    if errors:
        raise InvalidInput("Invalid canary samples", errors)
    by_name = {s.metric: (s.baseline, s.canary) for s in samples}
    metrics = _metric_inputs(config, by_name)
    try:
        return _run_judge(config, metrics)
    except CanaryConfigError as error:
        field = _sample_field(error.field, metrics, seen)
        raise _invalid("Invalid canary samples", field, error) from error


def _sample_field(field: str, metrics: list[MetricInput], seen: Mapping[str, int]) -> str:
    """`metrics[2].canary` of the judge as `samples.i.canary` of the request, where it is one."""
    head, _, rest = field.partition(".")
    if head.startswith("metrics[") and rest in ("baseline", "canary"):
        name = metrics[int(head[8:-1])].name
        if name in seen:
            return f"samples.{seen[name]}.{rest}"
    return f"config.{field}"


def _invalid(detail: str, field: str, error: CanaryConfigError) -> InvalidInput:
    """A 422 naming the field as request fields are named (`metrics.1.name`)."""
    params = {k: _finite(v) for k, v in error.params.items()}
    text = error.message.format(**error.params)
    where = re.sub(r"\[(\d+)\]", r".\1", field)
    return InvalidInput(
        detail, [{"field": where, "message": text, "message_id": error.message, "params": params}]
    )


def _finite(value: object) -> object:
    """A float JSON and PostgreSQL can hold: an infinite or NaN figure is kept as None."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _metric_json(result: MetricResult) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for item in fields(result):
        value = getattr(result, item.name)
        if isinstance(value, Reason):
            data[item.name] = reason_json(value)
        else:
            data[item.name] = str(value) if item.name == "classification" else _finite(value)
    return data


def _evidence(judgement: Judgement) -> dict[str, Any]:
    groups = [
        {
            "name": g.name,
            "weight": g.weight,
            "passes": g.passes,
            "counted": g.counted,
            "metrics": g.metrics,
            "score": g.score,
        }
        for g in judgement.groups
    ]
    return {"groups": groups, "metrics": [_metric_json(r) for r in judgement.metrics]}
