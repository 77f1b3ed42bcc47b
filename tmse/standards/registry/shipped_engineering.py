"""The shipped engineering standards: coding style, interface naming and API design, log format."""

from __future__ import annotations

from tmse.core.messages import N_
from tmse.standards.registry.models import Category
from tmse.standards.registry.shipped_rules import Builtin, rule

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
        rule(
            "language-recorded",
            "custom",
            "bronze",
            "info",
            N_("Language recorded in the catalog"),
            N_("set the service's language in the catalog"),
            field="language",
            op="exists",
        ),
        rule(
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
        rule(
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
        rule(
            "operation-ids",
            "openapi",
            "bronze",
            "error",
            N_("Every operation has a unique operationId"),
            N_("add a unique lowerCamelCase operationId to each operation"),
            rules=["oas.operation-id-missing", "oas.operation-id-unique"],
        ),
        rule(
            "security",
            "openapi",
            "bronze",
            "error",
            N_("Every operation requires authentication"),
            N_("add a security requirement that names a defined security scheme"),
            rules=["oas.security-required", "oas.security-scheme-defined"],
        ),
        rule(
            "error-responses",
            "openapi",
            "silver",
            "warning",
            N_("Error responses are documented"),
            N_("document 4xx and 5xx/default responses with a problem+json body"),
            rules=["oas.error-responses", "oas.success-response"],
        ),
        rule(
            "versioned",
            "openapi",
            "silver",
            "warning",
            N_("The base path carries the version"),
            N_("put the major version in the servers url or the path, e.g. /v1"),
            rules=["oas.versioned-base-path"],
        ),
        rule(
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
        rule(
            "sample-reported",
            "custom",
            "bronze",
            "info",
            N_("A log sample is reported"),
            N_("post a sample of log lines from the smoke-test stage"),
            fact="log-sample",
            op="exists",
        ),
        rule(
            "mostly-structured",
            "log-format",
            "silver",
            "error",
            N_("95% of log lines comply"),
            N_("emit JSON lines with timestamp, level, service, trace_id and message"),
            min_compliance=95,
        ),
        rule(
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
