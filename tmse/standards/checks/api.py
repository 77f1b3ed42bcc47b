"""JSON routes that check samples against the built-in standards: log lines, OpenAPI documents."""

from __future__ import annotations

from typing import Annotated, Any

import yaml
from fastapi import Depends, Request

from tmse.core.actor import Actor
from tmse.core.body_limit import accepts_import_body
from tmse.core.errors import InvalidInput
from tmse.core.parse_first import import_actor
from tmse.core.permissions import STANDARDS_CHECK
from tmse.core.routing import Router
from tmse.integrations import yaml_safe
from tmse.integrations.json_logs import check_log_lines
from tmse.integrations.json_text import JsonRefused, load_json
from tmse.integrations.openapi import Violation, check_openapi
from tmse.standards.checks.schemas import LogCheckOut, LogSample, OpenApiCheckOut, ViolationOut

router = Router(prefix="/api/v1/standards/checks", tags=["standards"])
Checker = Annotated[Actor, Depends(import_actor(STANDARDS_CHECK))]


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
@accepts_import_body
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
@accepts_import_body
async def check_openapi_document(request: Request, _: Checker) -> OpenApiCheckOut:
    """Check an OpenAPI 3.x document (JSON or YAML body) against the API design rules."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    document = _parse_document(await request.body(), json_only=media_type.endswith("json"))
    violations = check_openapi(document)
    return OpenApiCheckOut(
        errors=sum(v.severity == "error" for v in violations),
        warnings=sum(v.severity == "warning" for v in violations),
        violations=_out(violations),
    )


def _parse_document(body: bytes, json_only: bool = False) -> Any:
    json_error: JsonRefused | None = None
    if json_only or body.lstrip().startswith((b"{", b"[")):
        try:
            return _object(load_json(body))
        except JsonRefused as error:
            if error.too_deep or json_only:
                message = error.message if error.too_deep else f"malformed JSON: {error.message}"
                raise _unreadable(message, error.line, error.column) from None
            json_error = error  # YAML's flow style may still read it
    try:
        document = yaml_safe.load(body)
    except yaml.YAMLError as error:
        if json_error is not None:
            raise _unreadable(
                f"malformed JSON: {json_error.message}", json_error.line, json_error.column
            ) from None
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or "malformed YAML"
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise _unreadable(f"malformed YAML: {problem}", line, column) from None
    return _object(document)


def _unreadable(message: str, line: int | None, column: int | None) -> InvalidInput:
    where = f" at line {line}, column {column}" if line else ""
    error: dict[str, Any] = {"field": "body", "message": f"{message}{where}"}
    if line:
        error |= {"line": line, "column": column}
    return InvalidInput("Not JSON or YAML", [error])


def _object(document: Any) -> Any:
    if not isinstance(document, dict):
        raise InvalidInput(
            "Not an OpenAPI document",
            [{"field": "body", "message": "expected a JSON or YAML object"}],
        )
    return document
