"""The canary demo: a latency-and-errors configuration and three releases judged stage by stage,
one promoted, one rolled back (its deployment counts as failed), one still running."""

from __future__ import annotations

import random

from sqlalchemy import select

from tmse.catalog.queries import service_names
from tmse.demo.steps import DemoContext, register_step
from tmse.devops.canary import service
from tmse.devops.canary.schemas import (
    ConfigIn,
    Decision,
    MetricConfig,
    MetricSamples,
    RunIn,
    StageIn,
)
from tmse.devops.models import Deployment

CONFIG = "web-latency-errors"
STAGES = ((5.0, 30), (25.0, 60), (50.0, 60))


def _samples(rng: random.Random, latency_factor: float, error_factor: float) -> list[MetricSamples]:
    baseline = [rng.gauss(180, 25) for _ in range(60)]
    canary = [rng.gauss(180 * latency_factor, 25 * latency_factor) for _ in range(60)]
    errors = [max(0.0, rng.gauss(0.4, 0.1)) for _ in range(60)]
    canary_errors = [max(0.0, rng.gauss(0.4 * error_factor, 0.1)) for _ in range(60)]
    return [
        MetricSamples(metric="latency_p95_ms", baseline=baseline, canary=canary),
        MetricSamples(metric="error_rate_pct", baseline=errors, canary=canary_errors),
    ]


def create_canary_runs(ctx: DemoContext) -> None:
    rng = ctx.random
    with ctx.db.session() as session:
        deployments = list(
            session.execute(
                select(Deployment.service_id, Deployment.source, Deployment.external_id)
                .where(Deployment.environment == "production", Deployment.result == "success")
                .order_by(Deployment.finished_s.desc(), Deployment.id.desc())
                .limit(3)
            )
        )
        if not deployments:
            return
        names = service_names(session)
        service.create_config(
            session,
            ctx.actor,
            ConfigIn(
                name=CONFIG,
                metrics=[
                    MetricConfig(name="latency_p95_ms", direction="increase",
                                 allowed_increase=1.1, critical=True, must_have_data=True),
                    MetricConfig(name="error_rate_pct", direction="increase",
                                 allowed_increase=1.2),
                ],
            ),
        )  # fmt: skip
        # (latency, errors) of the canary against the baseline, and the decision taken.
        plans: list[tuple[tuple[float, float], Decision | None]] = [
            ((1.0, 1.0), "promote"),
            ((1.6, 2.5), "roll back"),
            ((1.02, 1.0), None),
        ]
        for (service_id, source, external_id), ((latency, errors), decision) in zip(
            deployments, plans, strict=False
        ):
            run = service.start_run(
                session,
                ctx.actor,
                RunIn(service=names[service_id], config=CONFIG, deployment_source=source,
                      deployment_id=external_id),
            )  # fmt: skip
            stages = STAGES if decision != "roll back" else STAGES[:2]
            for index, (traffic, minutes) in enumerate(stages, start=1):
                judged = StageIn(index=index, traffic_percent=traffic, duration_minutes=minutes,
                                 samples=_samples(rng, latency, errors))  # fmt: skip
                service.judge_stage(session, ctx.actor, run.id, judged)
            if decision:
                service.decide(session, ctx.actor, run.id, decision)


register_step("canary-runs", create_canary_runs, order=265)
