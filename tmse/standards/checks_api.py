"""JSON routes that check samples against the built-in standards: log lines, OpenAPI documents."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

import yaml
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from tmse.core.actor import Actor
from tmse.core.deps import require
from tmse.core.errors import InvalidInput
from tmse.core.permissions import STANDARDS_CHECK
from tmse.standards.log_format import check_log_lines
from tmse.standards.openapi_rules import check_openapi
from tmse.standards.violations import Violation

router = APIRouter(prefix="/api/v1/standards/checks", tags=["standards"])
Checker = Annotated[Actor, Depends(require(STANDARDS_CHECK))]
MAX_BODY = 5 * 1024 * 1024


class ViolationOut(BaseModel):
    rule: str
    severity: Literal["error", "warning", "info"]
    location: str
    message: str
    fix_hint: str


class LogSample(BaseModel):
    lines: list[str] = Field(max_length=100_000, description="Log lines, one entry each.")


class LogCheckOut(BaseModel):
    lines_checked: int
    lines_passing: int
    compliance_percent: float
    counts_by_rule: dict[str, int]
    violations: list[ViolationOut]


class OpenApiCheckOut(BaseModel):
    errors: int
    warnings: int
    violations: list[ViolationOut]


def _out(violations: tuple[Violation, ...] | list[Violation]) -> list[ViolationOut]:
    return [
        ViolationOut(
            rule=v.rule,
            severity=v.severity,
            location=v.location,
            message=v.message,
            fix_hint=v.fix_hint,
        )
        for v in violations
    ]


@router.post("/log-format", response_model=LogCheckOut)
def check_log_format(sample: LogSample, _: Checker) -> LogCheckOut:
    """Check sample log lines against the log-format standard (fields, levels, times, secrets)."""
    report = check_log_lines(sample.lines)
    return LogCheckOut(
        lines_checked=report.lines_checked,
        lines_passing=report.lines_passing,
        compliance_percent=round(report.compliance_percent, 2),
        counts_by_rule=dict(report.counts_by_rule),
        violations=_out(report.violations),
    )


@router.post("/openapi", response_model=OpenApiCheckOut)
async def check_openapi_document(request: Request, _: Checker) -> OpenApiCheckOut:
    """Check an OpenAPI 3.x document (JSON or YAML body) against the API design rules."""
    document = _parse_document(await request.body())
    violations = check_openapi(document)
    return OpenApiCheckOut(
        errors=sum(v.severity == "error" for v in violations),
        warnings=sum(v.severity == "warning" for v in violations),
        violations=_out(violations),
    )


def _parse_document(body: bytes) -> Any:
    if len(body) > MAX_BODY:
        raise InvalidInput("Document too large", [{"field": "body", "message": "at most 5 MB"}])
    try:
        return json.loads(body)
    except ValueError:
        pass
    try:
        document = yaml.safe_load(body)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark else ""
        raise InvalidInput(
            "Not JSON or YAML", [{"field": "body", "message": f"malformed YAML{line}"}]
        ) from None
    if not isinstance(document, dict):
        raise InvalidInput(
            "Not an OpenAPI document",
            [{"field": "body", "message": "expected a JSON or YAML object"}],
        )
    return document
