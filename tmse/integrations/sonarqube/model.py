"""The quality gate fact a SonarQube project-analysis delivery states, as plain frozen values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# The analysis property that names the tmse service of a project analysis, passed to the
# scanner as `-Dsonar.analysis.tmseService=<service name>`.
TMSE_SERVICE_PROPERTY = "sonar.analysis.tmseService"


@dataclass(frozen=True, slots=True)
class GateCondition:
    """One quality gate criterion as evaluated on the analysis."""

    metric: str  # "new_coverage", "new_security_rating", ...
    operator: str  # GREATER_THAN or LESS_THAN (EQUALS, NOT_EQUALS before SonarQube 7.6)
    value: str | None  # the measured value as SonarQube writes it; None with NO_VALUE
    error_threshold: str | None
    status: str  # OK, ERROR, NO_VALUE (WARN before SonarQube 7.6)
    on_new_code: bool | None = None  # "onLeakPeriod", written by versions before 7.9
    warning_threshold: str | None = None  # written by versions before 7.6


@dataclass(frozen=True, slots=True)
class QualityGateFact:
    """A project analysis (or a change of its gate status) and its quality gate outcome."""

    server_url: str
    task_id: str | None  # absent when an issue change, not an analysis, moved the gate
    task_status: str  # SUCCESS or FAILED: the background task's status
    analysed_at: datetime | None
    changed_at: datetime | None
    revision: str | None  # the analysed commit
    project_key: str
    project_name: str | None
    project_url: str | None
    branch: str | None  # None for a pull request
    branch_type: str | None  # BRANCH (LONG or SHORT before 7.9) or PULL_REQUEST
    is_main_branch: bool | None
    pull_request: str | None  # the pull request's key
    branch_url: str | None
    quality_gate: str | None  # the gate's name; None when the task failed before the gate
    quality_gate_status: str | None  # OK or ERROR (WARN before 7.6)
    conditions: tuple[GateCondition, ...]
    properties: tuple[tuple[str, str], ...]  # the sonar.analysis.* properties, sorted by key
    tmse_service: str | None  # the value of sonar.analysis.tmseService

    @property
    def passed(self) -> bool | None:
        """Whether the gate passed; None when no gate was evaluated."""
        if self.quality_gate_status is None:
            return None
        return self.quality_gate_status == "OK"

    def property_value(self, name: str) -> str | None:
        return dict(self.properties).get(name)

    @property
    def natural_key(self) -> tuple[str, str, str]:
        """(server, project key, task id): one analysis however often delivered. A gate change
        without a task is keyed by its branch or pull request and the time of the change."""
        if self.task_id:
            return (self.server_url, self.project_key, self.task_id)
        scope = f"pr:{self.pull_request}" if self.pull_request else f"branch:{self.branch or ''}"
        moment = self.changed_at or self.analysed_at
        assert moment is not None  # parse refuses a delivery with neither
        return (self.server_url, self.project_key, f"{scope}@{moment.isoformat()}")
