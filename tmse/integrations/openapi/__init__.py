"""OpenAPI 3.x documents: the API design rules, called through `check_openapi`.
Plain data in (a parsed document, an `OpenApiRules`), plain findings out; imports no domain."""

from tmse.integrations.conformance import Violation
from tmse.integrations.openapi.checks import check_openapi
from tmse.integrations.openapi.rule_set import (
    DEFAULT_SEVERITIES,
    HTTP_METHODS,
    SPECTRAL_OAS_EQUIVALENTS,
    OpenApiRules,
)

__all__ = [
    "DEFAULT_SEVERITIES",
    "HTTP_METHODS",
    "SPECTRAL_OAS_EQUIVALENTS",
    "OpenApiRules",
    "Violation",
    "check_openapi",
]
