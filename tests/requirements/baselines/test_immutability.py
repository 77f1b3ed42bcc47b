"""A signed baseline cannot be changed or deleted through the ORM, and no snapshot item ever can;
the questions other parts ask about baselines answer from signed baselines only."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

from tests.helpers import SYSTEM
from tmse.core.actor import Actor
from tmse.core.db import Database
from tmse.core.links.service import create_link
from tmse.planning.models import Project
from tmse.requirements.baselines import queries, service
from tmse.requirements.baselines.models import (
    Baseline,
    BaselineItem,
    BaselineStatus,
    ImmutableBaseline,
)
from tmse.requirements.baselines.schemas import BaselineCreate
from tmse.requirements.models import Requirement

SECRET = "instance-secret"


def test_signed_baseline_and_items_are_immutable(db: Database, make_account) -> None:  # type: ignore[no-untyped-def]
    pm = make_account("product_manager")
    approver = Actor(user_id=pm.id, username=pm.username, roles=frozenset({"product_manager"}))
    with db.session() as session:
        project = Project(key="PAY", name="Payments")
        session.add(project)
        session.flush()
        a = Requirement(title="Refunds", project_id=project.id, status="approved")
        b = Requirement(title="Chargebacks", project_id=project.id, status="approved")
        c = Requirement(title="Draft idea", project_id=project.id, status="pending")
        session.add_all([a, b, c])
        session.flush()
        create_link(session, SYSTEM, f"requirement:{a.id}", f"requirement:{b.id}", "derives")
        ids = (a.id, b.id, c.id)
        project_id = project.id
    with db.session() as session:
        draft = service.create_baseline(
            session,
            SYSTEM,
            BaselineCreate(
                name="Payments R1",
                approver=pm.username,
                project_id=project_id,
                statuses=["approved"],
            ),
        )
        baseline_id = draft.id
        assert draft.item_count == 2
        assert queries.latest_approved_baseline(session, project_id) is None
        assert queries.in_approved_baseline(session, ids[0]) is False
    with db.session() as session:
        items = queries.baseline_snapshot(session, baseline_id)
        assert [i.requirement_id for i in items] == [ids[0], ids[1]]
        assert items[0].fields["title"] == "Refunds"
        assert items[0].links == [
            {
                "direction": "out",
                "link_type": "derives",
                "type": "requirement",
                "id": ids[1],
                "state": "valid",
            }
        ]
        assert items[1].links[0]["direction"] == "in"
        # A draft's items never change either.
        item = session.scalars(select(BaselineItem)).first()
        assert item is not None
        item.fields = {"title": "forged"}
        with pytest.raises(ImmutableBaseline):
            session.flush()
        session.rollback()
    with db.session() as session:
        service.sign_baseline(session, approver, baseline_id, SECRET)
    with db.session() as session:
        baseline = session.get(Baseline, baseline_id)
        assert baseline is not None and baseline.status == BaselineStatus.APPROVED
        assert queries.in_approved_baseline(session, ids[0]) is True
        assert queries.in_approved_baseline(session, ids[2]) is False
        assert queries.approved_baseline_ids_for(session, ids[1]) == [baseline_id]
        latest = queries.latest_approved_baseline(session, project_id)
        assert latest is not None and latest.id == baseline_id
        assert service.verify_baseline(session, baseline_id, SECRET)["valid"] is True
        assert service.verify_baseline(session, baseline_id, "another")["valid"] is False
        baseline.description = "changed after signing"
        with pytest.raises(ImmutableBaseline):
            session.flush()
        session.rollback()
    with db.session() as session:
        baseline = session.get(Baseline, baseline_id)
        session.delete(baseline)
        with pytest.raises(ImmutableBaseline):
            session.flush()
        session.rollback()
    with db.session() as session:
        with pytest.raises(ImmutableBaseline):
            session.execute(update(Baseline).values(name="renamed"))
        session.rollback()
        with pytest.raises(ImmutableBaseline):
            session.execute(delete(BaselineItem))
        session.rollback()
    with db.session() as session:
        baseline = session.get(Baseline, baseline_id)
        assert baseline is not None
        assert (baseline.name, baseline.description) == ("Payments R1", "")
        assert session.scalar(select(BaselineItem.fields).limit(1))["title"] == "Refunds"
        assert service.verify_baseline(session, baseline_id, SECRET)["valid"] is True
