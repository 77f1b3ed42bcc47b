"""Requirements to baseline: two projects, approved and pending requirements, a derives link."""

from __future__ import annotations

from tests.helpers import SYSTEM
from tmse.core.db import Database
from tmse.core.links.service import create_link
from tmse.planning.models import Project
from tmse.requirements.models import Requirement


def seed_requirements(db: Database) -> tuple[int, int, int, int]:
    with db.session() as session:
        project = Project(key="PAY", name="Payments")
        other = Project(key="OPS", name="Operations")
        session.add_all([project, other])
        session.flush()
        a = Requirement(
            title="Refunds",
            project_id=project.id,
            status="approved",
            effort_days=5,
            custom={"area": "billing"},
        )
        b = Requirement(title="Chargebacks", project_id=project.id, status="approved")
        c = Requirement(title="Idea", project_id=project.id, status="pending")
        session.add_all([a, b, c, Requirement(title="Ops", project_id=other.id, status="approved")])
        session.flush()
        create_link(session, SYSTEM, f"requirement:{a.id}", f"requirement:{b.id}", "derives")
        return project.id, a.id, b.id, c.id
