"""JSON hooks that any CI/CD or incident tool can call with a Bearer token."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Response

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.permissions import DEVOPS_INGEST
from tmse.core.routing import Router
from tmse.devops import service
from tmse.devops.schemas import (
    BatchAnswer,
    GenericDeployment,
    GenericDeploymentBatch,
    GenericIncident,
    HookAnswer,
    Outcome,
)

router = Router(prefix="/api/v1/hooks/generic", tags=["devops"])
Ingester = Annotated[Actor, Depends(require(DEVOPS_INGEST))]


def _answer(response: Response, outcome: Outcome, external_id: str) -> HookAnswer:
    response.status_code = 201 if outcome == "created" else 200
    return HookAnswer(outcome=outcome, id=external_id, source=service.GENERIC)


@router.post(
    "/deployments",
    response_model=HookAnswer,
    responses={201: {"model": HookAnswer, "description": "A new deployment was recorded."}},
)
def deliver_deployment(
    data: GenericDeployment, response: Response, session: DbSession, actor: Ingester
) -> HookAnswer:
    """Record a deployment: 201 when new, 200 `updated` or `unchanged` when its id is known."""
    outcome, _ = service.record_deployment(session, actor, data)
    return _answer(response, outcome, data.id)


@router.post("/deployments/batch", response_model=BatchAnswer)
def deliver_deployments(
    data: GenericDeploymentBatch, session: DbSession, actor: Ingester
) -> BatchAnswer:
    """Record up to 1,000 deployments at once (for back-fills and busy pipelines); all or
    nothing: a bad item is named (`deployments.3.service`) and nothing is stored."""
    outcomes = service.record_deployments(session, actor, data.deployments)
    return BatchAnswer(
        outcomes=outcomes,
        created=outcomes.count("created"),
        updated=outcomes.count("updated"),
        unchanged=outcomes.count("unchanged"),
    )


@router.post(
    "/incidents",
    response_model=HookAnswer,
    responses={201: {"model": HookAnswer, "description": "A new incident was recorded."}},
)
def deliver_incident(
    data: GenericIncident, response: Response, session: DbSession, actor: Ingester
) -> HookAnswer:
    """Record an incident: 201 when new, 200 `updated` or `unchanged` when its id is known."""
    outcome, _ = service.record_incident(session, actor, data)
    return _answer(response, outcome, data.id)
