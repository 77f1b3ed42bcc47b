"""The demo step: per project, a signed baseline of its approved requirements (signed by the `pm`
persona, the signature valid under the instance key) and a draft of its wider scope."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from tests.helpers import SYSTEM
from tmse.core.db import Database
from tmse.demo.steps import DemoContext
from tmse.planning.models import Project
from tmse.requirements.baselines import queries, service
from tmse.requirements.baselines.demo import create_baselines
from tmse.requirements.baselines.models import Baseline
from tmse.requirements.models import Requirement


def test_demo_step_signs_one_baseline_and_drafts_another_per_project(
    db: Database, make_account, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TMSE_SECRET_KEY", "demo-key")
    make_account("product_manager", username="anna")
    make_account("product_manager", username="pm")
    with db.session() as session:
        pay, ops, empty = (
            Project(key=k, name=n)
            for k, n in (("PAY", "Payments"), ("OPS", "Ops"), ("NIL", "Nothing"))
        )
        session.add_all([pay, ops, empty])
        session.flush()
        session.add_all(
            [
                Requirement(title="a", project_id=pay.id, status="approved"),
                Requirement(title="b", project_id=pay.id, status="approved"),
                Requirement(title="c", project_id=pay.id, status="accepted"),
                Requirement(title="d", project_id=pay.id, status="pending"),
                Requirement(title="e", project_id=ops.id, status="in-progress"),
            ]
        )
    ctx = DemoContext(db=db, random=random.Random(7), size="small", actor=SYSTEM, password="x")
    create_baselines(ctx)
    with db.session() as session:
        rows = session.scalars(select(Baseline).order_by(Baseline.id)).all()
        summary = [(b.name, b.status, b.item_count) for b in rows]
        assert summary == [
            ("PAY BL-1 · Payments", "approved", 2),
            ("PAY BL-2 · Payments", "draft", 3),
            ("OPS BL-2 · Ops", "draft", 1),
        ]
        names = queries.usernames(session, [b.approver_id for b in rows] + [rows[0].created_by_id])
        assert names[rows[0].approver_id] == "pm" and names[rows[0].created_by_id] == "anna"
        assert service.verify_baseline(session, rows[0].id, "demo-key")["valid"] is True
