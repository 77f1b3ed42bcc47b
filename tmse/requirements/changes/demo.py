"""Demo step "change-requests": three freeze windows and about a dozen change requests on
baselined requirements in every state, through the change control service."""

# One window is in force today on the release with the most baselined requirements, one past,
# one to come. Three submitted, non-emergency requests wait behind the freeze; one emergency was
# approved and applied during it. Only the submission and approval times are moved back
# afterwards, so lead times read like real ones.

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.db import utcnow, utctoday
from tmse.core.identity.models import User, UserRole
from tmse.core.links.models import TraceLink
from tmse.core.permissions import Role
from tmse.demo.steps import DemoContext, register_step
from tmse.planning import queries as planning
from tmse.planning import service as planning_service
from tmse.planning.queries import ReleaseShipping
from tmse.planning.schemas import FreezeWindowCreate
from tmse.requirements.baselines.models import Baseline, BaselineItem, BaselineStatus
from tmse.requirements.changes import board, service
from tmse.requirements.changes.schemas import ChangeRequestCreate, DecisionIn
from tmse.requirements.models import Requirement


@dataclass(frozen=True)
class Candidate:
    id: int
    project_id: int | None
    release_id: int | None
    product_manager_id: int | None
    effort: Decimal | None
    moscow: str | None
    title: str
    acceptance: str


def _actor(
    session: Session, user_id: int | None = None, username: str | None = None
) -> Actor | None:
    stmt = select(User)
    stmt = stmt.where(User.id == user_id) if user_id else stmt.where(User.username == username)
    user = session.scalar(stmt)
    return Actor(user.id, user.username, frozenset(user.role_names)) if user else None


def _first_with_role(session: Session, role: str, preferred: str) -> Actor | None:
    actor = _actor(session, username=preferred)
    if actor is not None and role in actor.roles:
        return actor
    user_id = session.scalar(
        select(UserRole.user_id).where(UserRole.role == role).order_by(UserRole.user_id).limit(1)
    )
    return _actor(session, user_id=user_id) if user_id else None


def _baselined(session: Session) -> list[Candidate]:
    """Requirements held by a signed baseline, as they are now."""
    held = (
        select(BaselineItem.requirement_id)
        .join(Baseline, Baseline.id == BaselineItem.baseline_id)
        .where(Baseline.status == BaselineStatus.APPROVED)
    )
    rows = session.execute(
        select(
            Requirement.id,
            Requirement.project_id,
            Requirement.release_id,
            Requirement.product_manager_id,
            Requirement.effort_days,
            Requirement.moscow,
            Requirement.title,
            Requirement.acceptance_criteria,
        )
        .where(Requirement.id.in_(held))
        .order_by(Requirement.id)
    )
    candidates = [Candidate(*row) for row in rows]
    # Those with the most trace links downstream first: their impact analyses show the most.
    fan_out = dict(
        session.execute(
            select(TraceLink.source_id, func.count())
            .where(TraceLink.source_type == "requirement", TraceLink.link_type != "duplicates")
            .group_by(TraceLink.source_id)
        ).all()
    )
    candidates.sort(key=lambda c: (-fan_out.get(c.id, 0), c.id))
    return candidates


def _freeze_windows(
    ctx: DemoContext, session: Session, frozen: ReleaseShipping, others: list[ReleaseShipping]
) -> None:
    today = utctoday()
    windows = [
        FreezeWindowCreate(
            name=f"{frozen.name} year-end freeze / 年末封版",
            release_id=frozen.id,
            starts_on=today - dt.timedelta(days=5),
            ends_on=today + dt.timedelta(days=10),
            reason="year-end freeze / 年末封版",
        )
    ]
    past_project = next((r.project_id for r in others if r.project_id != frozen.project_id), None)
    windows.append(
        FreezeWindowCreate(
            name="Mid-year sales freeze / 618 大促封网",
            project_id=past_project or frozen.project_id,
            starts_on=today - dt.timedelta(days=70),
            ends_on=today - dt.timedelta(days=56),
            reason="618 shopping festival / 618 大促",
        )
    )
    upcoming = next((r for r in others if r.released_on is None), None)
    windows.append(
        FreezeWindowCreate(
            name="Spring festival freeze / 春节封网",
            release_id=upcoming.id if upcoming else None,
            project_id=None if upcoming else frozen.project_id,
            starts_on=today + dt.timedelta(days=40),
            ends_on=today + dt.timedelta(days=52),
            reason="Spring festival / 春节保障",
        )
    )
    for data in windows:
        window = planning_service.create_freeze_window(session, ctx.actor, data)
        ctx.remember("freeze_window", window.id, window.name)


def _effort(candidate: Candidate, delta: int) -> float:
    current = float(candidate.effort or 0)
    proposed = max(current + delta, 1.0)
    return proposed if proposed != current else current + 1


def _proposal(candidate: Candidate, kind: str) -> dict[str, Any]:
    if kind == "effort-up":
        return {"effort_days": _effort(candidate, 4)}
    if kind == "effort-down":
        return {"effort_days": _effort(candidate, -2)}
    if kind == "moscow":
        return {"moscow": "should" if candidate.moscow == "must" else "must"}
    if kind == "criteria":
        extra = "Also: works offline for 24 hours / 另：离线可用 24 小时。"
        return {"acceptance_criteria": f"{candidate.acceptance}\n{extra}".strip()}
    return {"title": f"{candidate.title[:250]} (v2)"}


# (proposal, reason, emergency, where it ends, hours before now it was submitted, then approved)
FROZEN_PLAN: list[tuple[Any, ...]] = [
    ("effort-up", "Bank partner asks for 6-month instalments / 银行合作方要求支持 6 期分期", False,
     "submitted", 30, None),
    ("criteria", "Auditors need an offline receipt / 审计要求离线凭证", False, "submitted",
     20, None),
    ("moscow", "Regulator deadline moved forward / 监管截止日期提前", False, "submitted", 6, None),
    ("effort-down", "Payment outage: disable the failing path / 支付故障：关闭出错路径", True,
     "applied", 9, 7),
]  # fmt: skip
OPEN_PLAN: list[tuple[Any, ...]] = [
    ("effort-up", "Scope grew after the design review / 设计评审后范围扩大", False, "draft",
     None, None),
    ("title", "Clearer wording for the release notes / 发布说明措辞更清晰", False, "submitted",
     26, None),
    ("effort-up", "Load test found a hot path / 压测发现热点路径", False, "committee", 50, None),
    ("criteria", "Customer service needs refunds visible / 客服需要看到退款", False, "applied",
     74, 28),
    ("effort-down", "Reuse the shared component / 复用公共组件", False, "applied", 120, 96),
    ("moscow", "Nice to have, not needed for launch / 锦上添花，非上线必需", False, "rejected",
     40, None),
    ("title", "Superseded by a new requirement / 已被新需求取代", False, "withdrawn", 60, None),
]  # fmt: skip


def _walk(
    ctx: DemoContext,
    session: Session,
    people: dict[str, Actor],
    candidate: Candidate,
    plan: tuple[Any, ...],
) -> None:
    kind, reason, emergency, end, submitted_hours, approved_hours = plan
    requester = people["requester"]
    committee = people["committee"]
    manager = (
        _actor(session, user_id=candidate.product_manager_id)
        if candidate.product_manager_id
        else people["pm"]
    ) or people["pm"]
    change_request = service.create_change_request(
        session,
        requester,
        ChangeRequestCreate(
            requirement_id=candidate.id,
            changes=_proposal(candidate, kind),
            reason=reason,
            emergency=emergency,
            submit=end != "draft",
        ),
    )
    cr_id = change_request.id
    if end in ("committee", "applied"):
        approve = "Impact reviewed; fine. / 已评估影响，同意。"
        board.decide(session, committee, cr_id, DecisionIn(decision="approve", comment=approve))
    if end == "applied":
        agreed = "Agreed with the business. / 已与业务确认。"
        board.decide(session, manager, cr_id, DecisionIn(decision="approve", comment=agreed))
    elif end == "rejected":
        keep = "Keep the agreed scope. / 保持既定范围。"
        board.decide(session, manager, cr_id, DecisionIn(decision="reject", comment=keep))
    elif end == "withdrawn":
        service.withdraw_change_request(session, requester, cr_id, change_request.version)
    now = utcnow()
    if submitted_hours is not None:
        change_request.submitted_at = now - dt.timedelta(hours=submitted_hours)
        change_request.created_at = change_request.submitted_at - dt.timedelta(hours=1)
    if approved_hours is not None:
        change_request.approved_at = now - dt.timedelta(hours=approved_hours)
        change_request.applied_at = change_request.approved_at
    session.flush()
    ctx.remember("change_request", cr_id)


def create_change_requests(ctx: DemoContext) -> None:
    with ctx.db.session() as session:
        committee = _first_with_role(session, Role.COMMITTEE, "cto")
        pm = _first_with_role(session, Role.PRODUCT_MANAGER, "pm")
        requester = _first_with_role(session, Role.TECH_LEAD, "lead") or ctx.actor
        candidates = _baselined(session)
        if committee is None or pm is None or not candidates:
            return
        by_release: dict[int, list[Candidate]] = {}
        for c in candidates:
            if c.release_id is not None:
                by_release.setdefault(c.release_id, []).append(c)
        if not by_release:
            return
        releases = planning.releases_shipping(session)
        unreleased = {r.id for r in releases if r.released_on is None}
        # A release still to ship, with the most baselined requirements: it is the one frozen.
        frozen_id = max(by_release, key=lambda r: (r in unreleased, len(by_release[r]), -r))
        frozen = next(r for r in releases if r.id == frozen_id)
        others = [r for r in releases if r.id != frozen_id]
        _freeze_windows(ctx, session, frozen, others)
    people = {"committee": committee, "pm": pm, "requester": requester}
    in_freeze = [c for c in by_release[frozen_id] if c.product_manager_id != committee.user_id]
    outside = [
        c
        for c in candidates
        if c.release_id != frozen_id and c.product_manager_id != committee.user_id
    ]
    # The pm persona's own requirements first, so their queue shows the board at work.
    outside.sort(key=lambda c: c.product_manager_id != pm.user_id)
    work = list(zip(in_freeze, FROZEN_PLAN, strict=False))
    work += list(zip(outside, OPEN_PLAN, strict=False))
    ctx.expect(len(work))
    for candidate, plan in work:
        with ctx.db.session() as session:
            _walk(ctx, session, people, candidate, plan)
        ctx.advance()


register_step("change-requests", create_change_requests, order=350)
