"""The four DORA figures of a scope, with their tiers and, where one cannot be computed, why."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tmse.core.messages import Message, message, render
from tmse.devops.dora import queries
from tmse.devops.dora.queries import Definitions, Scope
from tmse.devops.dora.schemas import (
    DefinitionsOut,
    DoraOut,
    FailureRateOut,
    FrequencyOut,
    LeadTimeOut,
    RestoreOut,
    ReworkOut,
    ScopeOut,
)
from tmse.devops.dora.tiers import tier


def dora_report(
    session: Session,
    scope: Scope,
    definitions: Definitions,
    benchmark: str,
    locale: str,
    service: str | None = None,
    team: str | None = None,
) -> DoraOut:
    span = {"start": scope.start.isoformat(), "end": scope.end.isoformat()}

    def explained(metric: str, value: float | None, why: Message | None) -> dict[str, object]:
        if value is None:
            return {"tier": None, "reason": render(why, locale), "reason_message": _json(why)}
        return {"tier": tier(metric, value, benchmark).tier}

    frequency = queries.deployment_frequency(session, scope, definitions)
    no_deployments = message("No production deployments from {start} to {end}", **span)
    per_week = frequency.deploy_days_per_week_median if frequency.deployments else None
    lead = queries.lead_time(session, scope, definitions)
    lead_why = (
        no_deployments
        if not frequency.deployments
        else message(
            "The successful production deployments from {start} to {end} carried no commits", **span
        )
    )
    failures = queries.change_failure_rate(session, scope, definitions)
    unlinked, _ = queries.unlinked_incidents(session, scope, definitions, limit=0)
    restore = queries.time_to_restore(session, scope, definitions)
    rework = queries.rework_rate(session, scope, definitions)
    restore_why = (
        message(
            "{count} incidents opened from {start} to {end} are still open",
            count=restore.open_incidents,
            **span,
        )
        if restore.open_incidents
        else message("No incidents opened from {start} to {end}", **span)
    )
    return DoraOut(
        scope=ScopeOut(service=service, team=team, start=scope.start, end=scope.end),
        definitions=DefinitionsOut(
            production_environments=list(definitions.production),
            failed_deployments_count=definitions.failed_deployments_count,
            rolled_back_canaries_count=definitions.rolled_back_canaries_count,
            incident_window_hours=definitions.incident_window_hours,
            median_rule=definitions.median_rule,
            benchmark=benchmark,
            rework_keywords=list(definitions.rework_keywords),
            rework_window_hours=definitions.rework_window_hours,
        ),
        deployment_frequency=FrequencyOut(
            deploy_days_per_week_median=per_week,
            deployments=frequency.deployments,
            deploy_days=frequency.deploy_days,
            weeks=frequency.weeks,
            **explained("deployment_frequency", per_week, no_deployments),
        ),
        lead_time=LeadTimeOut(
            median_minutes=lead.median,
            p75_minutes=lead.p75,
            mean_minutes=lead.mean,
            sample_size=lead.count,
            **explained("lead_time", lead.median, lead_why),
        ),
        change_failure_rate=FailureRateOut(
            value=failures.value,
            failed_deployments=failures.failed_deployments,
            deployments=failures.deployments,
            unlinked_incidents=unlinked,
            **explained("change_failure_rate", failures.value, no_deployments),
        ),
        time_to_restore=RestoreOut(
            median_minutes=restore.minutes.median,
            p75_minutes=restore.minutes.p75,
            mean_minutes=restore.minutes.mean,
            sample_size=restore.minutes.count,
            open_incidents=restore.open_incidents,
            **explained("time_to_restore", restore.minutes.median, restore_why),
        ),
        rework_rate=ReworkOut(
            value=rework.value,
            rework_deployments=rework.rework_deployments,
            deployments=rework.deployments,
            # The 2024 report gives rework rate no tiers of its own.
            tier=None,
            reason=None if rework.deployments else render(no_deployments, locale),
            reason_message=None if rework.deployments else _json(no_deployments),
        ),
    )


def _json(msg: Message | None) -> dict[str, object] | None:
    return msg.to_json() if msg else None
