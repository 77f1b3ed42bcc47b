"""Pydantic models of the DORA metrics API: each figure with what it is computed from."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field


class Explained(BaseModel):
    """A figure's performance tier and, when it cannot be computed, why (rendered in the
    reader's language; `reason_message` keeps the message id and parameters)."""

    tier: str | None = Field(None, description="elite, high, medium or low; null: no figure.")
    reason: str | None = None
    reason_message: dict[str, Any] | None = None


class FrequencyOut(Explained):
    deploy_days_per_week_median: float | None
    deployments: int = Field(description="Successful production deployments in the range.")
    deploy_days: int
    weeks: int


class LeadTimeOut(Explained):
    median_minutes: float | None
    p75_minutes: float | None
    mean_minutes: float | None
    sample_size: int = Field(description="(deployment, commit) pairs: one value per change.")


class FailureRateOut(Explained):
    value: float | None = Field(description="failed_deployments ÷ deployments, 0 to 1.")
    failed_deployments: int
    deployments: int
    unlinked_incidents: int = Field(description="Incidents in the range linked to no deployment.")


class ReworkOut(Explained):
    value: float | None = Field(description="rework_deployments ÷ deployments, 0 to 1.")
    rework_deployments: int = Field(description="Unplanned: hotfixes, rollbacks, reverts.")
    deployments: int


class RestoreOut(Explained):
    median_minutes: float | None
    p75_minutes: float | None
    mean_minutes: float | None
    sample_size: int = Field(description="Resolved incidents opened in the range.")
    open_incidents: int


class DefinitionsOut(BaseModel):
    production_environments: list[str]
    failed_deployments_count: bool
    rolled_back_canaries_count: bool
    incident_window_hours: int
    median_rule: str
    benchmark: str
    rework_keywords: list[str]
    rework_window_hours: int


class ScopeOut(BaseModel):
    service: str | None
    team: str | None
    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")

    model_config = {"populate_by_name": True}


class DoraOut(BaseModel):
    scope: ScopeOut
    definitions: DefinitionsOut
    deployment_frequency: FrequencyOut
    lead_time: LeadTimeOut
    change_failure_rate: FailureRateOut
    time_to_restore: RestoreOut
    rework_rate: ReworkOut


class SideOut(BaseModel):
    """One side of a before/after comparison, with the numbers behind each figure."""

    start: dt.date
    end: dt.date
    lead_time_median_minutes: float | None
    changes: int
    changes_per_week: float
    deployments: int
    deployments_per_week: float
    deploy_days_per_week_median: float | None
    failed_deployments: int
    production_deployments: int
    change_failure_rate: float | None
    restore_median_minutes: float | None
    incidents_resolved: int

    @classmethod
    def from_side(cls, side: Any) -> SideOut:
        return cls(
            start=side.start,
            end=side.end,
            lead_time_median_minutes=side.lead_time_median_minutes,
            changes=side.changes,
            changes_per_week=round(side.changes_per_week, 2),
            deployments=side.deployments,
            deployments_per_week=round(side.deployments_per_week, 2),
            deploy_days_per_week_median=side.deploy_days_per_week_median,
            failed_deployments=side.failed_deployments,
            production_deployments=side.production_deployments,
            change_failure_rate=side.change_failure_rate,
            restore_median_minutes=side.restore_median_minutes,
            incidents_resolved=side.incidents_resolved,
        )


class ChangeOut(BaseModel):
    metric: str
    before: float | None
    after: float | None
    percent: float | None = Field(description="(after − before) ÷ before × 100, one decimal.")
    improved: bool | None = Field(description="null: no change, or a side without data.")
    lower_is_better: bool


class EfficiencyOut(BaseModel):
    service: str | None
    team: str | None
    since: dt.date
    before: SideOut
    after: SideOut
    changes: list[ChangeOut]


class CellOut(BaseModel):
    """One team's or service's figures in one week or month; durations in minutes."""

    group: str
    start: dt.date
    end: dt.date
    deployments: int
    deploy_days: int
    production_deployments: int
    failed_deployments: int
    change_failure_rate: float | None
    changes: int
    lead_time_median_minutes: float | None
    lead_time_p75_minutes: float | None
    restores: int
    restore_median_minutes: float | None
    restore_p75_minutes: float | None


class BreakdownOut(BaseModel):
    by: str
    bucket: str
    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")
    cells: list[CellOut]

    model_config = {"populate_by_name": True}
