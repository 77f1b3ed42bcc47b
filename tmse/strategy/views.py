"""HTML pages of strategy: goals and alignment, a goal's page and an initiative's page.
The forms live in view_forms.py; both call the same services and reads as the API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.errors import NotFound
from tmse.core.input_types import parse_int32
from tmse.core.links.models import LinkState, TraceLink
from tmse.core.pagination import ListParams
from tmse.core.permissions import READ, STRATEGY_WRITE
from tmse.requirements.models import Requirement
from tmse.strategy import (
    alignment_queries,
    chain,
    charts,
    initiatives,
    queries,
    service,
    view_forms,
)
from tmse.strategy.alignment_view import goal_node_out, orphan_page
from tmse.strategy.labels import labels
from tmse.strategy.models import INCLUDES, BusinessGoal, TechObjective
from tmse.web.forms import not_found_page, translator
from tmse.web.labels import N_
from tmse.web.page_context import saved_flash
from tmse.web.templating import NavItem, register_nav, render

router = APIRouter(include_in_schema=False)
router.include_router(view_forms.router)
Reader = Annotated[Actor, Depends(require(READ))]
ORPHANS_PER_PAGE = 10

register_nav(NavItem("strategy", N_("Goals"), "/strategy", READ, order=1, group="strategy"))


def _offset(value: str) -> int:
    return parse_int32(value) or 0


@router.get("/strategy")
def alignment_page(
    request: Request,
    session: DbSession,
    actor: Reader,
    saved: str = "",
    initiatives_offset: str = "",
    requirements_offset: str = "",
) -> Response:
    _ = translator(request)
    tree = alignment_queries.alignment(session)
    goals = [goal_node_out(g) for g in tree.goals]
    orphans = {
        kind: orphan_page(session, tree, kind, ListParams(limit=limit, offset=_offset(offset)))
        for kind, limit, offset in (
            ("objectives", 100, ""),  # few; shown whole
            ("initiatives", ORPHANS_PER_PAGE, initiatives_offset),
            ("requirements", ORPHANS_PER_PAGE, requirements_offset),
        )
    }
    totals = {
        "person_days": sum(g.totals.planned_person_days for g in goals),
        "initiatives": len({i.id for g in goals for o in g.objectives for i in o.initiatives}),
        "requirements": sum(g.totals.requirements.total for g in goals),
    }
    return render(
        request,
        "strategy/alignment.html",
        {
            "active": "strategy",
            "goals": goals,
            "owners": _goal_owners(session, [g.id for g in goals]),
            "orphans": orphans,
            "offsets": {
                "initiatives": _offset(initiatives_offset),
                "requirements": _offset(requirements_offset),
            },
            "totals": totals,
            "investment_chart": charts.investment_by_goal(goals, _) if goals else None,
            "sunburst_chart": charts.alignment_sunburst(goals, _)
            if totals["initiatives"]
            else None,
            "can_write": actor.can(STRATEGY_WRITE),
            "flashes": saved_flash(request, saved),
            "labels": labels(),
        },
    )


def _goal_owners(session: Session, goal_ids: list[int]) -> dict[int, str]:
    rows = session.execute(
        select(BusinessGoal.id, BusinessGoal.owner_id).where(BusinessGoal.id.in_(goal_ids))
    ).all()
    users = chain.owners(session, (owner_id for _, owner_id in rows))
    return {
        goal_id: users[owner_id].display_name or users[owner_id].username
        for goal_id, owner_id in rows
        if owner_id in users
    }


@router.get("/strategy/goals/{goal_id}")
def goal_page(
    request: Request, session: DbSession, actor: Reader, goal_id: int, saved: str = ""
) -> Response:
    _ = translator(request)
    try:
        goal = queries.goals_out(session, [service.get_goal(session, goal_id)])[0]
    except NotFound:
        return not_found_page(request, N_("This goal does not exist."))
    tree = alignment_queries.alignment(session)
    node = next(goal_node_out(g) for g in tree.goals if g.row.id == goal_id)
    objective_ids = [o.id for o in node.objectives]
    objectives = queries.objectives_out(
        session,
        list(session.scalars(select(TechObjective).where(TechObjective.id.in_(objective_ids)))),
    )
    by_id = {o.id: o for o in objectives}
    return render(
        request,
        "strategy/goal.html",
        {
            "active": "strategy",
            "goal": goal,
            "node": node,
            "objectives": {o.id: by_id[o.id] for o in node.objectives},
            "status_chart": charts.requirements_by_status(node.totals.requirements.by_status, _)
            if node.totals.requirements.total
            else None,
            "can_write": actor.can(STRATEGY_WRITE),
            "flashes": saved_flash(request, saved),
            "labels": labels(),
        },
    )


def requirements_of(
    session: Session, initiative_id: int, params: ListParams
) -> tuple[list[Any], int]:
    """A page of the requirements an initiative includes: id, title, status, link state."""
    stmt = (
        select(Requirement.id, Requirement.title, Requirement.status, TraceLink.state)
        .join(TraceLink, TraceLink.target_id == Requirement.id)
        .where(
            TraceLink.link_type == INCLUDES,
            TraceLink.source_type == "initiative",
            TraceLink.source_id == initiative_id,
            TraceLink.target_type == "requirement",
            TraceLink.state != LinkState.INVALID,
        )
    )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(
        stmt.order_by(Requirement.id).limit(params.limit).offset(params.offset)
    ).all()
    return list(rows), total


@router.get("/strategy/initiatives/{initiative_id}")
def initiative_page(
    request: Request,
    session: DbSession,
    actor: Reader,
    initiative_id: int,
    saved: str = "",
    offset: str = "",
) -> Response:
    try:
        initiative = queries.initiatives_out(
            session, [initiatives.get_initiative(session, initiative_id)]
        )[0]
    except NotFound:
        return not_found_page(request, N_("This initiative does not exist."))
    paging = ListParams(limit=50, offset=_offset(offset))
    rows, total = requirements_of(session, initiative_id, paging)
    objectives = queries.objectives_out(
        session,
        list(
            session.scalars(
                select(TechObjective).where(TechObjective.id.in_(initiative.objective_ids))
            )
        ),
    )
    goal_ids = sorted({g for o in objectives for g in o.goal_ids})
    goals = list(session.scalars(select(BusinessGoal).where(BusinessGoal.id.in_(goal_ids))))
    return render(
        request,
        "strategy/initiative.html",
        {
            "active": "strategy",
            "initiative": initiative,
            "objectives": objectives,
            "goals": goals,
            "page": {"items": rows, "total": total, "limit": paging.limit, "offset": paging.offset},
            "base_url": f"/strategy/initiatives/{initiative_id}?",
            "can_write": actor.can(STRATEGY_WRITE),
            "flashes": saved_flash(request, saved),
            "errors": {},
            "values": {},
            "labels": labels(),
        },
    )
