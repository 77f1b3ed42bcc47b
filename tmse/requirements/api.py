"""JSON routes of requirements under /api/v1/requirements: intake, the ranked backlog, edits,
history, CSV import, the MoSCoW balance and custom field definitions."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query, Request, Response, status
from starlette.concurrency import run_in_threadpool

from tmse.core.actor import Actor
from tmse.core.body_limit import accepts_import_body
from tmse.core.deps import DbSession, require
from tmse.core.errors import InvalidInput
from tmse.core.input_types import Id, Offset, SearchText
from tmse.core.pagination import MAX_LIMIT
from tmse.core.parse_first import import_actor, write_session
from tmse.core.permissions import READ, REQUIREMENTS_CONFIGURE, REQUIREMENTS_WRITE
from tmse.core.responses import json_response
from tmse.core.routing import Router
from tmse.requirements import backlog, csv_import, custom_fields, moscow, service
from tmse.requirements.models import Channel
from tmse.requirements.queries import history
from tmse.requirements.schemas import (
    BacklogPage,
    CustomFieldIn,
    CustomFieldOut,
    CustomFieldPatch,
    HistoryEntry,
    ImportResult,
    MustShareOut,
    RequirementCreate,
    RequirementOut,
    RequirementPatch,
    RequirementSummary,
)

router = Router(prefix="/api/v1/requirements", tags=["requirements"])
Reader = Annotated[Actor, Depends(require(READ))]
Writer = Annotated[Actor, Depends(require(REQUIREMENTS_WRITE))]
Configurer = Annotated[Actor, Depends(require(REQUIREMENTS_CONFIGURE))]


@router.get("", response_model=BacklogPage)
def list_requirements(
    request: Request,
    session: DbSession,
    _: Reader,
    limit: int = Query(50, ge=1, le=MAX_LIMIT),
    offset: Offset = 0,
    model: Literal["rice", "wsjf", "moscow"] | None = Query(
        None, description="Rank by RICE, WSJF or MoSCoW (empty scores last, then by id)."
    ),
    sort: str | None = Query(
        None,
        max_length=60,
        description="Without a model: a field, `-field` descending, or `cf.<key>`.",
    ),
    requirement_status: list[SearchText] = Query([], alias="status", max_length=20),
    type: SearchText | None = None,
    moscow_value: str | None = Query(None, alias="moscow", max_length=20),
    project: Id | None = None,
    release: Id | None = None,
    channel: SearchText | None = None,
    q: str | None = Query(
        None, max_length=200, description="Words of the title, REQ-<id> or an external key."
    ),
) -> Response:
    """The backlog; `cf.<key>=value` query parameters filter by custom fields."""
    filters = backlog.BacklogFilters(
        status=tuple(requirement_status),
        type=type,
        moscow=moscow_value,
        project_id=project,
        release_id=release,
        channel=channel,
        q=q,
        custom=backlog.custom_filters(dict(request.query_params)),
    )
    page = backlog.backlog_page(
        session, filters, limit=limit, offset=offset, model=model, sort=sort
    )
    answer = BacklogPage(
        items=[RequirementSummary.model_validate(row) for row in page.items],
        total=page.total,
        limit=limit,
        offset=offset,
        model=model,
    )
    return json_response(answer, BacklogPage)


@router.post("", response_model=RequirementOut, status_code=status.HTTP_201_CREATED)
def create_requirement(
    data: RequirementCreate, session: DbSession, actor: Writer
) -> RequirementOut:
    """Intake through the API (channel `api`); you are the requester unless `requester` says."""
    values = data.model_dump(exclude_unset=True, exclude={"external_key"})
    requirement = service.create_requirement(
        session, actor, values, Channel.API, external_key=data.external_key
    )
    return RequirementOut.model_validate(requirement)


@router.get("/moscow-balance", response_model=MustShareOut)
def moscow_balance(
    session: DbSession, _: Reader, project: Id | None = None, release: Id | None = None
) -> MustShareOut:
    """Must-have effort against total effort; `over_limit` when above the release's or project's
    limit (60% unless configured)."""
    share = moscow.must_effort_share(session, project_id=project, release_id=release)
    return MustShareOut(project_id=project, release_id=release, **share.__dict__)


@router.post("/import/csv", response_model=ImportResult)
@accepts_import_body
async def import_csv(
    request: Request,
    actor: Annotated[Actor, Depends(import_actor(REQUIREMENTS_WRITE))],
    mapping: Literal["generic", "jira"] = "generic",
) -> ImportResult:
    """Import a CSV (text/csv body, or multipart with a `file` part); all rows or none."""
    text = await _csv_text(request)
    outcome = await run_in_threadpool(_import_text, request, actor, text, mapping)
    return ImportResult(
        mapping=outcome.mapping,
        rows=outcome.rows,
        created=len(outcome.created),
        updated=len(outcome.updated),
        unchanged=len(outcome.unchanged),
        ids=outcome.created + outcome.updated,
    )


def _import_text(
    request: Request, actor: Actor, text: str, mapping: str
) -> csv_import.ImportOutcome:
    # Parsed before the write transaction opens: on SQLite it locks out every other writer.
    parsed = csv_import.parse_csv(text, mapping)
    with write_session(request) as session:
        return csv_import.import_rows(session, actor, parsed)


async def _csv_text(request: Request) -> str:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise InvalidInput(
                "No file", [{"field": "file", "message": "attach the CSV as `file`"}]
            )
        raw = await upload.read()
    else:
        raw = await request.body()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            "The file is not UTF-8", [{"field": "file", "message": "save the CSV as UTF-8"}]
        ) from None


@router.get("/custom-fields", response_model=list[CustomFieldOut])
def list_custom_fields(session: DbSession, _: Reader) -> list[CustomFieldOut]:
    return [CustomFieldOut.model_validate(d) for d in custom_fields.definitions(session)]


@router.post("/custom-fields", response_model=CustomFieldOut, status_code=status.HTTP_201_CREATED)
def create_custom_field(
    data: CustomFieldIn, session: DbSession, actor: Configurer
) -> CustomFieldOut:
    field = custom_fields.create_definition(session, actor, data.model_dump())
    return CustomFieldOut.model_validate(field)


@router.patch("/custom-fields/{field_id}", response_model=CustomFieldOut)
def update_custom_field(
    field_id: Id, data: CustomFieldPatch, session: DbSession, actor: Configurer
) -> CustomFieldOut:
    values = data.model_dump(exclude_unset=True, exclude={"version"})
    field = custom_fields.update_definition(session, actor, field_id, values, data.version)
    return CustomFieldOut.model_validate(field)


@router.delete("/custom-fields/{field_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_custom_field(field_id: Id, session: DbSession, actor: Configurer) -> None:
    custom_fields.delete_definition(session, actor, field_id)


@router.get("/{requirement_id:id}", response_model=RequirementOut)
def get_requirement(requirement_id: Id, session: DbSession, _: Reader) -> Response:
    return json_response(service.get_requirement(session, requirement_id), RequirementOut)


@router.patch("/{requirement_id:id}", response_model=RequirementOut)
def update_requirement(
    requirement_id: Id, data: RequirementPatch, session: DbSession, actor: Writer
) -> RequirementOut:
    """Edit fields (not status); a content change resets approvals, and once the requirement is
    in an approved baseline it needs a change request (409 change-request-required)."""
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    requirement = service.update_requirement(session, actor, requirement_id, changes, data.version)
    return RequirementOut.model_validate(requirement)


@router.get("/{requirement_id:id}/history", response_model=list[HistoryEntry])
def requirement_history(requirement_id: Id, session: DbSession, _: Reader) -> list[HistoryEntry]:
    service.get_requirement(session, requirement_id)
    return [
        HistoryEntry(id=e.id, at=e.at, actor=e.actor_name, action=e.action, changes=e.changes)
        for e in history(session, requirement_id)
    ]
