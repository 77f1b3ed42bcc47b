"""The OpenAPI design rule set: rule ids, default severities, Spectral equivalents, and the
per-organisation configuration (`OpenApiRules`) the checks read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tmse.core.messages import Message
from tmse.integrations.conformance import Severity, Violation

NOT_OPENAPI3 = "oas.not-openapi3"
INVALID_STRUCTURE = "oas.invalid-structure"
PATH_KEBAB_CASE = "oas.path-kebab-case"
PATH_PLURAL_RESOURCE = "oas.path-plural-resource"
VERSIONED_BASE_PATH = "oas.versioned-base-path"
OPERATION_ID_MISSING = "oas.operation-id-missing"
OPERATION_ID_UNIQUE = "oas.operation-id-unique"
ERROR_RESPONSES = "oas.error-responses"
SECURITY_REQUIRED = "oas.security-required"
NO_VERBS_IN_PATH = "oas.no-verbs-in-path"
PATH_NO_TRAILING_SLASH = "oas.path-no-trailing-slash"
OPERATION_ID_VALID = "oas.operation-id-valid"
SUCCESS_RESPONSE = "oas.success-response"
SECURITY_SCHEME_DEFINED = "oas.security-scheme-defined"

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Missing auth is a hole, not a style matter, so it is an error like the broken operationIds.
DEFAULT_SEVERITIES: Mapping[str, Severity] = {
    NOT_OPENAPI3: "error",
    INVALID_STRUCTURE: "error",
    OPERATION_ID_MISSING: "error",
    OPERATION_ID_UNIQUE: "error",
    SECURITY_REQUIRED: "error",
    SECURITY_SCHEME_DEFINED: "error",
    PATH_KEBAB_CASE: "warning",
    PATH_PLURAL_RESOURCE: "warning",
    VERSIONED_BASE_PATH: "warning",
    ERROR_RESPONSES: "warning",
    NO_VERBS_IN_PATH: "warning",
    PATH_NO_TRAILING_SLASH: "warning",
    OPERATION_ID_VALID: "warning",
    SUCCESS_RESPONSE: "warning",
}
# The rules that mean the same as a rule of Stoplight Spectral's `spectral:oas` ruleset
# (docs/spectral.md; benchmarks/spectral_compare.py runs both on public specifications).
SPECTRAL_OAS_EQUIVALENTS: Mapping[str, str] = {
    OPERATION_ID_MISSING: "operation-operationId",
    OPERATION_ID_UNIQUE: "operation-operationId-unique",
    OPERATION_ID_VALID: "operation-operationId-valid-in-url",
    SUCCESS_RESPONSE: "operation-success-response",
    SECURITY_SCHEME_DEFINED: "oas3-operation-security-defined",
    PATH_NO_TRAILING_SLASH: "path-keys-no-trailing-slash",
    INVALID_STRUCTURE: "oas3-schema",
}
DEFAULT_VERBS = frozenset(
    [
        "get",
        "list",
        "fetch",
        "retrieve",
        "find",
        "create",
        "add",
        "insert",
        "make",
        "new",
        "update",
        "modify",
        "edit",
        "set",
        "save",
        "put",
        "post",
        "patch",
        "delete",
        "remove",
        "destroy",
        "do",
        "run",
        "execute",
    ]
)
DEFAULT_OPEN_PATHS = frozenset({"/health", "/healthz", "/readyz", "/livez", "/metrics"})
# Plurals without a trailing "s", and nouns whose singular and plural are the same.
DEFAULT_IRREGULAR_PLURALS = frozenset(
    [
        "people",
        "children",
        "men",
        "women",
        "feet",
        "teeth",
        "mice",
        "geese",
        "data",
        "media",
        "criteria",
        "phenomena",
        "indices",
        "metadata",
        "series",
        "species",
        "news",
        "info",
        "equipment",
        "feedback",
        "software",
        "staff",
        "sheep",
        "fish",
        "menus",
        "bonuses",
    ]
)


@dataclass(frozen=True)
class OpenApiRules:
    """Which API design rules run and how; every part can be changed per organisation."""

    disabled: frozenset[str] = frozenset()
    version_pattern: str = r"^/v\d+(?:/|$)"
    verbs: frozenset[str] = DEFAULT_VERBS
    # Paths that need neither a security requirement nor a version prefix (probes, metrics).
    open_paths: frozenset[str] = DEFAULT_OPEN_PATHS
    irregular_plurals: frozenset[str] = DEFAULT_IRREGULAR_PLURALS
    severities: Mapping[str, Severity] = field(default_factory=lambda: dict(DEFAULT_SEVERITIES))

    def enabled(self, rule: str) -> bool:
        """True unless the rule was switched off."""
        return rule not in self.disabled


def rule_violation(
    rules: OpenApiRules, rule: str, location: str, finding: Message, hint: Message
) -> list[Violation]:
    """The rule's violation at its configured severity; none when the rule is switched off."""
    if not rules.enabled(rule):
        return []
    severity = rules.severities.get(rule, DEFAULT_SEVERITIES[rule])
    return [Violation(rule, severity, location, finding, hint)]
