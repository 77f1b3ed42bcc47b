"""Demo step: the joint review history of the demo requirements (approvals, review requests,
the personas' notifications); runs after the requirements step (320)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from tmse.core import audit
from tmse.core.db import utcnow
from tmse.core.events import publish
from tmse.core.identity.models import User, UserRole
from tmse.core.permissions import Role
from tmse.demo.steps import DemoContext, register_step
from tmse.requirements.models import Requirement, RequirementStatus
from tmse.requirements.review.models import (
    Capacity,
    Decision,
    RequirementApproval,
    RequirementReviewRequest,
)
from tmse.requirements.review.service import APPROVED, REVIEW_REQUESTED

# Approved, in-progress and done requirements get both approvals; those in review get review
# requests (many to the sign-in personas `pm`, `architect` and `lead`) and, on some, the product
# approval; the personas find notifications waiting, so the bell shows a count.

DELIVERED = [RequirementStatus.APPROVED, RequirementStatus.IN_PROGRESS, RequirementStatus.DONE]
PERSONAS = {"pm": Role.PRODUCT_MANAGER, "architect": Role.ARCHITECT, "lead": Role.TECH_LEAD}
CHUNK = 5000


def _people(session: Session, roles: set[str]) -> list[int]:
    return list(
        session.scalars(
            select(User.id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role.in_(roles), User.is_active.is_(True))
            .distinct()
            .order_by(User.id)
        )
    )


def _personas(session: Session) -> dict[str, int]:
    rows = session.execute(select(User.username, User.id).where(User.username.in_(PERSONAS)))
    return {name: uid for name, uid in rows}


def _requirements(session: Session, statuses: list[RequirementStatus]) -> list[Any]:
    return list(
        session.execute(
            select(Requirement.id, Requirement.title, Requirement.product_manager_id)
            .where(Requirement.status.in_(statuses))
            .order_by(Requirement.id)
        )
    )


def _write(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    # Core inserts of the plain table: at the large size the ORM's bulk path dominates.
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(model.__table__), rows[start : start + CHUNK])


def _summarised(changes: list[audit.Change], large: bool) -> list[audit.Change]:
    """One entry per requirement; at the large size one per action, naming how many."""
    if not large:
        return changes
    counts: dict[str, int] = {}
    for change in changes:
        counts[change.action] = counts.get(change.action, 0) + 1
    return [audit.Change(a, "requirement", "demo", {"requirements": n}) for a, n in counts.items()]


def _tell(session: Session, event: str, rid: int, title: str, user_id: int) -> None:
    publish(session, event, requirement_id=rid, key=f"REQ-{rid}", title=title, involved=[user_id])


def create_review_history(ctx: DemoContext) -> None:
    pick = ctx.random
    with ctx.db.session() as session:
        products = _people(session, {Role.PRODUCT_MANAGER})
        technicals = _people(session, {Role.ARCHITECT, Role.TECH_LEAD})
        personas = _personas(session)
        delivered = _requirements(session, DELIVERED)
        in_review = _requirements(session, [RequirementStatus.IN_REVIEW])
    if not products or not technicals:
        return
    ctx.expect(3)
    now = utcnow()
    approvals: list[dict[str, Any]] = []
    changes: list[audit.Change] = []

    def approve(rid: int, user_id: int, capacity: Capacity, at: dt.datetime) -> None:
        approvals.append(
            {
                "requirement_id": rid,
                "user_id": user_id,
                "capacity": capacity,
                "decision": Decision.APPROVED,
                "comment": "",
                "at": at,
                "void_reason": "",
            }
        )
        changes.append(audit.Change("approve", "requirement", rid, {"capacity": capacity}))

    for rid, _title, pm_id in delivered:
        product = pm_id if pm_id in products else pick.choice(products)
        technical = pick.choice([t for t in technicals if t != product] or technicals)
        at = now - dt.timedelta(days=pick.randint(10, 120), hours=pick.randint(0, 23))
        approve(rid, product, Capacity.PRODUCT, at)
        approve(rid, technical, Capacity.TECHNICAL, at + dt.timedelta(hours=pick.randint(1, 48)))
    ctx.advance()

    requests: list[dict[str, Any]] = []
    asked: dict[int, list[tuple[int, str]]] = {}
    requester = personas.get("lead") or technicals[0]
    for index, (rid, title, pm_id) in enumerate(in_review):
        # Every other one goes to the personas, so signing in shows a queue.
        to_personas = index % 2 == 0 and "pm" in personas and "architect" in personas
        fallback = pm_id if pm_id in products else pick.choice(products)
        product = personas["pm"] if to_personas else fallback
        if index % 4 == 1 and "lead" in personas:
            technical = personas["lead"]
        elif to_personas:
            technical = personas["architect"]
        else:
            technical = pick.choice([t for t in technicals if t != product] or technicals)
        at = now - dt.timedelta(days=pick.randint(0, 14), hours=pick.randint(0, 23))
        for reviewer in dict.fromkeys([product, technical]):
            requests.append(
                {
                    "requirement_id": rid,
                    "reviewer_id": reviewer,
                    "requested_by_id": requester,
                    "requested_at": at,
                    "done": False,
                }
            )
            asked.setdefault(reviewer, []).append((rid, title))
        changes.append(
            audit.Change("request-review", "requirement", rid, {"reviewers": [product, technical]})
        )
        # On some, the product reviewer has approved already; the technical one is awaited.
        if index % 3 == 2:
            approve(rid, product, Capacity.PRODUCT, at + dt.timedelta(hours=2))
            requests[-2 if product != technical else -1]["done"] = True
    ctx.advance()

    with ctx.db.session() as session:
        _write(session, RequirementApproval, approvals)
        _write(session, RequirementReviewRequest, requests)
        audit.record_many(session, ctx.actor, _summarised(changes, ctx.large))
        for name, user_id in personas.items():
            # The personas' bells: published as the review would, so the subscribers word them.
            for rid, title in asked.get(user_id, [])[:6]:
                _tell(session, REVIEW_REQUESTED, rid, title, user_id)
            if delivered and name in ("pm", "architect"):
                rid, title, _ = delivered[0]
                _tell(session, APPROVED, rid, title, user_id)
    ctx.advance()


register_step("requirement-reviews", create_review_history, order=325)
