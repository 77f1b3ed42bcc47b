"""Demo steps of delivery: the projects of demo_plans.py with their phases and sprints (310), then
sprints filled with requirements and gates decided (360), all through the services."""

# "delivery" (310, before the requirements): four projects — a hybrid payments upgrade, a
# stage-gated customer data platform, an iterative mobile redesign and a closed retirement
# project — with releases, milestones, phases and iterations, dated around today.
# "delivery-phases" (360, after requirements and baselines): the iterations filled with the
# projects' requirements (some added after the start), completion dates inside the iterations
# for the done ones, and the gates: one Go, one Hold, and one pending on a failing criterion.

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.db import utcnow
from tmse.core.identity.models import Team, User
from tmse.delivery import gate_criteria, gates, iterations, phases
from tmse.delivery.demo_plans import PLANS
from tmse.delivery.models import GateDecision, Iteration, Phase, PhaseKind
from tmse.delivery.schemas import (
    DecisionIn,
    GateCreate,
    IterationCreate,
    PhaseCreate,
)
from tmse.demo.steps import DemoContext, register_step
from tmse.planning import queries as planning_queries
from tmse.planning import service as planning
from tmse.planning.models import Project
from tmse.planning.schemas import MilestoneCreate, ProjectCreate, ReleaseCreate
from tmse.requirements import queries as requirement_queries
from tmse.requirements.baselines import queries as baseline_queries
from tmse.requirements.enums import RequirementStatus

SPRINT_DAYS = 14
# Requirements a sprint takes of each kind (done, started).
SPRINT_LOAD = 5


def _user_id(session: Session, username: str) -> int | None:
    return session.scalar(select(User.id).where(User.username == username))


def _actor(session: Session, username: str) -> Actor | None:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        return None
    return Actor(user.id, user.username, frozenset(user.role_names))


def create_projects(ctx: DemoContext) -> None:
    today = utcnow().date()

    def day(offset: int | None) -> dt.date | None:
        return today + dt.timedelta(days=offset) if offset is not None else None

    ctx.expect(len(PLANS))
    for plan in PLANS:
        with ctx.db.session() as session:
            team_id = session.scalar(select(Team.id).where(Team.name == plan.team))
            project = planning.create_project(
                session,
                ctx.actor,
                ProjectCreate(
                    key=plan.key,
                    name=plan.name,
                    description=plan.description,
                    owner_id=_user_id(session, plan.owner),
                    team_id=team_id,
                    status=plan.status,
                    start_on=day(plan.start),
                    end_on=day(plan.end),
                ),
            )
            ctx.remember("project", project.id, plan.key)
            for name, planned, released in plan.releases:
                release = planning.create_release(
                    session,
                    ctx.actor,
                    project.id,
                    ReleaseCreate(name=name, planned_on=day(planned), released_on=day(released)),
                )
                ctx.remember("release", release.id, name)
            for name, due, reached in plan.milestones:
                milestone = planning.create_milestone(
                    session,
                    ctx.actor,
                    project.id,
                    MilestoneCreate(name=name, due_on=day(due), reached_on=day(reached)),
                )
                ctx.remember("milestone", milestone.id, name)
            number = 0
            for phase_plan in plan.phases:
                phase = phases.create_phase(
                    session,
                    ctx.actor,
                    project.id,
                    PhaseCreate(
                        name=phase_plan.name,
                        kind=phase_plan.kind,
                        start_on=day(phase_plan.start),
                        end_on=day(phase_plan.end),
                    ),
                )
                ctx.remember("phase", phase.id, f"{plan.key}/{phase_plan.name}")
                start = phase.start_on
                for _ in range(phase_plan.sprints):
                    number += 1
                    end = min(start + dt.timedelta(days=SPRINT_DAYS - 1), phase.end_on)
                    iteration = iterations.create_iteration(
                        session,
                        ctx.actor,
                        phase.id,
                        IterationCreate(
                            name=f"Sprint {number}",
                            start_on=start,
                            end_on=end,
                            goal="",
                        ),
                    )
                    ctx.remember("iteration", iteration.id)
                    start = end + dt.timedelta(days=1)
                    if start > phase.end_on:
                        break
        ctx.advance()


# --- step 360: items, completion, gates ----------------------------------------------------


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


def _fill_iterations(ctx: DemoContext, session: Session, project: Project) -> None:
    """Done requirements spread over finished sprints (completed inside them), in-flight ones in
    the running sprint, approved ones planned for the next; about one in five added late."""
    today = utcnow().date()
    sprints = iterations.project_iterations(session, project.id)
    if not sprints:
        return
    by_status: dict[str, list[int]] = {}
    for requirement in requirement_queries.project_requirement_facts(session, project.id):
        by_status.setdefault(requirement.status, []).append(requirement.id)
    finished = [s for s in sprints if s.end_on < today]
    running = [s for s in sprints if s.start_on <= today <= s.end_on]
    upcoming = [s for s in sprints if s.start_on > today]
    done = by_status.get(RequirementStatus.DONE, [])
    in_progress = by_status.get(RequirementStatus.IN_PROGRESS, [])
    approved = by_status.get(RequirementStatus.APPROVED, [])
    plan: list[tuple[Iteration, int, bool]] = []
    recent_first = finished[::-1]
    ahead = running + upcoming
    # At most a sprint's worth each, so a large backlog still makes believable sprints.
    for index, rid in enumerate(done[: SPRINT_LOAD * len(recent_first)]):
        plan.append((recent_first[index % len(recent_first)], rid, True))
    for index, rid in enumerate(in_progress[: SPRINT_LOAD * len(ahead)]):
        plan.append((ahead[index // SPRINT_LOAD], rid, False))
        if index % 2 == 0 and index // 2 < len(recent_first):
            # Started in an earlier sprint, not finished there: carried over.
            plan.append((recent_first[index // 2], rid, False))
    later = upcoming or running
    for index, rid in enumerate(approved[: 2 * (len(finished) + len(later))]):
        # Every other approved one was planned in a past sprint and not finished (carried over).
        pool = finished if index % 2 == 0 and finished else later
        if pool:
            plan.append((pool[index // 2 % len(pool)], rid, False))
    for sprint, rid, completes in plan:
        late = ctx.random.random() < 0.2 and sprint.start_on < today
        offset = ctx.random.randint(1, max(1, min(6, (sprint.end_on - sprint.start_on).days)))
        added_on = sprint.start_on + dt.timedelta(days=offset) if late else sprint.start_on
        added_on = min(added_on, today)
        item = iterations.add_item(session, ctx.actor, sprint.id, rid, at=_at(added_on, 9))
        if completes:
            # The demo's history: done some day inside the sprint, after it was added.
            span = max(0, (sprint.end_on - added_on).days)
            item.completed_at = _at(added_on + dt.timedelta(days=ctx.random.randint(0, span)), 17)
    session.flush()


def _approvers(session: Session, names: tuple[str, ...]) -> list[Actor]:
    return [a for a in (_actor(session, n) for n in names) if a is not None]


def _baseline_of(session: Session, project_id: int) -> int | None:
    baseline = baseline_queries.latest_signed_baseline(session, project_id)
    return baseline.id if baseline is not None else None


ALL_CRITERIA = (
    "all-must-approved",
    "baseline-exists",
    "architecture-reviews-passed",
    "no-open-change-requests",
)


def _gate(
    session: Session,
    ctx: DemoContext,
    phase: Phase,
    name: str,
    approvers: list[Actor],
    criteria: list[str],
) -> Any:
    gate = gates.create_gate(
        session,
        ctx.actor,
        phase.id,
        GateCreate(
            name=name,
            criteria=[{"key": key} for key in criteria],
            required_baseline_id=_baseline_of(session, phase.project_id),
            approver_ids=[a.user_id for a in approvers if a.user_id is not None],
        ),
    )
    ctx.remember("gate", gate.id, name)
    return gate


def _passing(session: Session, project: Project, phase: Phase) -> list[str]:
    """The criteria that pass now, so the demo's Go is an honest one."""
    results = gate_criteria.evaluate_criteria(
        session, project, phase, [{"key": key} for key in ALL_CRITERIA]
    )
    return [r.key for r in results if r.passed]


def create_phase_data(ctx: DemoContext) -> None:
    with ctx.db.session() as session:
        project_ids = [project.id for project in planning_queries.projects(session)]
    ctx.expect(len(project_ids))
    for project_id in project_ids:
        with ctx.db.session() as session:
            project = planning.get_project(session, project_id)
            _fill_iterations(ctx, session, project)
            _decide_gates(ctx, session, project)
        ctx.advance()


def _decide_gates(ctx: DemoContext, session: Session, project: Project) -> None:
    gated = [
        p
        for p in session.scalars(
            select(Phase).where(Phase.project_id == project.id).order_by(Phase.position)
        )
        if p.kind == PhaseKind.GATED
    ]
    board = _approvers(session, ("pm", "architect", "cto"))
    if not gated or not board:
        return
    pm, deciders = board[0], board
    if project.key == "PAY":
        # Pending, and blocked: the launch needs every criterion, some still fail.
        _gate(session, ctx, gated[0], "上线评审 / Launch readiness", deciders, list(ALL_CRITERIA))
    elif project.key == "CDP":
        concept, design = gated[0], gated[1]
        passing = _passing(session, project, concept)
        go = _gate(session, ctx, concept, "立项评审 / Concept review", deciders, passing)
        gates.decide(
            session,
            pm,
            go.id,
            DecisionIn(
                version=go.version,
                decision=GateDecision.GO,
                note="Business case accepted; design may start. 商业论证通过，进入方案设计。",
            ),
        )
        hold = _gate(session, ctx, design, "方案评审 / Design review", deciders, list(ALL_CRITERIA))
        gates.decide(
            session,
            pm,
            hold.id,
            DecisionIn(
                version=hold.version,
                decision=GateDecision.HOLD,
                note="Wait for the data-privacy review of the profile store. 等待隐私合规评审。",
            ),
        )
    elif project.key == "LEG":
        passing = _passing(session, project, gated[0])
        gate = _gate(session, ctx, gated[0], "下线评审 / Switch-off review", deciders, passing)
        gates.decide(
            session,
            pm,
            gate.id,
            DecisionIn(
                version=gate.version,
                decision=GateDecision.GO,
                note="No traffic left on the old system for 30 days. 旧系统 30 天无流量。",
            ),
        )
    session.flush()


register_step("delivery", create_projects, order=310)
register_step("delivery-phases", create_phase_data, order=360)
