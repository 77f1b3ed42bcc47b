"""The shipped governance standards: security policy, quality, ownership and documentation."""

from __future__ import annotations

from tmse.core.messages import N_
from tmse.standards.registry.models import Category
from tmse.standards.registry.shipped_rules import Builtin, rule

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
        rule(
            "tls",
            "tls",
            "bronze",
            "error",
            N_("TLS enabled"),
            N_("terminate TLS at the ingress and enable mesh mTLS for the namespace"),
        ),
        rule(
            "authentication",
            "authentication",
            "bronze",
            "error",
            N_("Authentication enabled"),
            N_("require OIDC or mTLS authentication for every non-probe endpoint"),
        ),
        rule(
            "secrets-scan",
            "secrets-scan",
            "bronze",
            "error",
            N_("No secrets in the repository"),
            N_("remove the secret from history, rotate it and move it to the secret store"),
        ),
        rule(
            "dependencies-fresh",
            "dependency-age",
            "silver",
            "warning",
            N_("Dependencies at most 180 days behind"),
            N_("merge the pending dependency updates"),
            max_days=180,
        ),
        rule(
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
        rule(
            "coverage-floor",
            "coverage",
            "bronze",
            "error",
            N_("Coverage at least 60%"),
            N_("add tests for the untested modules"),
            threshold=60,
        ),
        rule(
            "coverage",
            "coverage",
            "silver",
            "error",
            N_("Coverage at least 80%"),
            N_("add tests until line coverage reaches 80%"),
            threshold=80,
        ),
        rule(
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
        rule(
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
        rule(
            "owner",
            "owner",
            "bronze",
            "error",
            N_("An owning team is set"),
            N_("set the owning team in the catalog"),
        ),
        rule(
            "repository",
            "repository",
            "bronze",
            "error",
            N_("Repository recorded"),
            N_("set the repository URL in the catalog"),
        ),
        rule(
            "description",
            "description",
            "bronze",
            "warning",
            N_("Description of 40+ characters"),
            N_("describe what the service does and for whom"),
            min_length=40,
        ),
        rule(
            "runtime",
            "runtime",
            "silver",
            "warning",
            N_("Kubernetes namespace and workload recorded"),
            N_("set the Kubernetes namespace and workload in the catalog"),
        ),
        rule(
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
