"""What a machine-checkable rule sees and takes: the `Subject`, each kind's params, the
`Outcome` it gives and the `RuleKind` tying them to an evaluator (in registry/checks.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tmse.core.messages import N_, Message, message, render
from tmse.integrations.openapi import DEFAULT_SEVERITIES

OPENAPI_RULE_IDS = frozenset(DEFAULT_SEVERITIES)


@dataclass(frozen=True)
class Fact:
    kind: str
    value: Mapping[str, Any]
    source: str = ""


@dataclass(frozen=True)
class ApiDefinition:
    """An API the service provides, its definition already parsed (or why it could not be)."""

    name: str
    type: str
    document: Any = None
    error: str | None = None
    # The definition as stored; when given, findings on the same text are not worked out again.
    text: str | None = None


@dataclass(frozen=True)
class LayerBreach:
    """A dependency of the subject that breaks the layering rules."""

    target: str
    rule: str
    message: Message


@dataclass(frozen=True)
class Subject:
    """What the rules may look at for one service."""

    name: str
    owner: str | None = None
    description: str = ""
    repository: str | None = None
    language: str | None = None
    layer: str | None = None
    lifecycle: str | None = None
    type: str | None = None
    tier: int | None = None
    kubernetes_namespace: str | None = None
    kubernetes_workload: str | None = None
    linked_adrs: int = 0
    apis: tuple[ApiDefinition, ...] = ()
    facts: Mapping[str, Fact] = field(default_factory=dict)
    layer_breaches: tuple[LayerBreach, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """One verdict; a rule may give several (one per violation found), `hint` None means the
    rule's own hint. `finding` and `hint` are shown in the reader's language."""

    passed: bool
    finding: Message
    location: str | None = None
    hint: Message | None = None

    @property
    def message(self) -> str:
        """The finding in English."""
        return render(self.finding, "en")

    @property
    def fix_hint(self) -> str | None:
        """The hint in English, None when the rule's own hint applies."""
        return None if self.hint is None else render(self.hint, "en")


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NoParams(Params):
    pass


class DescriptionParams(Params):
    min_length: int = Field(40, ge=1, le=4000)


class RepositoryParams(Params):
    pattern: str | None = Field(None, description="Regular expression the URL must match.")

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as error:
                raise ValueError(f"not a regular expression: {error}") from None
        return value


class RuntimeParams(Params):
    require_namespace: bool = True
    require_workload: bool = True


class AdrParams(Params):
    max_tier: int = Field(1, ge=0, le=9, description="Tiers 0..max_tier need a linked ADR.")


class OpenApiParams(Params):
    rules: list[str] = Field(default_factory=list, description="OpenAPI rule ids; empty = all.")

    @field_validator("rules")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        unknown = [rule for rule in value if rule not in OPENAPI_RULE_IDS]
        if unknown:
            known = ", ".join(sorted(OPENAPI_RULE_IDS))
            raise ValueError(f"unknown rule id(s) {', '.join(unknown)}; known: {known}")
        return value


class LogFormatParams(Params):
    min_compliance: float = Field(100, ge=0, le=100, description="Percent of lines that comply.")


class CoverageParams(Params):
    threshold: float = Field(80, ge=0, le=100)


class AuthenticationParams(Params):
    methods: list[str] = Field(default_factory=list, description="Allowed methods; empty = any.")


class DependencyAgeParams(Params):
    max_days: int = Field(180, ge=0)


CUSTOM_FIELDS = frozenset(
    {"description", "repository", "language", "layer", "lifecycle", "type", "tier",
     "kubernetes_namespace", "kubernetes_workload", "owner", "linked_adrs"}
)  # fmt: skip
Operator = Literal["==", "!=", ">", ">=", "<", "<=", "in", "not-in", "exists", "contains"]


class CustomParams(Params):
    """A condition on a fact (`fact` + dotted `path`) or on a catalog `field` of the service."""

    fact: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")
    path: str = ""
    field: str | None = None
    op: Operator = "=="
    value: Any = None

    @model_validator(mode="after")
    def _one_subject(self) -> CustomParams:
        if (self.fact is None) == (self.field is None):
            raise ValueError("give exactly one of fact or field")
        if self.field is not None and self.field not in CUSTOM_FIELDS:
            raise ValueError(f"field must be one of: {', '.join(sorted(CUSTOM_FIELDS))}")
        if self.op in ("in", "not-in") and not isinstance(self.value, list):
            raise ValueError(f"op {self.op!r} needs a list value")
        return self


Evaluator = Callable[[Subject, Any], list[Outcome]]


@dataclass(frozen=True)
class RuleKind:
    """A `check` a rule may name: its params model, evaluator, and what data it needs loaded
    ("apis", "adrs", "layering", "fact:<kind>" or "facts")."""

    name: str
    params: type[Params]
    evaluate: Evaluator
    needs: frozenset[str]
    description: str


# The pipeline step that reports each fact kind: a missing fact's fix hint names it.
FACT_SOURCES: Mapping[str, str] = {
    "coverage": N_("the test stage, after running the tests with coverage"),
    "tls": N_("the deploy stage, from the ingress or service-mesh TLS settings"),
    "authentication": N_("the deploy stage, from the gateway or service authentication settings"),
    "dependency-age": N_("the dependency audit step (e.g. a Renovate or Dependabot report)"),
    "secrets-scan": N_("the secrets scanning step (e.g. gitleaks or trufflehog)"),
    "log-sample": N_("the smoke-test stage, with a sample of the service's log lines"),
    "lint": N_("the lint step of the build"),
}
OK = message("ok")


def missing_fact(kind: str) -> Outcome:
    """The finding of a rule whose fact no pipeline step has reported, naming the step."""
    step = Message(FACT_SOURCES[kind]) if kind in FACT_SOURCES else message("a pipeline step")
    return Outcome(
        False,
        message("no {kind} fact reported", kind=kind),
        f"fact:{kind}",
        message(
            "{step} reports it: POST /api/v1/standards/facts with kind {kind}",
            step=step,
            kind=repr(kind),
        ),
    )
