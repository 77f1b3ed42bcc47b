"""A small organisation and catalog for the architecture review tests.

Acme → Platform (department) → Web, Orders (teams); Acme → Retail (department) → Shops (team).
Services: web-shop (frontend, Web) → api-gateway (gateway) → orders (business, Orders) →
payments (business); data store orders-db; API orders-api provided by orders.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.helpers import SYSTEM, Account
from tests.helpers.pages import join
from tmse.catalog import service as catalog
from tmse.catalog.models import Api, DataStore
from tmse.catalog.schemas import DependencyCreate, ServiceCreate
from tmse.core.db import Database
from tmse.core.identity import service as identity
from tmse.core.identity.schemas import TeamCreate


@dataclass
class World:
    architect: Account  # in Platform
    other_architect: Account  # in Retail
    engineer: Account
    tech_lead: Account
    committee: Account
    teams: dict[str, int]


def seed_world(db: Database, make_account) -> World:  # type: ignore[no-untyped-def]
    with db.session() as session:
        acme = identity.create_team(session, SYSTEM, TeamCreate(name="Acme", kind="company"))
        teams = {"Acme": acme.id}
        for department, children in (("Platform", ("Web", "Orders")), ("Retail", ("Shops",))):
            unit = identity.create_team(
                session, SYSTEM, TeamCreate(name=department, kind="department", parent_id=acme.id)
            )
            teams[department] = unit.id
            for child in children:
                team = identity.create_team(
                    session, SYSTEM, TeamCreate(name=child, kind="team", parent_id=unit.id)
                )
                teams[child] = team.id
        for name, layer, owner in (
            ("web-shop", "frontend", "Web"),
            ("api-gateway", "gateway", "Web"),
            ("orders", "business", "Orders"),
            ("payments", "business", "Orders"),
        ):
            catalog.create_service(
                session, SYSTEM, ServiceCreate(name=name, layer=layer, owner=owner)
            )
        for source, target in (
            ("web-shop", "api-gateway"),
            ("api-gateway", "orders"),
            ("orders", "payments"),
        ):
            catalog.create_dependency(
                session, SYSTEM, DependencyCreate(source=source, target=target)
            )
        orders = catalog.get_service(session, "orders")
        session.add(DataStore(name="orders-db", engine="postgresql", owner_team_id=teams["Orders"]))
        session.add(
            Api(name="orders-api", owner_team_id=teams["Orders"], provider_service_id=orders.id)
        )
    architect = make_account("architect", username="ada")
    other = make_account("architect", username="grace")
    join(db, architect.id, teams["Web"])
    join(db, other.id, teams["Shops"])
    engineer = make_account("engineer", username="eve")
    join(db, engineer.id, teams["Web"])
    return World(
        architect=architect,
        other_architect=other,
        engineer=engineer,
        tech_lead=make_account("tech_lead", username="tess"),
        committee=make_account("committee", username="carl"),
        teams=teams,
    )


def new_service_request(**overrides: object) -> dict[str, object]:
    """A frontend service proposing to read a data store directly (skips two layers)."""
    body: dict[str, object] = {
        "title": "Storefront for the spring campaign",
        "kind": "new-service",
        "proposal": {
            "name": "storefront",
            "layer": "frontend",
            "owner": "Web",
            "dependencies": [
                {"target": "orders-db", "kind": "data-store", "protocol": "sql"},
                {"target": "api-gateway", "kind": "service"},
            ],
        },
        "description": "A new storefront.",
    }
    body.update(overrides)
    return body
