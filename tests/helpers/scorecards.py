"""Services with facts and rules to score: the scorecard tests' shared world."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.helpers import Account
from tmse.catalog.models import System
from tmse.core.db import Database, utcnow
from tmse.core.identity.models import Team
from tmse.standards.registry.models import Standard, StandardVersion

RULES = {
    # docs: owner (bronze, error 3), description ≥ 10 chars (silver, warning 2),
    # repository (gold, info 1); ops: runtime recorded (gold, error 3).
    "docs": [
        {"key": "has-owner", "check": "owner", "severity": "error", "level": "bronze"},
        {
            "key": "described",
            "check": "description",
            "params": {"min_length": 10},
            "severity": "warning",
            "level": "silver",
            "fix_hint": "Write what the service does.",
        },
        {"key": "has-repo", "check": "repository", "severity": "info", "level": "gold"},
    ],
    "ops": [{"key": "runtime-recorded", "check": "runtime", "severity": "error", "level": "gold"}],
}


LONG = "Takes payments and refunds them."


# name, team, system, description, repository, runtime recorded
SERVICES = [
    ("svc-a", "Alpha", "shop", LONG, "https://git.example/a", True),  # gold, 100
    ("svc-b", "Alpha", "shop", LONG, None, False),  # silver, 5/9 = 55.6
    ("svc-c", "Beta", None, "short", None, True),  # bronze, 6/9 = 66.7
]


def seed(client: TestClient, admin: Account, db: Database) -> None:
    """Two teams, the services of SERVICES with their facts, and the rules of RULES."""
    for team in ("Alpha", "Beta"):
        client.post("/api/v1/teams", json={"name": team}, headers=admin.headers)
    with db.session() as session:
        owner = session.scalar(select(Team.id).where(Team.name == "Alpha"))
        session.add(System(name="shop", owner_team_id=owner, extra={}))
        for key, rules in RULES.items():
            standard = Standard(key=key, name=key.title(), category="custom", current_version=1)
            session.add(standard)
            session.flush()
            session.add(
                StandardVersion(
                    standard_id=standard.id,
                    number=1,
                    rules=rules,
                    published_at=utcnow(),
                    published_by="test",
                )
            )
    for name, team, system, description, repository, runtime in SERVICES:
        body = {"name": name, "layer": "business", "owner": team, "description": description}
        if system:
            body["system"] = system
        if repository:
            body["repository"] = repository
        if runtime:
            body |= {"kubernetes_namespace": "shop", "kubernetes_workload": name}
        response = client.post("/api/v1/catalog/services", json=body, headers=admin.headers)
        assert response.status_code == 201, response.text
