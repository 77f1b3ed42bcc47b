"""Canary read models: configurations, runs with their stages rendered for a reader, and the
deployments whose canary was rolled back (a deployment fact for the change failure rate)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from tmse.catalog.queries import service_names_by_id
from tmse.core.messages import N_, NP_, Message, render
from tmse.devops.canary.models import CanaryConfig, CanaryRun, CanaryStage
from tmse.devops.canary.schemas import (
    ConfigOut,
    GroupEvidence,
    MetricEvidence,
    ReasonOut,
    RunOut,
    RunSummary,
    StageOut,
)
from tmse.devops.models import Deployment

MAX_LISTED = 500
# The judge's reasons (tmse/devops/canary/judge.py), marked for the catalogs; a test checks that
# every reason the judge gives is listed here.
REASON_TEXTS = (
    N_("No data: the {sample} sample is empty"),
    N_("No data: the {sample} sample is empty, and this metric must have data"),
    N_("Pass: canary and baseline hold the same values"),
    N_("Pass: every value is {value}"),
    N_("High: canary above baseline by {shift} (CI {low}..{high})"),
    N_("Low: canary below baseline by {shift} (CI {low}..{high})"),
    N_("Pass: no shift beyond ±{band} (CI {low}..{high})"),
    N_("Pass: canary above baseline by {shift}, a direction of no concern"),
    N_("Pass: canary below baseline by {shift}, a direction of no concern"),
    N_("Pass: canary above baseline, mean ratio {ratio} within the allowed {allowed}"),
    N_("Pass: canary below baseline, mean ratio {ratio} within the allowed {allowed}"),
    N_("Score of {groups} weighted groups"),
    N_("Score 0: critical metric {metric} is {classification}"),
    N_("Score 0: {missing} of {total} metrics have no data"),
    N_("Score 0: no group with a positive weight has data"),
)
# The `sample` parameter of the no-data reasons.
SAMPLE_NAMES = {
    label.id: label
    for label in (
        NP_("canary sample", "baseline"),
        NP_("canary sample", "canary"),
        NP_("canary sample", "baseline and canary"),
    )
}

# A metric's classification, as the critical-failure reason names it.
CLASSIFICATION_NAMES = {
    label.id: label
    for label in (
        NP_("canary classification", "Pass"),
        NP_("canary classification", "High"),
        NP_("canary classification", "Low"),
        NP_("canary classification", "NoData"),
    )
}


def rolled_back_deployment_ids() -> Select[int]:
    """Ids of the deployments named by a canary run that was rolled back: a failed change."""
    return (
        select(Deployment.id)
        .join(
            CanaryRun,
            and_(
                CanaryRun.deployment_source == Deployment.source,
                CanaryRun.deployment_external_id == Deployment.external_id,
            ),
        )
        .where(CanaryRun.rolled_back.is_(True))
        .distinct()
    )


def config_named(session: Session, name: str) -> CanaryConfig | None:
    return session.scalar(select(CanaryConfig).where(CanaryConfig.name == name))


def config_out(config: CanaryConfig) -> ConfigOut:
    return ConfigOut.model_validate(
        {
            "id": config.id,
            "name": config.name,
            "metrics": config.metrics,
            "group_weights": config.group_weights,
            "tolerance": config.tolerance,
            "confidence": config.confidence,
            "pass_threshold": config.pass_threshold,
            "marginal_threshold": config.marginal_threshold,
        }
    )


def configs(session: Session) -> list[ConfigOut]:
    rows = session.scalars(select(CanaryConfig).order_by(CanaryConfig.name).limit(MAX_LISTED))
    return [config_out(config) for config in rows]


def stage_of(session: Session, run_id: int, index: int) -> CanaryStage | None:
    return session.scalar(
        select(CanaryStage).where(CanaryStage.run_id == run_id, CanaryStage.index == index)
    )


def stages_of(session: Session, run_id: int) -> list[CanaryStage]:
    return list(
        session.scalars(
            select(CanaryStage).where(CanaryStage.run_id == run_id).order_by(CanaryStage.index)
        )
    )


def rendered(reason: Mapping[str, Any], locale: str) -> ReasonOut:
    """A stored reason in `locale`, figures to four significant digits as the judge writes them."""
    params = reason.get("params") or {}
    shown = {
        name: f"{value:.4g}" if isinstance(value, float) else value
        for name, value in params.items()
    }
    if shown.get("classification") in CLASSIFICATION_NAMES:
        shown["classification"] = CLASSIFICATION_NAMES[str(shown["classification"])]
    if shown.get("sample") in SAMPLE_NAMES:
        shown["sample"] = SAMPLE_NAMES[str(shown["sample"])]
    text = render(Message(str(reason.get("id", "")), shown), locale)
    return ReasonOut(text=text, message={"id": reason.get("id", ""), "params": params})


def stage_out(stage: CanaryStage, locale: str) -> StageOut:
    metrics = [
        MetricEvidence.model_validate({**metric, "reason": rendered(metric["reason"], locale)})
        for metric in stage.evidence.get("metrics", [])
    ]
    return StageOut(
        index=stage.index,
        traffic_percent=stage.traffic_percent,
        duration_minutes=stage.duration_minutes,
        started_at=stage.started_at,
        finished_at=stage.finished_at,
        judged_at=stage.judged_at,
        score=stage.score,
        verdict=stage.verdict,
        recommendation=stage.recommendation,
        reason=rendered(stage.reason, locale),
        groups=[GroupEvidence.model_validate(g) for g in stage.evidence.get("groups", [])],
        metrics=metrics,
    )


def run_out(session: Session, run: CanaryRun, locale: str) -> RunOut:
    config = run.config
    return RunOut.model_validate(
        {
            "id": run.id,
            "service": dict(service_names_by_id(session, [run.service_id])).get(run.service_id, ""),
            "config": {"id": run.config_id or 0, **config},
            "deployment_source": run.deployment_source,
            "deployment_id": run.deployment_external_id,
            "status": run.status,
            "recommendation": run.recommendation,
            "decision": run.decision,
            "rolled_back": run.rolled_back,
            "started_at": run.started_at,
            "decided_at": run.decided_at,
            "decided_by": run.decided_by,
            "stages": [stage_out(s, locale) for s in stages_of(session, run.id)],
        }
    )


def runs(session: Session, service_id: int | None = None) -> list[RunSummary]:
    """The latest runs first, of one service or of all."""
    stages = select(func.count()).where(CanaryStage.run_id == CanaryRun.id).scalar_subquery()
    stmt = select(CanaryRun, stages).order_by(CanaryRun.started_at.desc(), CanaryRun.id.desc())
    if service_id is not None:
        stmt = stmt.where(CanaryRun.service_id == service_id)
    rows = list(session.execute(stmt.limit(MAX_LISTED)))
    names = dict(service_names_by_id(session, list({run.service_id for run, _ in rows})))
    return [
        RunSummary(
            id=run.id,
            service=names.get(run.service_id, ""),
            config_name=str(run.config.get("name", "")),
            status=run.status,
            recommendation=run.recommendation,
            decision=run.decision,
            rolled_back=run.rolled_back,
            started_at=run.started_at,
            stages=count,
        )
        for run, count in rows
    ]
