"""Helpers for the web page tests: seeding the organisation and posting forms like a browser."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from tests.helpers import SYSTEM
from tmse.core.audit import AuditEntry
from tmse.core.db import Database
from tmse.core.identity import service
from tmse.core.identity.models import Membership
from tmse.core.identity.schemas import TeamCreate


def post_form(client: TestClient, url: str, data: dict[str, Any]) -> Response:
    """POST urlencoded form data with the CSRF cookie echoed, as the pages' forms do."""
    response: Response = client.post(
        url,
        data={**data, "csrf_token": client.cookies.get("tmse_csrf", "")},
        follow_redirects=False,
    )
    return response


def seed_org(db: Database) -> dict[str, int]:
    """Acme (company) → Platform (department) → API Gateway, Build (teams); ids by short name."""
    with db.session() as session:
        acme = service.create_team(session, SYSTEM, TeamCreate(name="Acme", kind="company"))
        platform = service.create_team(
            session, SYSTEM, TeamCreate(name="Platform", kind="department", parent_id=acme.id)
        )
        gateway = service.create_team(
            session,
            SYSTEM,
            TeamCreate(
                name="API Gateway", kind="team", parent_id=platform.id, description="Edge routing"
            ),
        )
        build = service.create_team(
            session, SYSTEM, TeamCreate(name="Build", kind="team", parent_id=platform.id)
        )
        return {"acme": acme.id, "platform": platform.id, "gateway": gateway.id, "build": build.id}


def join(db: Database, user_id: int, team_id: int, lead: bool = False) -> None:
    with db.session() as session:
        session.add(Membership(user_id=user_id, team_id=team_id, is_lead=lead))


def audit_entries(db: Database, entity_type: str, action: str) -> list[AuditEntry]:
    with db.session() as session:
        return list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.entity_type == entity_type, AuditEntry.action == action)
                .order_by(AuditEntry.id)
            )
        )
