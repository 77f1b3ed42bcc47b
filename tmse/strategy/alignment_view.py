"""The alignment as the API and the pages show it: the pure tree turned into response models,
with the orphan lists paged."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tmse.core.pagination import ListParams, Page
from tmse.strategy import alignment_queries
from tmse.strategy.alignment import Alignment, GoalNode, RequirementCounts
from tmse.strategy.models import Initiative, TechObjective
from tmse.strategy.schemas import (
    AlignmentOut,
    GoalNodeOut,
    GoalTotalsOut,
    InitiativeNodeOut,
    KeyResultNodeOut,
    ObjectiveNodeOut,
    OrphanEntity,
    OrphansOut,
    RequirementCountsOut,
)


def _counts(counts: RequirementCounts) -> RequirementCountsOut:
    return RequirementCountsOut(total=counts.total, by_status=counts.by_status)


def goal_node_out(node: GoalNode) -> GoalNodeOut:
    goal = node.row
    return GoalNodeOut(
        id=goal.id,
        name=goal.name,
        status=goal.status,
        metric=goal.metric,
        unit=goal.unit,
        baseline_value=goal.baseline_value,
        target_value=goal.target_value,
        current_value=goal.current_value,
        progress=node.progress,
        objectives_progress=node.objectives_progress,
        objectives=[
            ObjectiveNodeOut(
                id=o.row.id,
                name=o.row.name,
                status=o.row.status,
                progress=o.progress,
                key_results=[
                    KeyResultNodeOut(
                        id=k.row.id,
                        name=k.row.name,
                        unit=k.row.unit,
                        start_value=k.row.start_value,
                        target_value=k.row.target_value,
                        current_value=k.row.current_value,
                        progress=k.progress,
                    )
                    for k in o.key_results
                ],
                initiatives=[
                    InitiativeNodeOut(
                        id=i.row.id,
                        name=i.row.name,
                        status=i.row.status,
                        planned_person_days=i.row.planned_person_days,
                        planned_cost=i.row.planned_cost,
                        currency=i.row.currency,
                        requirements=_counts(i.requirements),
                    )
                    for i in o.initiatives
                ],
            )
            for o in node.objectives
        ],
        totals=GoalTotalsOut(
            objectives=node.totals.objectives,
            initiatives=node.totals.initiatives,
            planned_person_days=node.totals.planned_person_days,
            planned_cost_by_currency=node.totals.planned_cost_by_currency,
            requirements=_counts(node.totals.requirements),
        ),
    )


def orphan_page(
    session: Session, tree: Alignment, kind: str, paging: ListParams
) -> Page[OrphanEntity]:
    """One page of orphan objectives, initiatives or requirements."""
    if kind == "requirements":
        ids = tree.orphan_requirement_ids
        shown = ids[paging.offset : paging.offset + paging.limit]
        rows = alignment_queries.requirement_rows(session, shown)
        items = [OrphanEntity(id=r.id, name=r.title, status=r.status) for r in rows]
        return Page(items=items, total=len(ids), limit=paging.limit, offset=paging.offset)
    model, ids = (
        (TechObjective, tree.orphan_objective_ids)
        if kind == "objectives"
        else (Initiative, tree.orphan_initiative_ids)
    )
    shown = ids[paging.offset : paging.offset + paging.limit]
    rows = alignment_queries.named_rows(session, model, shown)
    items = [OrphanEntity(id=r.id, name=r.name, status=r.status) for r in rows]
    return Page(items=items, total=len(ids), limit=paging.limit, offset=paging.offset)


def alignment_out(session: Session, tree: Alignment, paging: ListParams) -> AlignmentOut:
    return AlignmentOut(
        goals=[goal_node_out(g) for g in tree.goals],
        orphans=OrphansOut(
            objectives=orphan_page(session, tree, "objectives", paging),
            initiatives=orphan_page(session, tree, "initiatives", paging),
            requirements=orphan_page(session, tree, "requirements", paging),
        ),
    )
