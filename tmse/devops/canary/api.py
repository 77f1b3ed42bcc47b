"""JSON routes of canary analysis: configurations, runs, judged stages and decisions."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request, Response

from tmse.catalog.queries import service_id_named
from tmse.core.actor import Actor
from tmse.core.deps import DbSession, reader_locale, require
from tmse.core.errors import InvalidInput, NotFound
from tmse.core.input_types import Id, Reference
from tmse.core.permissions import DELIVERY_WRITE, READ
from tmse.core.routing import Router
from tmse.devops.canary import queries, service
from tmse.devops.canary.models import CanaryRun
from tmse.devops.canary.schemas import (
    ConfigIn,
    ConfigOut,
    DecisionIn,
    RunIn,
    RunOut,
    RunSummary,
    StageIn,
    StageOut,
)

router = Router(prefix="/api/v1/canary", tags=["devops"])
Reader = Annotated[Actor, Depends(require(READ))]
Writer = Annotated[Actor, Depends(require(DELIVERY_WRITE))]


@router.get("/configs", response_model=list[ConfigOut])
def list_configs(session: DbSession, actor: Reader) -> list[ConfigOut]:
    """Every canary configuration, by name."""
    return queries.configs(session)


@router.post(
    "/configs",
    response_model=ConfigOut,
    status_code=201,
    responses={200: {"model": ConfigOut, "description": "The same configuration, sent again."}},
)
def create_config(
    data: ConfigIn, response: Response, session: DbSession, actor: Writer
) -> ConfigOut:
    """A named metric set with its weights and thresholds: 201 when new, 200 when the same
    configuration is sent again, 409 when the name holds another one."""
    created, config = service.create_config(session, actor, data)
    response.status_code = 201 if created else 200
    return queries.config_out(config)


@router.get("/configs/{name}", response_model=ConfigOut)
def get_config(name: Reference, session: DbSession, actor: Reader) -> ConfigOut:
    config = queries.config_named(session, name)
    if config is None:
        raise NotFound(f"No canary configuration '{name}'")
    return queries.config_out(config)


@router.get("/runs", response_model=list[RunSummary])
def list_runs(
    session: DbSession,
    actor: Reader,
    service_name: Reference | None = Query(None, alias="service"),
) -> list[RunSummary]:
    """Canary runs, the latest first; of one service when `service` names it."""
    service_id = None
    if service_name:
        service_id = service_id_named(session, service_name)
        if service_id is None:
            raise InvalidInput(
                "Unknown service",
                [{"field": "service", "message": f"no service named '{service_name}'"}],
            )
    return queries.runs(session, service_id)


@router.post("/runs", response_model=RunOut, status_code=201)
def start_run(data: RunIn, request: Request, session: DbSession, actor: Writer) -> RunOut:
    """Start a canary of a service with a configuration, maybe naming the deployment it ships."""
    run = service.start_run(session, actor, data)
    return queries.run_out(session, run, reader_locale(request, actor))


@router.get("/runs/{run_id}", response_model=RunOut)
def get_run(run_id: Id, request: Request, session: DbSession, actor: Reader) -> RunOut:
    """A run with its stages, their evidence and reasons in the reader's language."""
    run = session.get(CanaryRun, run_id)
    if run is None:
        raise NotFound(f"No canary run {run_id}")
    return queries.run_out(session, run, reader_locale(request, actor))


@router.post(
    "/runs/{run_id}/stages",
    response_model=StageOut,
    status_code=201,
    responses={200: {"model": StageOut, "description": "The same stage, sent again."}},
)
def judge_stage(
    run_id: Id,
    data: StageIn,
    request: Request,
    response: Response,
    session: DbSession,
    actor: Writer,
) -> StageOut:
    """Judge a stage's baseline and canary samples: score, verdict, recommendation (promote,
    hold, roll back) and the evidence per metric. 200 when the same stage is sent again."""
    created, stage = service.judge_stage(session, actor, run_id, data)
    response.status_code = 201 if created else 200
    return queries.stage_out(stage, reader_locale(request, actor))


@router.post("/runs/{run_id}/decision", response_model=RunOut)
def decide(
    run_id: Id, data: DecisionIn, request: Request, session: DbSession, actor: Writer
) -> RunOut:
    """Close the run: promote, or roll back (a rolled-back canary is a failed deployment)."""
    _, run = service.decide(session, actor, run_id, data.decision)
    return queries.run_out(session, run, reader_locale(request, actor))
