"""The delivery demo steps on a small organisation: four projects of both modes, iterations
filled from the projects' requirements with completions inside them, and the gates decided Go,
Hold, and left pending on a failing criterion."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from decimal import Decimal

from sqlalchemy import select

from tests.helpers import SYSTEM
from tmse.core.identity import service as identity
from tmse.core.identity.schemas import TeamCreate, UserCreate
from tmse.delivery import demo, gates, queries
from tmse.delivery.models import GateVote, Iteration, IterationItem, StageGate
from tmse.demo.steps import DemoContext
from tmse.planning.models import Project
from tmse.requirements.models import Requirement


def test_demo_projects_iterations_and_gates(db):
    with db.session() as session:
        identity.create_team(session, SYSTEM, TeamCreate(name="Payments / 支付"))
        for username, role in (("pm", "product_manager"), ("architect", "architect")):
            identity.create_user(session, SYSTEM, UserCreate(username=username, roles=[role]))
    ctx = DemoContext(db, random.Random(7), "small", SYSTEM, "pw")

    demo.create_projects(ctx)
    assert len(ctx.created["project"]) == 4
    assert len(ctx.created["release"]) >= 4 and len(ctx.created["milestone"]) >= 4
    with db.session() as session:
        projects = {p.key: p for p in session.scalars(select(Project))}
        modes = {
            key: s["mode"]
            for key, s in zip(
                projects, queries.summaries(session, list(projects.values())), strict=True
            )
        }
        assert modes == {"PAY": "hybrid", "CDP": "gated", "MOB": "iterative", "LEG": "hybrid"}
        assert projects["LEG"].status == "closed"
        assert projects["PAY"].team_id is not None
        # What the requirements step would add: every state in each project.
        for project in projects.values():
            for index, status in enumerate(
                ["done", "done", "done", "in-progress", "approved", "approved", "in-review"] * 2
            ):
                session.add(
                    Requirement(
                        title=f"{project.key} {index}",
                        project_id=project.id,
                        status=status,
                        moscow="must" if index % 3 == 0 else "should",
                        effort_days=Decimal(index % 5 + 1),
                        custom={},
                    )
                )

    demo.create_phase_data(ctx)
    today = dt.datetime.now(dt.UTC).date()
    with db.session() as session:
        rows = session.execute(
            select(IterationItem, Iteration).join(
                Iteration, Iteration.id == IterationItem.iteration_id
            )
        ).all()
        assert len(rows) > 20
        completed = [(item, sprint) for item, sprint in rows if item.completed_at is not None]
        assert completed
        for item, sprint in completed:
            assert sprint.start_on <= item.completed_at.date() <= sprint.end_on
            assert item.added_at <= item.completed_at
        assert any(item.added_at.date() > sprint.start_on for item, sprint in rows)  # scope added
        assert all(item.added_at.date() <= today for item, _ in rows)

        decided = Counter(session.scalars(select(GateVote.decision)))
        assert decided == Counter({"go": 2, "hold": 1})
        pending = session.scalars(select(StageGate).where(StageGate.status == "pending")).all()
        assert len(pending) == 1
        results = gates.evaluate(session, pending[0])
        assert any(not r.passed for r in results)
