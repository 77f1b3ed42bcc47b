"""The demo step of joint review, on a small hand-made organisation: both approvals for what is
approved or further, review requests (many to the personas) for what is in review, and
notifications waiting for the personas."""

from __future__ import annotations

import random
from collections import Counter

from sqlalchemy import select

from tests.helpers import SYSTEM
from tmse.core.actor import Actor
from tmse.core.identity import service
from tmse.core.identity.schemas import UserCreate
from tmse.core.notifications.models import Notification
from tmse.core.pagination import ListParams
from tmse.demo.steps import DemoContext
from tmse.requirements.models import Requirement
from tmse.requirements.review import queries as review
from tmse.requirements.review.demo import create_review_history
from tmse.requirements.review.models import RequirementApproval, RequirementReviewRequest

PEOPLE = {
    "pm": ["product_manager"],
    "architect": ["architect"],
    "lead": ["tech_lead"],
    "pm2": ["product_manager"],
    "arch2": ["architect"],
}
STATUSES = ["pending", "accepted", "in-review", "approved", "in-progress", "done"]


def test_demo_review_history(db):
    with db.session() as session:
        ids = {
            name: service.create_user(session, SYSTEM, UserCreate(username=name, roles=roles)).id
            for name, roles in PEOPLE.items()
        }  # type: ignore[arg-type]
        for number in range(24):
            status = STATUSES[number % len(STATUSES)]
            session.add(Requirement(title=f"R{number}", status=status, custom={}))
    ctx = DemoContext(db=db, random=random.Random(3), size="small", actor=SYSTEM, password="x")
    create_review_history(ctx)

    with db.session() as session:
        requirements = {r.id: r for r in session.scalars(select(Requirement))}
        approvals = session.scalars(select(RequirementApproval)).all()
        by_requirement: dict[int, set[str]] = {}
        for approval in approvals:
            by_requirement.setdefault(approval.requirement_id, set()).add(approval.capacity)
            assert approval.decision == "approved" and approval.voided_at is None
        for rid, requirement in requirements.items():
            if requirement.status in ("approved", "in-progress", "done"):
                assert by_requirement[rid] == {"product", "technical"}, requirement.status
                people = [a.user_id for a in approvals if a.requirement_id == rid]
                assert len(set(people)) == 2  # two different people
            elif requirement.status == "in-review":
                assert by_requirement.get(rid, set()) <= {"product"}
            else:
                assert rid not in by_requirement
        in_review = [r for r in requirements.values() if r.status == "in-review"]
        assert len(in_review) == 4
        assert {a.requirement_id for a in approvals if a.capacity == "product"} & {
            r.id for r in in_review
        }  # some have the product approval
        requests = session.scalars(select(RequirementReviewRequest)).all()
        assert {r.requirement_id for r in requests} == {r.id for r in in_review}
        assert Counter(r.reviewer_id for r in requests)[ids["pm"]] >= 2
        # The personas have a queue and unread notifications.
        architect = Actor(ids["architect"], "architect", frozenset({"architect"}))
        queue, total = review.review_queue(session, architect, ListParams())
        assert total >= 1 and all(row["status"] == "in-review" for row in queue)
        unread = session.scalars(
            select(Notification.user_id).where(Notification.read_at.is_(None))
        ).all()
        assert ids["pm"] in unread and ids["architect"] in unread
        # A requirement not in review stays out of every queue.
        assert not {row["id"] for row in queue} - {r.id for r in in_review}
