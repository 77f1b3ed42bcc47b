"""Hook sources (configured by administrators) and the endpoints GitHub, GitLab, Jenkins, Harbor
and SonarQube call, each delivery verified by its source's secret."""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
from fastapi import Depends, Path, Request, Response
from fastapi.responses import JSONResponse

from tmse.core.actor import Actor
from tmse.core.body_limit import accepts_import_body
from tmse.core.deps import DbSession, database, reader_locale, require
from tmse.core.errors import problem_response
from tmse.core.input_types import INT32_MAX
from tmse.core.messages import render
from tmse.core.pagination import ListParams, Page, list_params
from tmse.core.permissions import ORG_WRITE, READ
from tmse.core.routing import Router
from tmse.devops.hooks import queries, service
from tmse.devops.hooks.schemas import (
    DeliveryOut,
    Receipt,
    SecretGiven,
    SourceCreate,
    SourceOut,
    SourceWithSecret,
)

# Configuring where deliveries may come from is an administrator's task, as the organisation is:
# a source's secret lets its holder write delivery records.
router = Router(prefix="/api/v1/devops/hook-sources", tags=["devops"])
Configurer = Annotated[Actor, Depends(require(ORG_WRITE))]
Reader = Annotated[Actor, Depends(require(READ))]
SourceId = Annotated[int, Path(ge=1, le=INT32_MAX)]


def _with_secret(
    request: Request, actor: Actor, session: DbSession, source_id: int, secret: str
) -> SourceWithSecret:
    source = service.source_by_id(session, source_id)
    last = queries.last_delivery(session, source_id)
    shown = queries.source_out(source, last, str(request.base_url), reader_locale(request, actor))
    return SourceWithSecret(**shown.model_dump(), secret=secret)


@router.get("", response_model=list[SourceOut])
def list_sources(request: Request, session: DbSession, actor: Reader) -> list[SourceOut]:
    """Every source with the URL to give its tool and its last delivery; never a secret."""
    return queries.sources(session, str(request.base_url), reader_locale(request, actor))


@router.post("", response_model=SourceWithSecret, status_code=201)
def create_source(
    data: SourceCreate, request: Request, session: DbSession, actor: Configurer
) -> SourceWithSecret:
    """A new source; its secret is in this answer and in no later one."""
    source, secret = service.create_source(session, actor, data)
    return _with_secret(request, actor, session, source.id, secret)


@router.post("/{source_id}/rotate", response_model=SourceWithSecret)
def rotate_secret(
    source_id: SourceId,
    request: Request,
    session: DbSession,
    actor: Configurer,
    data: SecretGiven | None = None,
) -> SourceWithSecret:
    """A new secret for the source, shown this once; the old one stops working now."""
    _, secret = service.rotate_secret(session, actor, source_id, data or SecretGiven())
    return _with_secret(request, actor, session, source_id, secret)


@router.delete("/{source_id}", status_code=204)
def delete_source(source_id: SourceId, session: DbSession, actor: Configurer) -> Response:
    """Remove the source and its delivery log; records its deliveries made stay."""
    service.delete_source(session, actor, source_id)
    return Response(status_code=204)


@router.get("/{source_id}/deliveries", response_model=Page[DeliveryOut])
def list_deliveries(
    source_id: SourceId,
    request: Request,
    session: DbSession,
    actor: Reader,
    params: Annotated[ListParams, Depends(list_params)],
) -> Page[DeliveryOut]:
    """The source's delivery log, newest first: each delivery's event, outcome and reason."""
    service.source_by_id(session, source_id)
    items, total = queries.deliveries(session, source_id, params, reader_locale(request, actor))
    return Page(items=items, total=total, limit=params.limit, offset=params.offset)


# The endpoints the tools call. They take no user session or API token: each delivery proves
# itself with its source's secret (a signature or a token header), checked in the service.
receivers = Router(prefix=queries.HOOKS_PATH, tags=["devops"])
SourceName = Annotated[str, Path(min_length=1, max_length=60)]
_RECEIPTS: dict[int | str, dict[str, Any]] = {
    200: {"model": Receipt, "description": "Stored, unchanged (a redelivery) or ignored."},
    401: {"description": "The signature or token does not match the source's secret."},
    404: {"description": "No source of this kind and name."},
    422: {"description": "The delivery cannot be read; the answer names the field."},
}


async def _receive(kind: str, name: str, request: Request) -> Response:
    body = await request.body()
    receipt, refusal = await anyio.to_thread.run_sync(
        service.receive, database(request), kind, name, request.headers, body
    )
    if refusal is None:
        return JSONResponse(receipt.model_dump())
    detail = refusal.detail or render(refusal.note, "en")
    slug = {401: "unauthorized", 403: "forbidden", 422: "invalid-input"}[refusal.status_code]
    extra: dict[str, object] = {"delivery": receipt.delivery}
    if refusal.field:
        extra["errors"] = [{"field": refusal.field, "message": detail}]
    return problem_response(request, refusal.status_code, slug, detail, **extra)


@receivers.post("/github/{source_name}", response_model=Receipt, responses=_RECEIPTS)
@accepts_import_body
async def receive_github(source_name: SourceName, request: Request) -> Response:
    """A GitHub webhook delivery, signed with X-Hub-Signature-256."""
    return await _receive("github", source_name, request)


@receivers.post("/gitlab/{source_name}", response_model=Receipt, responses=_RECEIPTS)
@accepts_import_body
async def receive_gitlab(source_name: SourceName, request: Request) -> Response:
    """A GitLab webhook delivery, carrying the secret in X-Gitlab-Token."""
    return await _receive("gitlab", source_name, request)


@receivers.post("/jenkins/{source_name}", response_model=Receipt, responses=_RECEIPTS)
@accepts_import_body
async def receive_jenkins(source_name: SourceName, request: Request) -> Response:
    """A Jenkins Notification plugin delivery, with `Authorization: Bearer <secret>` or
    X-Tmse-Token."""
    return await _receive("jenkins", source_name, request)


@receivers.post("/harbor/{source_name}", response_model=Receipt, responses=_RECEIPTS)
@accepts_import_body
async def receive_harbor(source_name: SourceName, request: Request) -> Response:
    """A Harbor webhook delivery (Default or CloudEvents format), whose Authorization header is
    the source's secret as configured on the webhook policy."""
    return await _receive("harbor", source_name, request)


@receivers.post("/sonarqube/{source_name}", response_model=Receipt, responses=_RECEIPTS)
@accepts_import_body
async def receive_sonarqube(source_name: SourceName, request: Request) -> Response:
    """A SonarQube project analysis webhook delivery, signed with X-Sonar-Webhook-HMAC-SHA256."""
    return await _receive("sonarqube", source_name, request)
