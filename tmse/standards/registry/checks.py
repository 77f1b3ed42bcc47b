"""The machine-checkable rule kinds: each judges one service's catalog record and facts.
A `Subject` and validated params in, `Outcome`s (findings as message ids) out."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from tmse.core.messages import N_, message
from tmse.integrations.json_logs import check_log_lines
from tmse.integrations.openapi import OpenApiRules, check_openapi
from tmse.standards.registry.check_types import (
    OK,
    OPENAPI_RULE_IDS,
    AdrParams,
    ApiDefinition,
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
    missing_fact,
)
from tmse.standards.registry.custom_check import custom


def owner_set(subject: Subject, _: NoParams) -> list[Outcome]:
    if subject.owner:
        return [Outcome(True, message("owned by {team}", team=subject.owner), "service:owner")]
    return [Outcome(False, message("no owning team"), "service:owner")]


def description_length(subject: Subject, params: DescriptionParams) -> list[Outcome]:
    length = len(subject.description.strip())
    if length >= params.min_length:
        return [Outcome(True, OK, "service:description")]
    return [
        Outcome(
            False,
            message(
                "description has {length} characters, at least {minimum} required",
                length=length,
                minimum=params.min_length,
            ),
            "service:description",
        )
    ]


def repository_set(subject: Subject, params: RepositoryParams) -> list[Outcome]:
    if not subject.repository:
        return [Outcome(False, message("no repository recorded"), "service:repository")]
    if params.pattern and not re.search(params.pattern, subject.repository):
        return [
            Outcome(
                False,
                message(
                    "repository {repository} does not match {pattern}",
                    repository=subject.repository,
                    pattern=params.pattern,
                ),
                "service:repository",
            )
        ]
    return [Outcome(True, OK, "service:repository")]


def runtime_set(subject: Subject, params: RuntimeParams) -> list[Outcome]:
    no_namespace = params.require_namespace and not subject.kubernetes_namespace
    no_workload = params.require_workload and not subject.kubernetes_workload
    if no_namespace and no_workload:
        missing = message("no Kubernetes namespace and no Kubernetes workload recorded")
    elif no_namespace:
        missing = message("no Kubernetes namespace recorded")
    elif no_workload:
        missing = message("no Kubernetes workload recorded")
    else:
        return [Outcome(True, OK, "service:runtime")]
    return [Outcome(False, missing, "service:runtime")]


def adr_linked(subject: Subject, params: AdrParams) -> list[Outcome]:
    if subject.tier is None or subject.tier > params.max_tier:
        return [Outcome(True, message("not required for this tier"), "service:tier")]
    if subject.linked_adrs:
        linked = message("{count} linked ADR(s)", count=subject.linked_adrs)
        return [Outcome(True, linked, "service:adrs")]
    missing = message("tier {tier} service without a linked ADR", tier=subject.tier)
    return [Outcome(False, missing, "service:adrs")]


@lru_cache(maxsize=256)
def _openapi_rules(chosen: frozenset[str]) -> OpenApiRules:
    selected = set(chosen or OPENAPI_RULE_IDS)
    # Structure errors stop every rule from reading the document, so they always show.
    selected |= {"oas.not-openapi3", "oas.invalid-structure"}
    return OpenApiRules(disabled=frozenset(OPENAPI_RULE_IDS - selected))


def openapi_design(subject: Subject, params: OpenApiParams) -> list[Outcome]:
    documents = [api for api in subject.apis if api.type == "openapi"]
    if not documents:
        return [Outcome(True, message("provides no OpenAPI API"), None)]
    chosen = frozenset(params.rules)
    found: list[Outcome] = []
    for api in documents:
        found.extend(_api_findings(api, chosen))
    conform = message("{count} OpenAPI document(s) conform", count=len(documents))
    return found or [Outcome(True, conform, None)]


# Findings by (API name, definition text, rules chosen): a pure function of its key, worked out
# once per text instead of once per request (bounded; cleared whole when full).
_FINDINGS: dict[tuple[str, str, frozenset[str]], tuple[Outcome, ...]] = {}
_FINDINGS_KEPT = 1024


def _api_findings(api: ApiDefinition, chosen: frozenset[str]) -> tuple[Outcome, ...]:
    if api.text is None:
        return _check_api(api, chosen)
    key = (api.name, api.text, chosen)
    found = _FINDINGS.get(key)
    if found is None:
        if len(_FINDINGS) >= _FINDINGS_KEPT:
            _FINDINGS.clear()
        found = _FINDINGS[key] = _check_api(api, chosen)
    return found


def _check_api(api: ApiDefinition, chosen: frozenset[str]) -> tuple[Outcome, ...]:
    where = f"api:{api.name}"
    if api.error is not None:
        hint = message("store the API's OpenAPI 3.x document in the catalog")
        return (Outcome(False, message("{error}", error=api.error), where, hint),)
    return tuple(
        Outcome(
            False,
            message("{rule}: {finding}", rule=violation.rule, finding=violation.finding),
            f"{where} {violation.location}".rstrip(),
            violation.hint,
        )
        for violation in check_openapi(api.document, _openapi_rules(chosen))
    )


def log_format(subject: Subject, params: LogFormatParams) -> list[Outcome]:
    fact = subject.facts.get("log-sample")
    if fact is None:
        return [missing_fact("log-sample")]
    lines = tuple(str(line) for line in fact.value.get("lines", []))
    return list(_log_outcomes(lines, params.min_compliance))


@lru_cache(maxsize=4096)
def _log_outcomes(lines: tuple[str, ...], min_compliance: float) -> tuple[Outcome, ...]:
    # Several rules read the same sample, and samples change only when a pipeline reports.
    report = check_log_lines(lines)
    if report.lines_checked == 0:
        return (Outcome(False, message("the log sample has no lines"), "fact:log-sample"),)
    summary = message(
        "{percent}% of {lines} lines comply",
        percent=f"{report.compliance_percent:g}",
        lines=report.lines_checked,
    )
    if report.compliance_percent >= min_compliance:
        return (Outcome(True, summary, "fact:log-sample"),)
    # One result per broken log rule (first place it broke), not one per line.
    first: dict[str, Any] = {}
    for violation in report.violations:
        first.setdefault(violation.rule, violation)
    return tuple(
        Outcome(
            False,
            message(
                "{summary} (at least {minimum}% required); {rule}: {finding} ({count}×)",
                summary=summary,
                minimum=f"{min_compliance:g}",
                rule=rule,
                finding=violation.finding,
                count=report.counts_by_rule[rule],
            ),
            f"fact:log-sample {violation.location}",
            violation.hint,
        )
        for rule, violation in first.items()
    )


def coverage(subject: Subject, params: CoverageParams) -> list[Outcome]:
    fact = subject.facts.get("coverage")
    if fact is None:
        return [missing_fact("coverage")]
    percent = fact.value.get("percent")
    if not isinstance(percent, int | float):
        return [Outcome(False, message("the coverage fact has no percent"), "fact:coverage")]
    measured = message(
        "coverage {percent}%, threshold {threshold}%",
        percent=f"{percent:g}",
        threshold=f"{params.threshold:g}",
    )
    return [Outcome(percent >= params.threshold, measured, "fact:coverage")]


def tls(subject: Subject, _: NoParams) -> list[Outcome]:
    fact = subject.facts.get("tls")
    if fact is None:
        return [missing_fact("tls")]
    enabled = fact.value.get("enabled") is True
    said = message("TLS enabled") if enabled else message("TLS is not enabled")
    return [Outcome(enabled, said, "fact:tls")]


def authentication(subject: Subject, params: AuthenticationParams) -> list[Outcome]:
    fact = subject.facts.get("authentication")
    if fact is None:
        return [missing_fact("authentication")]
    where = "fact:authentication"
    if fact.value.get("enabled") is not True:
        return [Outcome(False, message("authentication is not enabled"), where)]
    method = fact.value.get("method")
    if params.methods and method not in params.methods:
        allowed = ", ".join(params.methods)
        refused = message(
            "method {method} is not one of: {allowed}", method=repr(method), allowed=allowed
        )
        return [Outcome(False, refused, where)]
    said = message("authentication by {method}", method=method) if method else OK
    return [Outcome(True, said, where)]


def dependency_age(subject: Subject, params: DependencyAgeParams) -> list[Outcome]:
    fact = subject.facts.get("dependency-age")
    if fact is None:
        return [missing_fact("dependency-age")]
    days = fact.value.get("max_age_days")
    if not isinstance(days, int | float):
        unreadable = message("the dependency-age fact has no max_age_days")
        return [Outcome(False, unreadable, "fact:dependency-age")]
    behind = message(
        "oldest dependency {days} days behind, at most {maximum} allowed",
        days=f"{days:g}",
        maximum=params.max_days,
    )
    return [Outcome(days <= params.max_days, behind, "fact:dependency-age")]


def secrets_scan(subject: Subject, _: NoParams) -> list[Outcome]:
    fact = subject.facts.get("secrets-scan")
    if fact is None:
        return [missing_fact("secrets-scan")]
    findings = fact.value.get("findings")
    if findings == 0:
        return [Outcome(True, message("no secrets found"), "fact:secrets-scan")]
    found = message("{count} secret finding(s)", count=findings)
    return [Outcome(False, found, "fact:secrets-scan")]


def layering(subject: Subject, _: NoParams) -> list[Outcome]:
    if not subject.layer_breaches:
        return [Outcome(True, message("no layer violation"), None)]
    return [
        Outcome(
            False,
            breach.message,
            f"dependency:{subject.name}→{breach.target}",
        )
        for breach in subject.layer_breaches
    ]


RULE_KINDS: Mapping[str, RuleKind] = {
    kind.name: kind
    for kind in (
        RuleKind("owner", NoParams, owner_set, frozenset(), N_("An owning team is set.")),
        RuleKind(
            "description", DescriptionParams, description_length, frozenset(),
            N_("The catalog description has at least min_length characters."),
        ),
        RuleKind(
            "repository", RepositoryParams, repository_set, frozenset(),
            N_("A repository URL is recorded (optionally matching pattern)."),
        ),
        RuleKind(
            "runtime", RuntimeParams, runtime_set, frozenset(),
            N_("The Kubernetes namespace and workload are recorded."),
        ),
        RuleKind(
            "adr-linked", AdrParams, adr_linked, frozenset({"adrs"}),
            N_("Services of tier 0..max_tier have at least one linked ADR."),
        ),
        RuleKind(
            "openapi", OpenApiParams, openapi_design, frozenset({"apis"}),
            N_("The OpenAPI documents the service provides pass the selected API design rules."),
        ),
        RuleKind(
            "log-format", LogFormatParams, log_format, frozenset({"fact:log-sample"}),
            N_("The latest log sample's lines follow the log format."),
        ),
        RuleKind(
            "coverage", CoverageParams, coverage, frozenset({"fact:coverage"}),
            N_("Reported test coverage is at least threshold percent."),
        ),
        RuleKind("tls", NoParams, tls, frozenset({"fact:tls"}), N_("TLS is enabled.")),
        RuleKind(
            "authentication", AuthenticationParams, authentication,
            frozenset({"fact:authentication"}),
            N_("Authentication is enabled (with an allowed method)."),
        ),
        RuleKind(
            "dependency-age", DependencyAgeParams, dependency_age,
            frozenset({"fact:dependency-age"}),
            N_("No dependency is more than max_days behind its latest release."),
        ),
        RuleKind(
            "secrets-scan", NoParams, secrets_scan, frozenset({"fact:secrets-scan"}),
            N_("The latest secrets scan found nothing."),
        ),
        RuleKind(
            "layering", NoParams, layering, frozenset({"layering"}),
            N_("No dependency from the service breaks the layering rules."),
        ),
        RuleKind(
            "custom", CustomParams, custom, frozenset({"facts"}),
            N_("A condition on a fact (fact, path) or a catalog field: op and value."),
        ),
    )
}  # fmt: skip
