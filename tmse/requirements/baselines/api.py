"""JSON routes of baselines. Only reads, create, sign and discard (of a draft): no route can
alter a baseline once it is signed, and none updates or deletes one."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request, Response, status

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.errors import NotFound
from tmse.core.input_types import Id
from tmse.core.pagination import ListParams, Page, sorted_by
from tmse.core.permissions import BASELINES_WRITE, READ
from tmse.core.responses import json_response
from tmse.core.routing import Router
from tmse.requirements.baselines import comparison, queries, service
from tmse.requirements.baselines.models import Baseline, BaselineStatus
from tmse.requirements.baselines.schemas import (
    BaselineCreate,
    BaselineDetail,
    BaselineItemOut,
    BaselineOut,
    DiffOut,
    RequirementBaselineOut,
    VerifyOut,
)
from tmse.requirements.models import Requirement

router = Router(prefix="/api/v1", tags=["baselines"])
Reader = Annotated[Actor, Depends(require(READ))]
Writer = Annotated[Actor, Depends(require(BASELINES_WRITE))]


def baseline_outs(session: DbSession, baselines: list[Baseline]) -> list[BaselineOut]:
    names = queries.usernames(
        session, [uid for b in baselines for uid in (b.created_by_id, b.approver_id)]
    )
    return [
        BaselineOut(
            id=b.id,
            name=b.name,
            description=b.description,
            status=BaselineStatus(b.status),
            project_id=b.project_id,
            release_id=b.release_id,
            selection=b.selection or {},
            created_by=names.get(b.created_by_id) if b.created_by_id else None,
            approver=names.get(b.approver_id, ""),
            approver_id=b.approver_id,
            item_count=b.item_count,
            created_at=b.created_at,
            signed_at=b.signed_at,
            digest=b.digest,
            signature=b.signature,
            discarded_at=b.discarded_at,
        )
        for b in baselines
    ]


@router.get("/baselines", response_model=Page[BaselineOut])
def list_baselines(
    session: DbSession,
    _: Reader,
    paging: Annotated[
        ListParams,
        Depends(sorted_by("created_at", "id", "item_count", "name", "signed_at", "status")),
    ],
    project_id: Id | None = None,
    baseline_status: BaselineStatus | None = Query(None, alias="status"),
    q: str | None = Query(None, max_length=200, description="Part of the name."),
) -> Response:
    rows, total = queries.list_baselines(
        session, paging, project_id=project_id, status=baseline_status, q=q
    )
    return json_response(
        Page(
            items=baseline_outs(session, rows),
            total=total,
            limit=paging.limit,
            offset=paging.offset,
        ),
        Page[BaselineOut],
    )


@router.post("/baselines", response_model=BaselineOut, status_code=status.HTTP_201_CREATED)
def create_baseline(data: BaselineCreate, session: DbSession, actor: Writer) -> BaselineOut:
    """Snapshot requirements (by ids, or by project/release/status) as a draft for the named
    approver to sign."""
    return baseline_outs(session, [service.create_baseline(session, actor, data)])[0]


@router.get("/baselines/{baseline_id}", response_model=BaselineDetail)
def get_baseline(
    baseline_id: Id,
    session: DbSession,
    _: Reader,
    paging: Annotated[ListParams, Depends(sorted_by("requirement_id"))],
) -> Response:
    """The baseline with one page of its items (?limit=&offset=)."""
    baseline = queries.get_baseline(session, baseline_id)
    items, total = queries.items_page(session, baseline_id, paging)
    out = baseline_outs(session, [baseline])[0]
    return json_response(
        BaselineDetail(
            **out.model_dump(),
            items=[
                BaselineItemOut(requirement_id=i.requirement_id, fields=i.fields, links=i.links)
                for i in items
            ],
            items_total=total,
            items_limit=paging.limit,
            items_offset=paging.offset,
        ),
        BaselineDetail,
    )


@router.post("/baselines/{baseline_id}/sign", response_model=BaselineOut)
def sign_baseline(
    baseline_id: Id, request: Request, session: DbSession, actor: Writer
) -> BaselineOut:
    """The named approver signs the draft; from then on it never changes."""
    secret = request.app.state.secret_key
    return baseline_outs(session, [service.sign_baseline(session, actor, baseline_id, secret)])[0]


@router.post("/baselines/{baseline_id}/discard", response_model=BaselineOut)
def discard_baseline(baseline_id: Id, session: DbSession, actor: Writer) -> BaselineOut:
    """Its creator or approver drops a draft (kept on record as discarded)."""
    return baseline_outs(session, [service.discard_baseline(session, actor, baseline_id)])[0]


@router.get("/baselines/{baseline_id}/verify", response_model=VerifyOut)
def verify_baseline(baseline_id: Id, request: Request, session: DbSession, _: Reader) -> Response:
    """Recompute the digest and signature from the stored snapshot."""
    result = service.verify_baseline(session, baseline_id, request.app.state.secret_key)
    return json_response(VerifyOut(**result), VerifyOut)


@router.get("/baselines/{baseline_id}/diff", response_model=DiffOut)
def diff_baseline(
    baseline_id: Id,
    session: DbSession,
    _: Reader,
    against: str = Query("now", max_length=20, description="Another baseline's id, or 'now'."),
) -> Response:
    """From this baseline (before) to the other baseline or to the requirements now (after)."""
    result = comparison.diff_baseline(session, baseline_id, against)
    return json_response(
        DiffOut(baseline_id=baseline_id, against=against, **result.as_dict()), DiffOut
    )


@router.get("/requirements/{requirement_id}/baselines", response_model=list[RequirementBaselineOut])
def requirement_baselines(requirement_id: Id, session: DbSession, _: Reader) -> Response:
    """The baselines holding this requirement, newest first (a deleted requirement's too)."""
    baselines = queries.baselines_for_requirement(session, requirement_id)
    if not baselines and session.get(Requirement, requirement_id) is None:
        raise NotFound(f"Requirement {requirement_id} does not exist")
    return json_response(
        [
            RequirementBaselineOut(
                id=b.id,
                name=b.name,
                status=BaselineStatus(b.status),
                signed_at=b.signed_at,
                project_id=b.project_id,
            )
            for b in baselines
        ],
        list[RequirementBaselineOut],
    )
