"""JSON routes of delivery under /api/v1/delivery: projects, releases, milestones, phases,
iterations and their items, stage gates (evaluate, decide), velocity and the criteria registry."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Response, status
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.db import utcnow
from tmse.core.deps import DbSession, require
from tmse.core.input_types import Id, Version
from tmse.core.messages import render
from tmse.core.pagination import ListParams, Page, sorted_by
from tmse.core.permissions import DELIVERY_WRITE, GATES_DECIDE, READ
from tmse.core.responses import json_response
from tmse.core.routing import Router
from tmse.delivery import gate_criteria, gates, iterations, phases, queries, service, velocity
from tmse.delivery.models import Iteration, Phase
from tmse.delivery.schemas import (
    CriterionOut,
    CriterionResultOut,
    DecisionIn,
    GateCreate,
    GateEvaluation,
    GateOut,
    GateUpdate,
    ItemAdd,
    ItemOut,
    IterationCreate,
    IterationDetail,
    IterationOut,
    IterationUpdate,
    MustShareOut,
    PhaseCreate,
    PhaseOut,
    PhaseUpdate,
    ProjectSummary,
    VelocityOut,
    VelocitySummaryOut,
)
from tmse.planning import service as planning
from tmse.planning.models import ProjectStatus
from tmse.planning.schemas import (
    MilestoneCreate,
    MilestoneOut,
    MilestoneUpdate,
    ProjectCreate,
    ProjectOut,
    ProjectUpdate,
    ReleaseCreate,
    ReleaseOut,
    ReleaseUpdate,
)

router = Router(prefix="/api/v1/delivery", tags=["delivery"])
Reader = Annotated[Actor, Depends(require(READ))]
Writer = Annotated[Actor, Depends(require(DELIVERY_WRITE))]
Decider = Annotated[Actor, Depends(require(GATES_DECIDE))]


# --- projects --------------------------------------------------------------------------------


@router.get("/projects", response_model=Page[ProjectSummary])
def list_projects(
    session: DbSession,
    _: Reader,
    paging: Annotated[
        ListParams, Depends(sorted_by("end_on", "key", "name", "start_on", "status", "updated_at"))
    ],
    project_status: ProjectStatus | None = Query(None, alias="status"),
    q: str | None = Query(None, max_length=100, description="Part of the key or name."),
) -> Response:
    rows, total = planning.list_projects(session, paging, project_status, q)
    items = [ProjectSummary(**s) for s in queries.summaries(session, rows)]
    return json_response(
        Page(items=items, total=total, limit=paging.limit, offset=paging.offset),
        Page[ProjectSummary],
    )


@router.post("/projects", response_model=ProjectOut, status_code=status.HTTP_201_CREATED)
def create_project(data: ProjectCreate, session: DbSession, actor: Writer) -> Any:
    return planning.create_project(session, actor, data)


@router.get("/projects/{project_id}", response_model=ProjectSummary)
def get_project(project_id: Id, session: DbSession, _: Reader) -> Response:
    project = planning.get_project(session, project_id)
    return json_response(ProjectSummary(**queries.summaries(session, [project])[0]), ProjectSummary)


@router.patch("/projects/{project_id}", response_model=ProjectOut)
def update_project(project_id: Id, data: ProjectUpdate, session: DbSession, actor: Writer) -> Any:
    return planning.update_project(session, actor, project_id, data)


@router.delete("/projects/{project_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_project(project_id: Id, session: DbSession, actor: Writer, version: Version) -> Response:
    """Only a project no requirement points at; close it otherwise."""
    service.delete_project(session, actor, project_id, version)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/projects/{project_id}/must-share", response_model=MustShareOut)
def must_share(project_id: Id, session: DbSession, _: Reader) -> Response:
    """The project's Must-have effort share against its limit (MoSCoW balance)."""
    return json_response(
        MustShareOut(**queries.must_share(session, planning.get_project(session, project_id))),
        MustShareOut,
    )


@router.get("/projects/{project_id}/velocity", response_model=VelocitySummaryOut)
def project_velocity(project_id: Id, session: DbSession, _: Reader) -> Response:
    """Planned, added and completed scope per iteration, and the average of the last three."""
    planning.get_project(session, project_id)
    summary = iterations.project_velocity(session, project_id)
    return json_response(
        VelocitySummaryOut(
            iterations=[VelocityOut(**v.__dict__) for v in summary.iterations],
            average_effort=summary.average_effort,
            average_count=summary.average_count,
            window=summary.window,
        ),
        VelocitySummaryOut,
    )


# --- releases and milestones -----------------------------------------------------------------


@router.get("/projects/{project_id}/releases", response_model=list[ReleaseOut])
def list_releases(project_id: Id, session: DbSession, _: Reader) -> Response:
    return json_response(planning.list_releases(session, project_id), list[ReleaseOut])


@router.post(
    "/projects/{project_id}/releases",
    response_model=ReleaseOut,
    status_code=status.HTTP_201_CREATED,
)
def create_release(project_id: Id, data: ReleaseCreate, session: DbSession, actor: Writer) -> Any:
    return planning.create_release(session, actor, project_id, data)


@router.get("/releases/{release_id}", response_model=ReleaseOut)
def get_release(release_id: Id, session: DbSession, _: Reader) -> Response:
    return json_response(planning.get_release(session, release_id), ReleaseOut)


@router.patch("/releases/{release_id}", response_model=ReleaseOut)
def update_release(release_id: Id, data: ReleaseUpdate, session: DbSession, actor: Writer) -> Any:
    return planning.update_release(session, actor, release_id, data)


@router.delete("/releases/{release_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_release(release_id: Id, session: DbSession, actor: Writer, version: Version) -> Response:
    planning.delete_release(session, actor, release_id, version)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/projects/{project_id}/milestones", response_model=list[MilestoneOut])
def list_milestones(project_id: Id, session: DbSession, _: Reader) -> Response:
    return json_response(planning.list_milestones(session, project_id), list[MilestoneOut])


@router.post(
    "/projects/{project_id}/milestones",
    response_model=MilestoneOut,
    status_code=status.HTTP_201_CREATED,
)
def create_milestone(
    project_id: Id, data: MilestoneCreate, session: DbSession, actor: Writer
) -> Any:
    return planning.create_milestone(session, actor, project_id, data)


@router.get("/milestones/{milestone_id}", response_model=MilestoneOut)
def get_milestone(milestone_id: Id, session: DbSession, _: Reader) -> Response:
    return json_response(planning.get_milestone(session, milestone_id), MilestoneOut)


@router.patch("/milestones/{milestone_id}", response_model=MilestoneOut)
def update_milestone(
    milestone_id: Id, data: MilestoneUpdate, session: DbSession, actor: Writer
) -> Any:
    return planning.update_milestone(session, actor, milestone_id, data)


@router.delete("/milestones/{milestone_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_milestone(
    milestone_id: Id, session: DbSession, actor: Writer, version: Version
) -> Response:
    planning.delete_milestone(session, actor, milestone_id, version)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- phases ----------------------------------------------------------------------------------


def phase_out(session: Session, phase: Phase) -> PhaseOut:
    gate = gates.gate_of_phase(session, phase.id)
    out = PhaseOut.model_validate(phase)
    if gate is not None:
        out.gate_id, out.gate_status = gate.id, gate.status
    return out


@router.get("/projects/{project_id}/phases", response_model=list[PhaseOut])
def list_phases(project_id: Id, session: DbSession, _: Reader) -> Response:
    return json_response(
        [phase_out(session, p) for p in phases.list_phases(session, project_id)], list[PhaseOut]
    )


@router.post(
    "/projects/{project_id}/phases", response_model=PhaseOut, status_code=status.HTTP_201_CREATED
)
def create_phase(project_id: Id, data: PhaseCreate, session: DbSession, actor: Writer) -> PhaseOut:
    return phase_out(session, phases.create_phase(session, actor, project_id, data))


@router.get("/phases/{phase_id}", response_model=PhaseOut)
def get_phase(phase_id: Id, session: DbSession, _: Reader) -> Response:
    return json_response(phase_out(session, phases.get_phase(session, phase_id)), PhaseOut)


@router.patch("/phases/{phase_id}", response_model=PhaseOut)
def update_phase(phase_id: Id, data: PhaseUpdate, session: DbSession, actor: Writer) -> PhaseOut:
    return phase_out(session, phases.update_phase(session, actor, phase_id, data))


@router.delete("/phases/{phase_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_phase(phase_id: Id, session: DbSession, actor: Writer, version: Version) -> Response:
    phases.delete_phase(session, actor, phase_id, version)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- iterations ------------------------------------------------------------------------------


def iteration_detail(session: Session, iteration: Iteration) -> IterationDetail:
    rows = iterations.item_rows(session, [iteration.id])
    facts = iterations.facts([iteration], rows)[0]
    today = utcnow().date()
    items = [
        ItemOut(
            requirement_id=row.requirement_id,
            key=f"REQ-{row.requirement_id}",
            title=row.title,
            status=row.status,
            moscow=row.moscow,
            effort_days=float(row.effort_days) if row.effort_days is not None else None,
            added_at=row.added_at,
            scope_added=velocity.is_scope_added(row.added_at, iteration.start_on),
            completed_at=row.completed_at,
            completed=velocity.is_completed_in(item, iteration.end_on),
        )
        for row, item in zip(rows, facts.items, strict=True)
    ]
    base = IterationOut.model_validate(iteration).model_dump()
    summary = velocity.iteration_velocity(facts, today)
    return IterationDetail(**base, items=items, velocity=VelocityOut(**summary.__dict__))


@router.get("/phases/{phase_id}/iterations", response_model=list[IterationOut])
def list_iterations(phase_id: Id, session: DbSession, _: Reader) -> Response:
    return json_response(iterations.list_iterations(session, phase_id), list[IterationOut])


@router.post(
    "/phases/{phase_id}/iterations",
    response_model=IterationOut,
    status_code=status.HTTP_201_CREATED,
)
def create_iteration(phase_id: Id, data: IterationCreate, session: DbSession, actor: Writer) -> Any:
    return iterations.create_iteration(session, actor, phase_id, data)


@router.get("/iterations/{iteration_id}", response_model=IterationDetail)
def get_iteration(iteration_id: Id, session: DbSession, _: Reader) -> Response:
    """The iteration with its items (planned or added after the start) and its velocity."""
    return json_response(
        iteration_detail(session, iterations.get_iteration(session, iteration_id)), IterationDetail
    )


@router.patch("/iterations/{iteration_id}", response_model=IterationOut)
def update_iteration(
    iteration_id: Id, data: IterationUpdate, session: DbSession, actor: Writer
) -> Any:
    return iterations.update_iteration(session, actor, iteration_id, data)


@router.delete("/iterations/{iteration_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_iteration(
    iteration_id: Id, session: DbSession, actor: Writer, version: Version
) -> Response:
    iterations.delete_iteration(session, actor, iteration_id, version)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/iterations/{iteration_id}/items",
    response_model=IterationDetail,
    status_code=status.HTTP_201_CREATED,
)
def add_item(iteration_id: Id, data: ItemAdd, session: DbSession, actor: Writer) -> IterationDetail:
    iterations.add_item(session, actor, iteration_id, data.requirement_id)
    return iteration_detail(session, iterations.get_iteration(session, iteration_id))


@router.delete(
    "/iterations/{iteration_id}/items/{requirement_id}", status_code=status.HTTP_204_NO_CONTENT
)
def remove_item(
    iteration_id: Id, requirement_id: Id, session: DbSession, actor: Writer
) -> Response:
    iterations.remove_item(session, actor, iteration_id, requirement_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- gates -----------------------------------------------------------------------------------


@router.get("/gate-criteria", response_model=list[CriterionOut])
def list_criteria(_: Reader) -> Response:
    """The registry: every criterion a gate may list, by key."""
    return json_response(
        [
            CriterionOut(key=c.key, label=c.label, description=c.description)
            for c in gate_criteria.registered_criteria()
        ],
        list[CriterionOut],
    )


@router.post("/phases/{phase_id}/gate", response_model=GateOut, status_code=status.HTTP_201_CREATED)
def create_gate(phase_id: Id, data: GateCreate, session: DbSession, actor: Writer) -> GateOut:
    gate = gates.create_gate(session, actor, phase_id, data)
    return GateOut(**gates.gate_out(session, gate))


@router.get("/gates/{gate_id}", response_model=GateOut)
def get_gate(gate_id: Id, session: DbSession, _: Reader) -> Response:
    return json_response(
        GateOut(**gates.gate_out(session, gates.get_gate(session, gate_id))), GateOut
    )


@router.patch("/gates/{gate_id}", response_model=GateOut)
def update_gate(gate_id: Id, data: GateUpdate, session: DbSession, actor: Writer) -> GateOut:
    return GateOut(**gates.gate_out(session, gates.update_gate(session, actor, gate_id, data)))


@router.get("/gates/{gate_id}/evaluation", response_model=GateEvaluation)
def evaluate_gate(gate_id: Id, session: DbSession, _: Reader) -> Response:
    """Each criterion evaluated now, with its detail; `passed` says whether Go is allowed."""
    results = gates.evaluate(session, gates.get_gate(session, gate_id))
    return json_response(
        GateEvaluation(
            gate_id=gate_id,
            passed=all(r.passed for r in results),
            results=[
                CriterionResultOut(
                    key=r.key,
                    label=r.label,
                    params=r.params,
                    passed=r.passed,
                    detail=render(r.detail, "en"),
                    detail_message=r.detail.to_json(),
                )
                for r in results
            ],
        ),
        GateEvaluation,
    )


@router.post("/gates/{gate_id}/decisions", response_model=GateOut)
def decide_gate(gate_id: Id, data: DecisionIn, session: DbSession, actor: Decider) -> GateOut:
    """Go (refused with 409 while a criterion fails), Kill, Hold or Recycle, by an approver."""
    gate = gates.decide(session, actor, gate_id, data)
    return GateOut(**gates.gate_out(session, gate))
