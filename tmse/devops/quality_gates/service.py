"""Recording gate runs (a re-upload of a run replaces it) and configuring each service's rules."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tmse.catalog.queries import service_id_named
from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.db import utcnow
from tmse.core.errors import InvalidInput, StaleVersion, check_version
from tmse.core.messages import Message
from tmse.devops.quality_gates.models import GateConfig, QualityRun
from tmse.devops.quality_gates.queries import gate_config
from tmse.devops.quality_gates.rules import (
    METRICS,
    ConditionResult,
    CoverageFigures,
    GateConfigError,
    GateInputError,
    GateVerdict,
    Status,
    TestFigures,
    evaluate_gate,
    gate_rules,
)
from tmse.devops.quality_gates.upload import RunUpload, figures_of_coverage, figures_of_tests
from tmse.standards.facts.schemas import FactReport
from tmse.standards.facts.service import report_fact

Outcome = Literal["created", "replaced"]
# The rules' statuses as the API and the table spell them.
STATUS_NAMES: Mapping[Status, str] = {
    Status.PASSED: "passed",
    Status.FAILED: "failed",
    Status.NOT_APPLICABLE: "not-applicable",
    Status.NO_DATA: "no-data",
}


def record_run(session: Session, actor: Actor, upload: RunUpload) -> tuple[Outcome, QualityRun]:
    """Hold the run against its service's rules, store it (replacing an earlier upload of the
    same run) and report its line coverage as the service's `coverage` fact."""
    service_id = service_id_of(session, upload.service)
    config = configured_rules(session, service_id)
    coverage, tests = _figures(upload)
    verdict = evaluate_gate(gate_rules(config), coverage, tests, upload.changed_lines)
    found = _run(session, service_id, upload.run_id)
    before = _snapshot(found) if found else None
    run = found or QualityRun(service_id=service_id, run_id=upload.run_id)
    _fill(run, actor, upload, config, verdict)
    _fill_figures(run, coverage, tests)
    if found is None:
        try:
            with session.begin_nested():  # the same run uploaded twice at once: one row wins
                session.add(run)
                session.flush()
        except IntegrityError:
            return record_run(session, actor, upload)
    session.flush()
    action = "record" if found is None else "replace"
    audit.record(session, actor, action, "quality-run", run.id, before, _snapshot(run))
    _report_coverage(session, actor, upload, run)
    return ("created" if found is None else "replaced"), run


def configure_gate(
    session: Session, actor: Actor, service: str, rules: Mapping[str, Any], version: int | None
) -> GateConfig:
    """Set a service's gate rules; a refused rule is a 422 naming `rules.<metric>`, a stale
    version a 409."""
    service_id = service_id_of(session, service)
    try:
        gate_rules(rules)
    except GateConfigError as error:
        field = f"rules.{error.field}"[:120]
        problem = {"field": field, "message": str(error.reason)}
        raise InvalidInput("Invalid gate rules", [problem]) from None
    config = session.scalar(select(GateConfig).where(GateConfig.service_id == service_id))
    check_version("The quality gate", config.version if config else 0, version or 0)
    before = {"service": service, "rules": config.rules} if config else None
    stored = {metric: rules[metric] for metric in METRICS if metric in rules}
    if config is None:
        config = GateConfig(service_id=service_id, rules=stored, version=1)
        config.updated_by = actor.username
        try:
            with session.begin_nested():
                session.add(config)
                session.flush()
        except IntegrityError:
            raise StaleVersion("The quality gate", 1) from None  # configured meanwhile
    else:
        config.rules = stored
        config.version += 1
        config.updated_by = actor.username
    session.flush()
    after = {"service": service, "rules": stored}
    audit.record(session, actor, "configure", "quality-gate", config.id, before, after)
    return config


def configured_rules(session: Session, service_id: int) -> dict[str, Any]:
    """The thresholds set for a service ({} while it has the default rules)."""
    return gate_config(session, service_id)[0]


def effective_rules(config: Mapping[str, Any]) -> dict[str, float | None]:
    """Every metric's threshold in force under `config` (None when switched off)."""
    rules = {rule.metric: rule.threshold for rule in gate_rules(config)}
    return {metric: rules.get(metric) for metric in METRICS}


def service_id_of(session: Session, name: str) -> int:
    service_id = service_id_named(session, name)
    if service_id is None:
        raise InvalidInput(
            "Unknown service", [{"field": "service", "message": f"no service named '{name}'"}]
        )
    return service_id


def _figures(upload: RunUpload) -> tuple[CoverageFigures | None, TestFigures | None]:
    try:
        return figures_of_coverage(upload.coverage), figures_of_tests(upload.tests)
    except GateInputError as error:  # figures no single report gives, added up
        raise InvalidInput(
            "Report figures refused", [{"field": "reports", "message": str(error)}]
        ) from None


def _fill(
    run: QualityRun,
    actor: Actor,
    upload: RunUpload,
    config: Mapping[str, Any],
    verdict: GateVerdict,
) -> None:
    run.sha = upload.sha
    run.branch = upload.branch
    run.uploaded_at = utcnow()
    run.uploaded_by = actor.username
    run.status = STATUS_NAMES[verdict.status]
    run.reason = Message(verdict.reason.text, dict(verdict.reason.params))
    run.formats = upload.formats
    run.rules = effective_rules(config)
    changed = upload.changed_lines
    run.changed_lines = None if changed is None else sum(len(lines) for lines in changed.values())
    run.conditions = [_condition(condition) for condition in verdict.conditions]


def _fill_figures(
    run: QualityRun, coverage: CoverageFigures | None, tests: TestFigures | None
) -> None:
    run.lines_valid = coverage.lines_valid if coverage else None
    run.lines_covered = coverage.lines_covered if coverage else None
    run.branches_valid = coverage.branches_valid if coverage else None
    run.branches_covered = coverage.branches_covered if coverage else None
    run.tests_total = tests.total if tests else None
    run.tests_failed = tests.failed if tests else None
    run.tests_errors = tests.errors if tests else None
    run.tests_skipped = tests.skipped if tests else None


def _condition(condition: ConditionResult) -> dict[str, Any]:
    return {
        "metric": condition.metric,
        "operator": condition.operator,
        "threshold": condition.threshold,
        "actual": condition.actual,
        "numerator": condition.numerator,
        "denominator": condition.denominator,
        "status": STATUS_NAMES[condition.status],
        "reason": Message(condition.reason.text, dict(condition.reason.params)).to_json(),
        "missing_inputs": list(condition.missing_inputs),
    }


def line_percent(covered: int | None, valid: int | None) -> float | None:
    """Covered share of coverable lines in percent, rounded down to two decimals."""
    if not valid or covered is None:
        return None
    return math.floor(covered * 10_000 / valid) / 100


def _report_coverage(session: Session, actor: Actor, upload: RunUpload, run: QualityRun) -> None:
    percent = line_percent(run.lines_covered, run.lines_valid)
    if percent is None:
        return
    value = {
        "percent": percent,
        "lines_valid": run.lines_valid,
        "lines_covered": run.lines_covered,
        "run_id": run.run_id,
        "sha": run.sha,
        "branch": run.branch,
        "gate": run.status,
    }
    report = FactReport(service=upload.service, kind="coverage", value=value, source="")
    report_fact(session, actor, report)


def _run(session: Session, service_id: int, run_id: str) -> QualityRun | None:
    return session.scalar(
        select(QualityRun).where(QualityRun.service_id == service_id, QualityRun.run_id == run_id)
    )


def _snapshot(run: QualityRun) -> dict[str, Any]:
    return {
        "run_id": run.run_id,
        "sha": run.sha,
        "branch": run.branch,
        "status": run.status,
        "lines": [run.lines_covered, run.lines_valid],
        "tests": [run.tests_total, run.tests_failed, run.tests_errors, run.tests_skipped],
        "changed_lines": run.changed_lines,
    }
