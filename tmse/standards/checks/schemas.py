"""Request and response models of the sample-check API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


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
