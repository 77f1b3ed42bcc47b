"""A stored run and a gate configuration as the API answers them, in the reader's language."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tmse.core.messages import Message, render
from tmse.devops.quality_gates.models import QualityRun
from tmse.devops.quality_gates.queries import gate_config
from tmse.devops.quality_gates.schemas import (
    ConditionOut,
    CoverageOut,
    GateConfigOut,
    MessageOut,
    RunOut,
    TestsOut,
)
from tmse.devops.quality_gates.service import effective_rules, line_percent


def run_out(run: QualityRun, service: str, locale: str) -> RunOut:
    coverage = None
    if run.lines_valid is not None and run.lines_covered is not None:
        coverage = CoverageOut(
            lines_valid=run.lines_valid,
            lines_covered=run.lines_covered,
            line_percent=line_percent(run.lines_covered, run.lines_valid),
            branches_valid=run.branches_valid,
            branches_covered=run.branches_covered,
        )
    tests = None
    if run.tests_total is not None:
        tests = TestsOut(
            total=run.tests_total,
            failed=run.tests_failed or 0,
            errors=run.tests_errors or 0,
            skipped=run.tests_skipped or 0,
        )
    return RunOut(
        id=run.id,
        service=service,
        run_id=run.run_id,
        sha=run.sha,
        branch=run.branch,
        uploaded_at=run.uploaded_at,
        uploaded_by=run.uploaded_by,
        status=run.status,
        reason=render(run.reason, locale),
        message=_message_out(run.reason),
        formats=list(run.formats),
        rules=dict(run.rules),
        coverage=coverage,
        tests=tests,
        changed_lines=run.changed_lines,
        conditions=[_condition_out(condition, locale) for condition in run.conditions],
    )


def _condition_out(condition: dict[str, Any], locale: str) -> ConditionOut:
    reason = Message.from_json(condition["reason"])
    return ConditionOut(
        metric=condition["metric"],
        operator=condition["operator"],
        threshold=condition["threshold"],
        actual=condition["actual"],
        numerator=condition["numerator"],
        denominator=condition["denominator"],
        status=condition["status"],
        reason=render(reason, locale),
        message=_message_out(reason),
        missing_inputs=list(condition["missing_inputs"]),
    )


def _message_out(message: Message) -> MessageOut:
    return MessageOut(id=message.id, params=dict(message.params))


def gate_config_out(session: Session, service_id: int, service: str) -> GateConfigOut:
    configured, version = gate_config(session, service_id)
    return GateConfigOut(
        service=service,
        rules=effective_rules(configured),
        configured=configured,
        version=version,
    )
