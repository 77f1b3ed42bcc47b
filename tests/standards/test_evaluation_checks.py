"""The rule kinds, one by one, on hand-built services: each verdict worked out by hand."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from tmse.standards.registry.check_types import (
    ApiDefinition,
    Fact,
    LayerBreach,
    Outcome,
    Subject,
)
from tmse.standards.registry.checks import RULE_KINDS
from tmse.standards.registry.evaluation import RuleInForce, evaluate_subject


def run(check: str, subject: Subject, **params: object) -> list[Outcome]:
    kind = RULE_KINDS[check]
    return kind.evaluate(subject, kind.params.model_validate(params))


def facts(**values: dict[str, object]) -> dict[str, Fact]:
    return {
        kind.replace("_", "-"): Fact(kind.replace("_", "-"), value)
        for kind, value in values.items()
    }


def verdicts(outcomes: list[Outcome]) -> list[tuple[bool, str]]:
    return [(o.passed, o.message) for o in outcomes]


def test_catalog_facts():
    bare = Subject(name="billing", description="Bills.", tier=1)
    full = Subject(
        name="billing",
        owner="payments",
        description="x" * 40,
        repository="https://git.example.com/pay/billing",
        kubernetes_namespace="pay",
        kubernetes_workload="deployment/billing",
        tier=0,
        linked_adrs=2,
    )
    assert verdicts(run("owner", bare)) == [(False, "no owning team")]
    assert verdicts(run("owner", full)) == [(True, "owned by payments")]
    # "Bills." is 6 characters; 40 are asked for; exactly 40 passes.
    assert verdicts(run("description", bare)) == [
        (False, "description has 6 characters, at least 40 required")
    ]
    assert run("description", full)[0].passed
    assert not run("description", full, min_length=41)[0].passed
    assert verdicts(run("repository", bare)) == [(False, "no repository recorded")]
    assert run("repository", full, pattern=r"^https://git\.example\.com/")[0].passed
    assert not run("repository", full, pattern=r"^https://github\.com/")[0].passed
    assert verdicts(run("runtime", bare)) == [
        (False, "no Kubernetes namespace and no Kubernetes workload recorded")
    ]
    assert run("runtime", Subject(name="x", kubernetes_namespace="a"), require_workload=False)[
        0
    ].passed
    # Tier 1 without an ADR fails; tier 2 needs none; tier 0 with two passes.
    assert verdicts(run("adr-linked", bare)) == [(False, "tier 1 service without a linked ADR")]
    assert run("adr-linked", Subject(name="x", tier=2))[0].passed
    assert run("adr-linked", Subject(name="x"))[0].passed
    assert verdicts(run("adr-linked", full)) == [(True, "2 linked ADR(s)")]
    assert not run("adr-linked", Subject(name="x", tier=2), max_tier=2)[0].passed


def test_coverage_threshold_is_inclusive_and_a_missing_fact_fails():
    at_80 = Subject(name="s", facts=facts(coverage={"percent": 80}))
    assert verdicts(run("coverage", at_80)) == [(True, "coverage 80%, threshold 80%")]
    assert verdicts(run("coverage", at_80, threshold=80.5)) == [
        (False, "coverage 80%, threshold 80.5%")
    ]
    missing = run("coverage", Subject(name="s"))
    assert verdicts(missing) == [(False, "no coverage fact reported")]
    assert missing[0].location == "fact:coverage"
    assert "test stage" in (missing[0].fix_hint or "")


def test_security_facts():
    good = Subject(
        name="s",
        facts=facts(
            tls={"enabled": True},
            authentication={"enabled": True, "method": "oidc"},
            dependency_age={"max_age_days": 180},
            secrets_scan={"findings": 0},
        ),
    )
    bad = Subject(
        name="s",
        facts=facts(
            tls={"enabled": False},
            authentication={"enabled": True, "method": "basic"},
            dependency_age={"max_age_days": 181},
            secrets_scan={"findings": 2},
        ),
    )
    assert run("tls", good)[0].passed and not run("tls", bad)[0].passed
    assert verdicts(run("authentication", good, methods=["oidc", "mtls"])) == [
        (True, "authentication by oidc")
    ]
    assert verdicts(run("authentication", bad, methods=["oidc", "mtls"])) == [
        (False, "method 'basic' is not one of: oidc, mtls")
    ]
    assert run("authentication", bad)[0].passed  # any method is fine when none are listed
    # 180 days behind is within max_days=180; 181 is not.
    assert run("dependency-age", good, max_days=180)[0].passed
    assert verdicts(run("dependency-age", bad, max_days=180)) == [
        (False, "oldest dependency 181 days behind, at most 180 allowed")
    ]
    assert verdicts(run("secrets-scan", bad)) == [(False, "2 secret finding(s)")]
    assert verdicts(run("secrets-scan", good)) == [(True, "no secrets found")]
    assert verdicts(run("tls", Subject(name="s"))) == [(False, "no tls fact reported")]


GOOD = {"timestamp": "2026-11-20T08:00:00Z", "level": "info", "service": "s", "trace_id": "ab",
        "message": "ok"}  # fmt: skip


def test_log_format_compliance_and_findings():
    lines = [json.dumps(GOOD)] * 3 + ["plain text line"]
    subject = Subject(name="s", facts=facts(log_sample={"lines": lines}))
    # 3 of 4 lines comply: 75%.
    assert verdicts(run("log-format", subject, min_compliance=75)) == [
        (True, "75% of 4 lines comply")
    ]
    failed = run("log-format", subject, min_compliance=100)
    assert [(o.passed, o.location) for o in failed] == [(False, "fact:log-sample line 4")]
    assert "log.not-json" in failed[0].message and failed[0].fix_hint
    leaked = [json.dumps({**GOOD, "message": "login password=hunter2"})]
    secret = run("log-format", Subject(name="s", facts=facts(log_sample={"lines": leaked})))
    assert not secret[0].passed and "log.secret" in secret[0].message
    assert "hunter2" not in secret[0].message
    assert verdicts(run("log-format", Subject(name="s"))) == [
        (False, "no log-sample fact reported")
    ]


API = {
    "openapi": "3.1.0",
    "info": {"title": "Orders", "version": "1"},
    "servers": [{"url": "https://api.example.com/v1"}],
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    "security": [{"bearer": []}],
    "paths": {
        "/orders/{id}": {
            "get": {"operationId": "getOrder",
                    "responses": {"200": {"description": "ok"}, "404": {"description": "no"},
                                  "default": {"description": "error"}}}
        },
        "/getInvoice": {"get": {"responses": {"200": {"description": "ok"}}}},
    },
}  # fmt: skip


def test_openapi_rules_selected_by_id_each_violation_a_result():
    subject = Subject(name="orders", apis=(ApiDefinition("orders-api", "openapi", API),))
    selected = run("openapi", subject, rules=["oas.operation-id-missing", "oas.no-verbs-in-path"])
    assert [(o.passed, o.location) for o in selected] == [
        (False, "api:orders-api paths./getInvoice"),
        (False, "api:orders-api paths./getInvoice.get"),
    ]
    assert selected[0].message.startswith("oas.no-verbs-in-path:")
    assert selected[1].fix_hint and "operationId" in selected[1].fix_hint
    # Error responses: only /getInvoice lacks them (the good path has 404 and default).
    errors = run("openapi", subject, rules=["oas.error-responses"])
    assert [o.location for o in errors] == ["api:orders-api paths./getInvoice.get.responses"]
    assert verdicts(run("openapi", Subject(name="x"))) == [(True, "provides no OpenAPI API")]
    broken = Subject(
        name="x", apis=(ApiDefinition("x-api", "openapi", None, "no definition stored"),)
    )
    assert verdicts(run("openapi", broken)) == [(False, "no definition stored")]


def test_layering_one_result_per_breaking_dependency():
    breach = LayerBreach(
        "orders-db", "skips-layer", "web → orders-db: frontend → data skips gateway"
    )
    failed = run("layering", Subject(name="web", layer_breaches=(breach,)))
    assert [(o.passed, o.location) for o in failed] == [(False, "dependency:web→orders-db")]
    assert run("layering", Subject(name="web"))[0].passed


@pytest.mark.parametrize(
    ("params", "passed", "message"),
    [
        ({"fact": "lint", "path": "errors", "op": "==", "value": 0}, True, "ok"),
        ({"fact": "lint", "path": "warnings", "op": "<=", "value": 10}, False,
         "expected lint warnings <= 10, got 12"),
        ({"fact": "lint", "path": "tool.name", "op": "exists"}, True, "ok"),
        ({"fact": "lint", "path": "nope", "op": ">=", "value": 1}, False, "lint nope is not set"),
        ({"fact": "sbom", "op": "exists"}, False, "no sbom fact reported"),
        ({"field": "tier", "op": "<=", "value": 1}, True, "ok"),
        ({"field": "language", "op": "in", "value": ["java", "go"]}, False,
         "expected language in [\"java\", \"go\"], got 'python'"),
        ({"field": "repository", "op": "exists"}, False, "ok"),
    ],
)  # fmt: skip
def test_custom_conditions(params, passed, message):
    subject = Subject(
        name="s",
        tier=1,
        language="python",
        facts=facts(lint={"errors": 0, "warnings": 12, "tool": {"name": "ruff"}}),
    )
    (outcome,) = run("custom", subject, **params)
    assert outcome.passed is passed
    if passed or params.get("op") != "exists":
        assert outcome.message == message


def test_custom_params_are_checked():
    with pytest.raises(ValidationError):
        RULE_KINDS["custom"].params.model_validate({"op": "==", "value": 1})
    with pytest.raises(ValidationError):
        RULE_KINDS["custom"].params.model_validate({"field": "password", "op": "exists"})
    with pytest.raises(ValidationError):
        RULE_KINDS["custom"].params.model_validate({"field": "tier", "op": "in", "value": 1})


def test_results_carry_the_rule_and_the_outcome():
    rule = RuleInForce("quality", 3, "coverage", "coverage", {"threshold": 90}, "error", "gold",
                       "Coverage 90%", "add tests")  # fmt: skip
    broken = RuleInForce("quality", 3, "odd", "no-such", {}, "info", "bronze", "Odd", "")
    subject = Subject(name="s", facts=facts(coverage={"percent": 89.9}))
    first, second = evaluate_subject(subject, [rule, broken])
    assert (first.standard, first.standard_version, first.rule, first.level) == (
        "quality", 3, "coverage", "gold")  # fmt: skip
    assert (first.passed, first.message, first.fix_hint, first.location) == (
        False, "coverage 89.9%, threshold 90%", "add tests", "fact:coverage")  # fmt: skip
    assert (second.passed, second.message) == (False, "unknown check 'no-such'")
