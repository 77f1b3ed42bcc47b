"""The six standards tmse ships with: names, Markdown bodies and rules, as msgids shown in the
reader's language while they are the shipped English (an organisation's edits as written)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tmse.core.messages import N_, Message
from tmse.standards.registry.models import Category


@dataclass(frozen=True)
class Builtin:
    key: str
    name: str
    category: Category
    body: str
    rules: tuple[dict[str, Any], ...]


def _rule(
    key: str, check: str, level: str, severity: str, title: str, fix_hint: str, **params: Any
) -> dict[str, Any]:
    return {
        "key": key,
        "check": check,
        "params": params,
        "level": level,
        "severity": severity,
        "title": title,
        "fix_hint": fix_hint,
    }


CODING_STYLE = Builtin(
    "coding-style",
    N_("Coding style"),
    Category.CODING_STYLE,
    N_("""# Coding style

One style per language, enforced by tools in the build, so reviews discuss design rather than
whitespace.

## Rules

- **Format automatically.** Use the language's standard formatter (ruff format or black for
  Python, gofmt for Go, Prettier for TypeScript, google-java-format or Spotless for Java).
  Formatting is never a review comment.
- **Lint in CI, fail on errors.** The lint step runs on every change and reports its error and
  warning counts to tmse (fact `lint`). Errors break the build; warnings are paid down.
- **Names say what things are.** Full words, no private abbreviations; functions say what they
  return or do; booleans read as questions (`is_active`, `has_owner`).
- **Small units.** Files over about 400 lines and functions over about 50 lines are usually two.
- **Comments say why, not what.** Public functions carry a one- or two-line docstring.
- **Record the language** of each service in the catalog so tooling and people know what to run.

## Exceptions

Generated code is excluded from linting by path, never by disabling rules file by file.
"""),
    (
        _rule(
            "language-recorded",
            "custom",
            "bronze",
            "info",
            N_("Language recorded in the catalog"),
            N_("set the service's language in the catalog"),
            field="language",
            op="exists",
        ),
        _rule(
            "lint-errors",
            "custom",
            "bronze",
            "error",
            N_("No lint errors"),
            N_("run the linter locally and fix its errors before merging"),
            fact="lint",
            path="errors",
            op="==",
            value=0,
        ),
        _rule(
            "lint-warnings",
            "custom",
            "gold",
            "warning",
            N_("At most 10 lint warnings"),
            N_("pay down lint warnings; suppress a rule only with a written reason"),
            fact="lint",
            path="warnings",
            op="<=",
            value=10,
        ),
    ),
)

API_DESIGN = Builtin(
    "api-design",
    N_("Interface naming and API design"),
    Category.INTERFACE_NAMING,
    N_("""# Interface naming and API design

Every HTTP API is described by an OpenAPI 3.x document stored with the API in the catalog.
Clients are generated from it, so its names are the names callers live with.

## Naming

- Paths name **resources, not actions**: `GET /v1/orders/{orderId}`, not `/v1/getOrder`.
- Path segments are **kebab-case** (`/v1/payment-methods`); collections are **plural nouns**.
- No trailing slash. Path parameters are camelCase (`{orderId}`).
- Every operation has a **unique operationId** in lowerCamelCase (`listOrders`, `getOrder`).

## Versioning

The major version is in the base path (`https://api.example.com/v1` or `/v1/...`). A breaking
change gets a new major version; the old one stays until its consumers have moved.

## Errors

Each operation documents at least one 4xx response and a 5xx or `default` response, with an
`application/problem+json` body (RFC 9457).

## Security

Every operation has a security requirement (globally or on the operation) that names a scheme
defined in `components.securitySchemes`. Only probes and metrics (`/healthz`, `/readyz`,
`/metrics`) are open.
"""),
    (
        _rule(
            "operation-ids",
            "openapi",
            "bronze",
            "error",
            N_("Every operation has a unique operationId"),
            N_("add a unique lowerCamelCase operationId to each operation"),
            rules=["oas.operation-id-missing", "oas.operation-id-unique"],
        ),
        _rule(
            "security",
            "openapi",
            "bronze",
            "error",
            N_("Every operation requires authentication"),
            N_("add a security requirement that names a defined security scheme"),
            rules=["oas.security-required", "oas.security-scheme-defined"],
        ),
        _rule(
            "error-responses",
            "openapi",
            "silver",
            "warning",
            N_("Error responses are documented"),
            N_("document 4xx and 5xx/default responses with a problem+json body"),
            rules=["oas.error-responses", "oas.success-response"],
        ),
        _rule(
            "versioned",
            "openapi",
            "silver",
            "warning",
            N_("The base path carries the version"),
            N_("put the major version in the servers url or the path, e.g. /v1"),
            rules=["oas.versioned-base-path"],
        ),
        _rule(
            "resource-naming",
            "openapi",
            "gold",
            "warning",
            N_("Paths are kebab-case plural nouns without verbs"),
            N_("rename paths to kebab-case plural resources; let the HTTP method be the verb"),
            rules=[
                "oas.path-kebab-case",
                "oas.path-plural-resource",
                "oas.no-verbs-in-path",
                "oas.path-no-trailing-slash",
                "oas.operation-id-valid",
            ],
        ),
    ),
)

LOG_FORMAT = Builtin(
    "log-format",
    N_("Log format"),
    Category.LOG_FORMAT,
    N_("""# Log format

Logs are read by machines first. Every service writes **one JSON object per line** to standard
output; the platform ships it.

## Required fields

| field | meaning |
| --- | --- |
| `timestamp` | ISO 8601 with a zone, e.g. `2026-03-01T08:15:30.120Z` |
| `level` | one of trace, debug, info, warn, error, fatal |
| `service` | the catalog name of the service |
| `trace_id` | the W3C trace id of the request, so logs join traces |
| `message` | what happened, in words |

Add context as further fields (`order_id`, `duration_ms`), not inside the message.

## Never log secrets

Passwords, tokens, API keys, session cookies and private keys never appear in logs, not even
at debug level. Log `***` or a redacted prefix. A secret that reached a log is exposed:
rotate it.

## How it is checked

The smoke-test stage posts a sample of the service's log lines (fact `log-sample`); tmse
checks each line.
"""),
    (
        _rule(
            "sample-reported",
            "custom",
            "bronze",
            "info",
            N_("A log sample is reported"),
            N_("post a sample of log lines from the smoke-test stage"),
            fact="log-sample",
            op="exists",
        ),
        _rule(
            "mostly-structured",
            "log-format",
            "silver",
            "error",
            N_("95% of log lines comply"),
            N_("emit JSON lines with timestamp, level, service, trace_id and message"),
            min_compliance=95,
        ),
        _rule(
            "fully-structured",
            "log-format",
            "gold",
            "warning",
            N_("Every log line complies"),
            N_("fix the remaining lines; third-party libraries log through the same formatter"),
            min_compliance=100,
        ),
    ),
)

SECURITY_POLICY = Builtin(
    "security-policy",
    N_("Security policy"),
    Category.SECURITY_POLICY,
    N_("""# Security policy

The minimum every service meets before it takes production traffic. Pipelines report the
facts; tmse checks them on every report.

## Transport

All traffic is encrypted with TLS 1.2 or later, inside the cluster too (service mesh mTLS or
TLS at the workload). Fact `tls` (`enabled`).

## Authentication

Every endpoint except probes and metrics authenticates its caller: OIDC tokens from the
company identity provider for people, mTLS or OIDC client credentials between services.
Fact `authentication` (`enabled`, `method`).

## Secrets

No secret is committed to a repository. The secrets scanning step runs on every change and
must find nothing (fact `secrets-scan`, `findings`). Secrets live in the secret store and
reach workloads at run time.

## Dependencies

Dependencies are updated continuously (Renovate or Dependabot). No dependency may fall more
than 180 days behind its latest release; gold services stay within 60 days. Fact
`dependency-age` (`max_age_days`).
"""),
    (
        _rule(
            "tls",
            "tls",
            "bronze",
            "error",
            N_("TLS enabled"),
            N_("terminate TLS at the ingress and enable mesh mTLS for the namespace"),
        ),
        _rule(
            "authentication",
            "authentication",
            "bronze",
            "error",
            N_("Authentication enabled"),
            N_("require OIDC or mTLS authentication for every non-probe endpoint"),
        ),
        _rule(
            "secrets-scan",
            "secrets-scan",
            "bronze",
            "error",
            N_("No secrets in the repository"),
            N_("remove the secret from history, rotate it and move it to the secret store"),
        ),
        _rule(
            "dependencies-fresh",
            "dependency-age",
            "silver",
            "warning",
            N_("Dependencies at most 180 days behind"),
            N_("merge the pending dependency updates"),
            max_days=180,
        ),
        _rule(
            "dependencies-current",
            "dependency-age",
            "gold",
            "warning",
            N_("Dependencies at most 60 days behind"),
            N_("enable automatic merging of minor and patch updates"),
            max_days=60,
        ),
    ),
)

QUALITY = Builtin(
    "quality",
    N_("Quality"),
    Category.QUALITY,
    N_("""# Quality

## Test coverage

Line coverage is measured in the test stage and reported to tmse (fact `coverage`,
`percent`). The bar is **80%**; new services start there. Coverage is a floor, not a goal:
tests assert behaviour a user would notice.

## Layering

Services depend downwards only: frontend → gateway → business → data → infrastructure,
without skipping layers unless the architecture board allowed the pair. The layering rules are
kept in the catalog; a dependency that breaks them fails this standard.
"""),
    (
        _rule(
            "coverage-floor",
            "coverage",
            "bronze",
            "error",
            N_("Coverage at least 60%"),
            N_("add tests for the untested modules"),
            threshold=60,
        ),
        _rule(
            "coverage",
            "coverage",
            "silver",
            "error",
            N_("Coverage at least 80%"),
            N_("add tests until line coverage reaches 80%"),
            threshold=80,
        ),
        _rule(
            "layering",
            "layering",
            "silver",
            "error",
            N_("Dependencies respect the layers"),
            N_(
                "call the layer below (e.g. through the gateway or a business service) or ask the"
                " architecture board to allow the pair"
            ),
        ),
        _rule(
            "coverage-high",
            "coverage",
            "gold",
            "warning",
            N_("Coverage at least 90%"),
            N_("cover the remaining branches, starting with error paths"),
            threshold=90,
        ),
    ),
)

OWNERSHIP = Builtin(
    "ownership",
    N_("Ownership and documentation"),
    Category.OWNERSHIP,
    N_("""# Ownership and documentation

Every service has an owner who answers for it, and enough written down that someone new can
find it, run it and change it.

## Required in the catalog

- **Owning team.** One team, not a person.
- **Description** of at least 40 characters: what the service does and for whom.
- **Repository** URL.
- **Runtime**: the Kubernetes namespace and workload it runs as.

## Decisions

Tier 0 and tier 1 services (the ones whose outage stops the business) have their significant
design decisions recorded as ADRs linked to the service.
"""),
    (
        _rule(
            "owner",
            "owner",
            "bronze",
            "error",
            N_("An owning team is set"),
            N_("set the owning team in the catalog"),
        ),
        _rule(
            "repository",
            "repository",
            "bronze",
            "error",
            N_("Repository recorded"),
            N_("set the repository URL in the catalog"),
        ),
        _rule(
            "description",
            "description",
            "bronze",
            "warning",
            N_("Description of 40+ characters"),
            N_("describe what the service does and for whom"),
            min_length=40,
        ),
        _rule(
            "runtime",
            "runtime",
            "silver",
            "warning",
            N_("Kubernetes namespace and workload recorded"),
            N_("set the Kubernetes namespace and workload in the catalog"),
        ),
        _rule(
            "adr-linked",
            "adr-linked",
            "gold",
            "warning",
            N_("Tier 0–1 services have a linked ADR"),
            N_("record the service's key decisions as ADRs and link them to the service"),
            max_tier=1,
        ),
    ),
)

BUILTIN_STANDARDS: tuple[Builtin, ...] = (
    CODING_STYLE,
    API_DESIGN,
    LOG_FORMAT,
    SECURITY_POLICY,
    QUALITY,
    OWNERSHIP,
)


SHIPPED_TEXTS = frozenset(
    text
    for builtin in BUILTIN_STANDARDS
    for text in (
        builtin.name,
        builtin.body,
        *(r[f] for r in builtin.rules for f in ("title", "fix_hint")),
    )
)


def shipped(text: str) -> Message:
    """A standard's name, rule title or fix hint to show: translated while it is the text tmse
    shipped, as written once an organisation changed it."""
    if text in SHIPPED_TEXTS:
        return Message(text)
    return Message("{text}", {"text": text})  # not a msgid: renders the text itself
