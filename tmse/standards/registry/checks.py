"""The machine-checkable rule kinds: each one judges one service's catalog record and facts.

Pure: a `Subject` (plain data about one service) and validated params in, `Outcome`s out. The
data types and params models are in tmse.standards.registry.check_types.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from tmse.integrations.json_logs import LogCheckReport, check_log_lines
from tmse.integrations.openapi import OpenApiRules, check_openapi
from tmse.standards.registry.check_types import (
    OPENAPI_RULE_IDS,
    AdrParams,
    AuthenticationParams,
    CoverageParams,
    CustomParams,
    DependencyAgeParams,
    DescriptionParams,
    LogFormatParams,
    NoParams,
    OpenApiParams,
    Outcome,
    RepositoryParams,
    RuleKind,
    RuntimeParams,
    Subject,
)

# The pipeline step that reports each fact kind: a missing fact's fix hint names it.
FACT_SOURCES: Mapping[str, str] = {
    "coverage": "the test stage, after running the tests with coverage",
    "tls": "the deploy stage, from the ingress or service-mesh TLS settings",
    "authentication": "the deploy stage, from the gateway or service authentication settings",
    "dependency-age": "the dependency audit step (e.g. a Renovate or Dependabot report)",
    "secrets-scan": "the secrets scanning step (e.g. gitleaks or trufflehog)",
    "log-sample": "the smoke-test stage, with a sample of the service's log lines",
    "lint": "the lint step of the build",
}


_COMPARE: Mapping[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "in": lambda actual, expected: actual in expected,
    "not-in": lambda actual, expected: actual not in expected,
    "contains": lambda actual, expected: expected in actual,
}


def _missing(kind: str) -> Outcome:
    step = FACT_SOURCES.get(kind, "a pipeline step")
    return Outcome(
        False,
        f"no {kind} fact reported",
        f"fact:{kind}",
        f"{step} reports it: POST /api/v1/standards/facts with kind {kind!r}",
    )


def owner_set(subject: Subject, _: NoParams) -> list[Outcome]:
    if subject.owner:
        return [Outcome(True, f"owned by {subject.owner}", "service:owner")]
    return [Outcome(False, "no owning team", "service:owner")]


def description_length(subject: Subject, params: DescriptionParams) -> list[Outcome]:
    length = len(subject.description.strip())
    if length >= params.min_length:
        return [Outcome(True, "ok", "service:description")]
    return [
        Outcome(
            False,
            f"description has {length} characters, at least {params.min_length} required",
            "service:description",
        )
    ]


def repository_set(subject: Subject, params: RepositoryParams) -> list[Outcome]:
    if not subject.repository:
        return [Outcome(False, "no repository recorded", "service:repository")]
    if params.pattern and not re.search(params.pattern, subject.repository):
        return [
            Outcome(
                False,
                f"repository {subject.repository} does not match {params.pattern}",
                "service:repository",
            )
        ]
    return [Outcome(True, "ok", "service:repository")]


def runtime_set(subject: Subject, params: RuntimeParams) -> list[Outcome]:
    missing = []
    if params.require_namespace and not subject.kubernetes_namespace:
        missing.append("Kubernetes namespace")
    if params.require_workload and not subject.kubernetes_workload:
        missing.append("Kubernetes workload")
    if missing:
        return [Outcome(False, f"no {' and no '.join(missing)} recorded", "service:runtime")]
    return [Outcome(True, "ok", "service:runtime")]


def adr_linked(subject: Subject, params: AdrParams) -> list[Outcome]:
    if subject.tier is None or subject.tier > params.max_tier:
        return [Outcome(True, "not required for this tier", "service:tier")]
    if subject.linked_adrs:
        return [Outcome(True, f"{subject.linked_adrs} linked ADR(s)", "service:adrs")]
    return [Outcome(False, f"tier {subject.tier} service without a linked ADR", "service:adrs")]


@lru_cache(maxsize=256)
def _openapi_rules(chosen: frozenset[str]) -> OpenApiRules:
    selected = set(chosen or OPENAPI_RULE_IDS)
    # Structure errors stop every rule from reading the document, so they always show.
    selected |= {"oas.not-openapi3", "oas.invalid-structure"}
    return OpenApiRules(disabled=frozenset(OPENAPI_RULE_IDS - selected))


def openapi_design(subject: Subject, params: OpenApiParams) -> list[Outcome]:
    documents = [api for api in subject.apis if api.type == "openapi"]
    if not documents:
        return [Outcome(True, "provides no OpenAPI API", None)]
    rules = _openapi_rules(frozenset(params.rules))
    found: list[Outcome] = []
    for api in documents:
        where = f"api:{api.name}"
        if api.error is not None:
            hint = "store the API's OpenAPI 3.x document in the catalog"
            found.append(Outcome(False, api.error, where, hint))
            continue
        for violation in check_openapi(api.document, rules):
            found.append(
                Outcome(
                    False,
                    f"{violation.rule}: {violation.message}",
                    f"{where} {violation.location}".rstrip(),
                    violation.fix_hint,
                )
            )
    return found or [Outcome(True, f"{len(documents)} OpenAPI document(s) conform", None)]


def log_format(subject: Subject, params: LogFormatParams) -> list[Outcome]:
    fact = subject.facts.get("log-sample")
    if fact is None:
        return [_missing("log-sample")]
    report = _log_report(tuple(str(line) for line in fact.value.get("lines", [])))
    if report.lines_checked == 0:
        return [Outcome(False, "the log sample has no lines", "fact:log-sample")]
    summary = f"{report.compliance_percent:g}% of {report.lines_checked} lines comply"
    if report.compliance_percent >= params.min_compliance:
        return [Outcome(True, summary, "fact:log-sample")]
    # One result per broken log rule (first place it broke), not one per line.
    first: dict[str, Any] = {}
    for violation in report.violations:
        first.setdefault(violation.rule, violation)
    return [
        Outcome(
            False,
            f"{summary} (at least {params.min_compliance:g}% required); {rule}: "
            f"{violation.message} ({report.counts_by_rule[rule]}×)",
            f"fact:log-sample {violation.location}",
            violation.fix_hint,
        )
        for rule, violation in first.items()
    ]


@lru_cache(maxsize=4096)
def _log_report(lines: tuple[str, ...]) -> LogCheckReport:
    # Several rules read the same sample, and samples change only when a pipeline reports.
    return check_log_lines(lines)


def coverage(subject: Subject, params: CoverageParams) -> list[Outcome]:
    fact = subject.facts.get("coverage")
    if fact is None:
        return [_missing("coverage")]
    percent = fact.value.get("percent")
    if not isinstance(percent, int | float):
        return [Outcome(False, "the coverage fact has no percent", "fact:coverage")]
    message = f"coverage {percent:g}%, threshold {params.threshold:g}%"
    return [Outcome(percent >= params.threshold, message, "fact:coverage")]


def tls(subject: Subject, _: NoParams) -> list[Outcome]:
    fact = subject.facts.get("tls")
    if fact is None:
        return [_missing("tls")]
    enabled = fact.value.get("enabled") is True
    return [Outcome(enabled, "TLS enabled" if enabled else "TLS is not enabled", "fact:tls")]


def authentication(subject: Subject, params: AuthenticationParams) -> list[Outcome]:
    fact = subject.facts.get("authentication")
    if fact is None:
        return [_missing("authentication")]
    where = "fact:authentication"
    if fact.value.get("enabled") is not True:
        return [Outcome(False, "authentication is not enabled", where)]
    method = fact.value.get("method")
    if params.methods and method not in params.methods:
        allowed = ", ".join(params.methods)
        return [Outcome(False, f"method {method!r} is not one of: {allowed}", where)]
    return [Outcome(True, f"authentication by {method}" if method else "ok", where)]


def dependency_age(subject: Subject, params: DependencyAgeParams) -> list[Outcome]:
    fact = subject.facts.get("dependency-age")
    if fact is None:
        return [_missing("dependency-age")]
    days = fact.value.get("max_age_days")
    if not isinstance(days, int | float):
        message = "the dependency-age fact has no max_age_days"
        return [Outcome(False, message, "fact:dependency-age")]
    message = f"oldest dependency {days:g} days behind, at most {params.max_days} allowed"
    return [Outcome(days <= params.max_days, message, "fact:dependency-age")]


def secrets_scan(subject: Subject, _: NoParams) -> list[Outcome]:
    fact = subject.facts.get("secrets-scan")
    if fact is None:
        return [_missing("secrets-scan")]
    findings = fact.value.get("findings")
    if findings == 0:
        return [Outcome(True, "no secrets found", "fact:secrets-scan")]
    return [Outcome(False, f"{findings} secret finding(s)", "fact:secrets-scan")]


def layering(subject: Subject, _: NoParams) -> list[Outcome]:
    if not subject.layer_breaches:
        return [Outcome(True, "no layer violation", None)]
    return [
        Outcome(False, breach.message, f"dependency:{subject.name}→{breach.target}")
        for breach in subject.layer_breaches
    ]


_MISSING = object()


def _lookup(value: Any, path: str) -> Any:
    for part in [p for p in path.split(".") if p]:
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
    return value


def custom(subject: Subject, params: CustomParams) -> list[Outcome]:
    if params.fact is not None:
        fact = subject.facts.get(params.fact)
        if fact is None:
            return [_missing(params.fact)]
        where = f"fact:{params.fact}" + (f" {params.path}" if params.path else "")
        actual = _lookup(fact.value, params.path)
    else:
        where = f"service:{params.field}"
        actual = getattr(subject, params.field or "")
        actual = _MISSING if actual is None else actual
    shown = f"{where.partition(':')[2]} {params.op} {json.dumps(params.value)}"
    if params.op == "exists":
        passed = actual is not _MISSING
    elif actual is _MISSING:
        return [Outcome(False, f"{where.partition(':')[2]} is not set", where)]
    else:
        try:
            passed = bool(_COMPARE[params.op](actual, params.value))
        except TypeError:
            passed = False
    return [Outcome(passed, "ok" if passed else f"expected {shown}, got {actual!r}", where)]


RULE_KINDS: Mapping[str, RuleKind] = {
    kind.name: kind
    for kind in (
        RuleKind("owner", NoParams, owner_set, frozenset(), "An owning team is set."),
        RuleKind(
            "description", DescriptionParams, description_length, frozenset(),
            "The catalog description has at least min_length characters.",
        ),
        RuleKind(
            "repository", RepositoryParams, repository_set, frozenset(),
            "A repository URL is recorded (optionally matching pattern).",
        ),
        RuleKind(
            "runtime", RuntimeParams, runtime_set, frozenset(),
            "The Kubernetes namespace and workload are recorded.",
        ),
        RuleKind(
            "adr-linked", AdrParams, adr_linked, frozenset({"adrs"}),
            "Services of tier 0..max_tier have at least one linked ADR.",
        ),
        RuleKind(
            "openapi", OpenApiParams, openapi_design, frozenset({"apis"}),
            "The OpenAPI documents the service provides pass the selected API design rules.",
        ),
        RuleKind(
            "log-format", LogFormatParams, log_format, frozenset({"fact:log-sample"}),
            "The latest log sample's lines follow the log format.",
        ),
        RuleKind(
            "coverage", CoverageParams, coverage, frozenset({"fact:coverage"}),
            "Reported test coverage is at least threshold percent.",
        ),
        RuleKind("tls", NoParams, tls, frozenset({"fact:tls"}), "TLS is enabled."),
        RuleKind(
            "authentication", AuthenticationParams, authentication,
            frozenset({"fact:authentication"}),
            "Authentication is enabled (with an allowed method).",
        ),
        RuleKind(
            "dependency-age", DependencyAgeParams, dependency_age,
            frozenset({"fact:dependency-age"}),
            "No dependency is more than max_days behind its latest release.",
        ),
        RuleKind(
            "secrets-scan", NoParams, secrets_scan, frozenset({"fact:secrets-scan"}),
            "The latest secrets scan found nothing.",
        ),
        RuleKind(
            "layering", NoParams, layering, frozenset({"layering"}),
            "No dependency from the service breaks the layering rules.",
        ),
        RuleKind(
            "custom", CustomParams, custom, frozenset({"facts"}),
            "A condition on a fact (fact, path) or a catalog field: op and value.",
        ),
    )
}  # fmt: skip
