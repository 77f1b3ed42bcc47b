"""JSON routes of strategy under /api/v1/strategy: goals, objectives with key results,
initiatives and the requirements they include, and the alignment view."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query, Response, status
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.input_types import Id, Version
from tmse.core.pagination import ListParams, Page, list_params, sorted_by
from tmse.core.permissions import READ, STRATEGY_WRITE
from tmse.core.responses import json_response
from tmse.core.routing import Router
from tmse.strategy import queries, service
from tmse.strategy.alignment import queries as alignment_queries
from tmse.strategy.alignment.queries import alignment_out, orphan_page
from tmse.strategy.initiatives import service as initiatives
from tmse.strategy.models import Initiative, StrategyStatus, TechObjective
from tmse.strategy.schemas import (
    AlignmentOut,
    GoalCreate,
    GoalOut,
    GoalUpdate,
    InitiativeCreate,
    InitiativeOut,
    InitiativeUpdate,
    KeyResultOut,
    KeyResultUpdate,
    ObjectiveCreate,
    ObjectiveOut,
    ObjectiveUpdate,
    OrphanEntity,
    RequirementIdsIn,
)

router = Router(prefix="/api/v1/strategy", tags=["strategy"])
Reader = Annotated[Actor, Depends(require(READ))]
Writer = Annotated[Actor, Depends(require(STRATEGY_WRITE))]
Paging = Annotated[ListParams, Depends(list_params)]
Search = Query(None, max_length=200, description="Text in the name or description.")
DeleteVersion = Query(None, description="If given, the delete is refused (409) when stale.")


def _page(items: list, total: int, paging: ListParams) -> Page:  # type: ignore[type-arg]
    return Page(items=items, total=total, limit=paging.limit, offset=paging.offset)


# --- goals ------------------------------------------------------------------------------------


@router.get("/goals", response_model=Page[GoalOut])
def list_goals(
    session: DbSession,
    _: Reader,
    paging: Annotated[ListParams, Depends(sorted_by("id", "name", "period_end", "status"))],
    goal_status: StrategyStatus | None = Query(None, alias="status"),
    q: str | None = Search,
) -> Response:
    rows, total = queries.list_goals(session, paging, goal_status, q)
    return json_response(_page(queries.goals_out(session, rows), total, paging), Page[GoalOut])


@router.post("/goals", response_model=GoalOut, status_code=status.HTTP_201_CREATED)
def create_goal(data: GoalCreate, session: DbSession, actor: Writer) -> GoalOut:
    return _goal(session, service.create_goal(session, actor, data).id)


@router.get("/goals/{goal_id}", response_model=GoalOut)
def get_goal(goal_id: Id, session: DbSession, _: Reader) -> Response:
    return json_response(_goal(session, goal_id), GoalOut)


@router.patch("/goals/{goal_id}", response_model=GoalOut)
def update_goal(goal_id: Id, data: GoalUpdate, session: DbSession, actor: Writer) -> GoalOut:
    return _goal(session, service.update_goal(session, actor, goal_id, data).id)


@router.delete("/goals/{goal_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_goal(
    goal_id: Id, session: DbSession, actor: Writer, version: Version | None = DeleteVersion
) -> Response:
    service.delete_goal(session, actor, goal_id, version)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _goal(session: Session, goal_id: Id) -> GoalOut:
    return queries.goals_out(session, [service.get_goal(session, goal_id)])[0]


# --- objectives and key results ---------------------------------------------------------------


@router.get("/objectives", response_model=Page[ObjectiveOut])
def list_objectives(
    session: DbSession,
    _: Reader,
    paging: Annotated[ListParams, Depends(sorted_by("id", "name", "period_end"))],
    goal_id: Id | None = Query(None, description="Only objectives supporting this goal."),
    objective_status: StrategyStatus | None = Query(None, alias="status"),
    q: str | None = Search,
) -> Response:
    rows, total = queries.list_objectives(session, paging, goal_id, objective_status, q)
    return json_response(
        _page(queries.objectives_out(session, rows), total, paging), Page[ObjectiveOut]
    )


@router.post("/objectives", response_model=ObjectiveOut, status_code=status.HTTP_201_CREATED)
def create_objective(data: ObjectiveCreate, session: DbSession, actor: Writer) -> ObjectiveOut:
    """Create an objective, its key results, and `supports` links from `goal_ids`."""
    return _objective(session, service.create_objective(session, actor, data))


@router.get("/objectives/{objective_id}", response_model=ObjectiveOut)
def get_objective(objective_id: Id, session: DbSession, _: Reader) -> Response:
    return json_response(
        _objective(session, service.get_objective(session, objective_id)), ObjectiveOut
    )


@router.patch("/objectives/{objective_id}", response_model=ObjectiveOut)
def update_objective(
    objective_id: Id, data: ObjectiveUpdate, session: DbSession, actor: Writer
) -> ObjectiveOut:
    return _objective(session, service.update_objective(session, actor, objective_id, data))


@router.delete("/objectives/{objective_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_objective(
    objective_id: Id, session: DbSession, actor: Writer, version: Version | None = DeleteVersion
) -> Response:
    service.delete_objective(session, actor, objective_id, version)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/key-results/{key_result_id}", response_model=KeyResultOut)
def get_key_result(key_result_id: Id, session: DbSession, _: Reader) -> Response:
    return json_response(
        queries.key_result_out(service.get_key_result(session, key_result_id)), KeyResultOut
    )


@router.patch("/key-results/{key_result_id}", response_model=KeyResultOut)
def update_key_result(
    key_result_id: Id, data: KeyResultUpdate, session: DbSession, actor: Writer
) -> KeyResultOut:
    """Record progress: send `current_value` (and the `version` you read)."""
    kr = service.update_key_result(session, actor, key_result_id, data)
    return queries.key_result_out(kr)


def _objective(session: Session, objective: TechObjective) -> ObjectiveOut:
    return queries.objectives_out(session, [objective])[0]


# --- initiatives ------------------------------------------------------------------------------


@router.get("/initiatives", response_model=Page[InitiativeOut])
def list_initiatives(
    session: DbSession,
    _: Reader,
    paging: Annotated[
        ListParams, Depends(sorted_by("id", "name", "planned_cost", "planned_person_days"))
    ],
    objective_id: Id | None = Query(None, description="Only initiatives this objective drives."),
    initiative_status: StrategyStatus | None = Query(None, alias="status"),
    q: str | None = Search,
) -> Response:
    rows, total = queries.list_initiatives(session, paging, objective_id, initiative_status, q)
    return json_response(
        _page(queries.initiatives_out(session, rows), total, paging), Page[InitiativeOut]
    )


@router.post("/initiatives", response_model=InitiativeOut, status_code=status.HTTP_201_CREATED)
def create_initiative(data: InitiativeCreate, session: DbSession, actor: Writer) -> InitiativeOut:
    """Create an initiative and `drives` links from `objective_ids`."""
    return _initiative(session, initiatives.create_initiative(session, actor, data))


@router.get("/initiatives/{initiative_id}", response_model=InitiativeOut)
def get_initiative(initiative_id: Id, session: DbSession, _: Reader) -> Response:
    return json_response(
        _initiative(session, initiatives.get_initiative(session, initiative_id)), InitiativeOut
    )


@router.patch("/initiatives/{initiative_id}", response_model=InitiativeOut)
def update_initiative(
    initiative_id: Id, data: InitiativeUpdate, session: DbSession, actor: Writer
) -> InitiativeOut:
    initiative = initiatives.update_initiative(session, actor, initiative_id, data)
    return _initiative(session, initiative)


@router.delete("/initiatives/{initiative_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_initiative(
    initiative_id: Id, session: DbSession, actor: Writer, version: Version | None = DeleteVersion
) -> Response:
    initiatives.delete_initiative(session, actor, initiative_id, version)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/initiatives/{initiative_id}/requirements", response_model=InitiativeOut)
def include_requirements(
    initiative_id: Id, data: RequirementIdsIn, session: DbSession, actor: Writer
) -> InitiativeOut:
    """Link the initiative to requirements it includes (`includes` links); idempotent."""
    initiatives.include_requirements(session, actor, initiative_id, data.requirement_ids)
    return _initiative(session, initiatives.get_initiative(session, initiative_id))


@router.delete("/initiatives/{initiative_id}/requirements", response_model=InitiativeOut)
def exclude_requirements(
    initiative_id: Id, data: RequirementIdsIn, session: DbSession, actor: Writer
) -> InitiativeOut:
    """Remove the initiative's `includes` links to these requirements."""
    initiatives.exclude_requirements(session, actor, initiative_id, data.requirement_ids)
    return _initiative(session, initiatives.get_initiative(session, initiative_id))


def _initiative(session: Session, initiative: Initiative) -> InitiativeOut:
    return queries.initiatives_out(session, [initiative])[0]


# --- alignment --------------------------------------------------------------------------------


@router.get("/alignment", response_model=AlignmentOut)
def alignment(session: DbSession, _: Reader, paging: Paging) -> Response:
    """Per goal: objectives, initiatives and requirement counts with totals; and the first page
    of each orphan list (`limit`/`offset` apply to each)."""
    return json_response(
        alignment_out(session, alignment_queries.alignment(session), paging), AlignmentOut
    )


@router.get("/alignment/orphans/{kind}", response_model=Page[OrphanEntity])
def orphans(
    kind: Literal["objectives", "initiatives", "requirements"],
    session: DbSession,
    _: Reader,
    paging: Paging,
) -> Response:
    """One orphan list, paged: `objectives`, `initiatives` or `requirements`."""
    return json_response(
        orphan_page(session, alignment_queries.alignment(session), kind, paging), Page[OrphanEntity]
    )
