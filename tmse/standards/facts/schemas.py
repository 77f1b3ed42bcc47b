"""Facts pipelines report about a service, and the payload each known kind must carry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from tmse.core.input_types import INT32_MAX, Reference, line
from tmse.core.safe_url import SafeUrl

FACT_KIND_PATTERN = r"^[a-z0-9][a-z0-9-]{0,39}$"


class FactValue(BaseModel):
    # Tools add their own details (tool name, report URL); they are kept.
    model_config = ConfigDict(extra="allow")


class CoverageFact(FactValue):
    percent: float = Field(ge=0, le=100, description="Line coverage in percent.")


class TlsFact(FactValue):
    enabled: bool
    min_version: Annotated[str, line(20)] | None = None


class AuthenticationFact(FactValue):
    enabled: bool
    method: str | None = Field(None, max_length=60, description="e.g. oidc, mtls, api-key.")


class DependencyAgeFact(FactValue):
    max_age_days: int = Field(
        ge=0, le=INT32_MAX, description="Days the most outdated dependency is behind."
    )
    outdated: int | None = Field(None, ge=0, le=INT32_MAX)


class SecretsScanFact(FactValue):
    findings: int = Field(ge=0, le=INT32_MAX)


class LogSampleFact(FactValue):
    lines: list[Annotated[str, Field(max_length=10_000)]] = Field(min_length=1, max_length=1000)


class LintFact(FactValue):
    errors: int = Field(ge=0, le=INT32_MAX)
    warnings: int = Field(0, ge=0, le=INT32_MAX)


# Known kinds are validated; any other kind (for custom rules) is a free JSON object.
FACT_KINDS: Mapping[str, type[FactValue]] = {
    "coverage": CoverageFact,
    "tls": TlsFact,
    "authentication": AuthenticationFact,
    "dependency-age": DependencyAgeFact,
    "secrets-scan": SecretsScanFact,
    "log-sample": LogSampleFact,
    "lint": LintFact,
}


class FactReport(BaseModel):
    service: Reference = Field(description="Service name in the catalog.")
    kind: str = Field(pattern=FACT_KIND_PATTERN)
    value: dict[Annotated[str, line(80)], Any] = Field(max_length=100)
    source: SafeUrl = Field("", max_length=300, description="e.g. the pipeline run URL.")


class FactOut(BaseModel):
    service: str
    kind: str
    value: dict[Annotated[str, line(80)], Any] = Field(max_length=100)
    source: str
    reported_at: dt.datetime
    reported_by: str
