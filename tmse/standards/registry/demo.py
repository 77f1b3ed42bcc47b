"""Demo step: the built-in standards, and the facts the company's pipelines have reported about
its services — mature services pass most rules, young ones miss facts or fall short."""

from __future__ import annotations

import json
import random
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from tmse.catalog.queries import service_names
from tmse.core.actor import Actor
from tmse.core.db import utcnow
from tmse.core.identity.models import Team
from tmse.demo.steps import DemoContext, register_step
from tmse.standards.facts import service as facts
from tmse.standards.facts.models import ServiceFact
from tmse.standards.facts.schemas import FactReport
from tmse.standards.registry import service as registry
from tmse.standards.registry.builtin import seed_builtin_standards
from tmse.standards.registry.models import Standard
from tmse.standards.registry.schemas import StandardUpdate

CI = "https://ci.acme.example/pipelines"
# Who owns which built-in standard, first team that exists (the small company lacks some).
OWNERS = {
    "security-policy": ("Application Security / 应用安全",),
    "quality": ("Test Automation / 自动化测试",),
    "*": ("Standards & Governance / 标准与治理组", "Enterprise Architecture / 企业架构组"),
}
# Services past the first CURATED are generated (`--size large`): their facts go in bulk.
CURATED = 200


def log_lines(rng: random.Random, service: str, maturity: float) -> list[str]:
    """A sample of a service's log: structured JSON, with plain-text lines and a leaked
    password the less mature the service is."""
    lines = []
    for second in range(20):
        entry = {
            "timestamp": f"2026-11-20T08:15:{second:02d}.120Z",
            "level": rng.choice(["info", "info", "info", "warn", "error"]),
            "service": service,
            "trace_id": f"{rng.getrandbits(128):032x}",
            "message": rng.choice(
                ["request served", "cache refreshed", "order accepted", "retrying upstream"]
            ),
        }
        roll = rng.random()
        if roll > maturity + 0.35:
            lines.append(f"2026-11-20 08:15:{second:02d} INFO {entry['message']}")
            continue
        if roll > maturity + 0.25:
            del entry["trace_id"]
        lines.append(json.dumps(entry))
    if maturity < 0.3:
        lines.append(
            json.dumps(
                {
                    "timestamp": "2026-11-20T08:16:00.000Z",
                    "level": "debug",
                    "service": service,
                    "trace_id": f"{rng.getrandbits(128):032x}",
                    "message": "login attempt user=li.wei password=hunter2",
                }
            )
        )
    return lines


def service_facts(rng: random.Random, name: str) -> dict[str, dict[str, Any]]:
    """The facts a service's pipelines reported; a missing kind was never reported."""
    maturity = rng.random()
    found: dict[str, dict[str, Any]] = {
        "coverage": {"percent": round(min(98.0, 35 + 65 * maturity + rng.uniform(-8, 8)), 1)},
        "tls": {"enabled": maturity > 0.12, "min_version": "1.2"},
        "authentication": {
            "enabled": maturity > 0.08,
            "method": rng.choice(["oidc", "oidc", "mtls"]),
        },
        "dependency-age": {"max_age_days": int(400 * (1 - maturity) + rng.randint(0, 30))},
        "secrets-scan": {
            "findings": 0 if maturity > 0.2 else rng.randint(1, 3),
            "tool": "gitleaks",
        },
        "lint": {
            "errors": 0 if maturity > 0.25 else rng.randint(1, 12),
            "warnings": int(40 * (1 - maturity)),
            "tool": "ruff",
        },
        "log-sample": {"lines": log_lines(rng, name, maturity)},
    }
    # Young services have not wired every pipeline step yet.
    if maturity < 0.15:
        for kind in ("log-sample", "dependency-age"):
            found.pop(kind)
    if maturity < 0.05:
        found.pop("coverage")
    return found


def seed_facts(
    session: Session, actor: Actor, rng: random.Random, services: list[tuple[int, str]]
) -> int:
    """Report facts for the curated services through the service (audited, as a pipeline
    would) and in bulk for generated ones; returns how many were stored."""
    stored = 0
    bulk: list[dict[str, Any]] = []
    now = utcnow()
    for index, (service_id, name) in enumerate(services):
        reported = service_facts(rng, name)
        if index < CURATED:
            for kind, value in reported.items():
                source = f"{CI}/{name}/{rng.randint(1000, 9999)}"
                facts.report_fact(
                    session, actor, FactReport(service=name, kind=kind, value=value, source=source)
                )
        else:
            reported.pop("log-sample", None)  # keeps the large database small
            bulk.extend(
                {
                    "service_id": service_id,
                    "kind": kind,
                    "value": value,
                    "source": CI,
                    "reported_at": now,
                    "reported_by": actor.username,
                }
                for kind, value in reported.items()
            )
        stored += len(reported)
    for start in range(0, len(bulk), 5000):
        session.execute(insert(ServiceFact), bulk[start : start + 5000])
    return stored


def assign_owners(session: Session, actor: Actor) -> None:
    teams = set(session.scalars(select(Team.name)))
    for standard in session.scalars(select(Standard).order_by(Standard.key)).all():
        candidates = OWNERS.get(standard.key, ()) + OWNERS["*"]
        owner = next((name for name in candidates if name in teams), None)
        if owner is not None:
            update = StandardUpdate(version=standard.version, owner=owner)
            registry.update_standard(session, actor, standard.key, update)


def create_standards(ctx: DemoContext) -> None:
    with ctx.db.session() as session:
        services = sorted(service_names(session).items())  # (id, name), by id
        ctx.expect(len(services) + 1)
        seed_builtin_standards(session, ctx.actor)
        assign_owners(session, ctx.actor)
        ctx.advance()
        seed_facts(session, ctx.actor, ctx.random, services)
        ctx.advance(len(services))


register_step("standards", create_standards, order=220)
