"""JSON routes of Kano surveys under /api/v1/kano (see docs/kano.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Body, Depends, Query, Request, status
from fastapi.responses import PlainTextResponse, Response

from tmse.core.actor import Actor
from tmse.core.body_limit import accepts_import_body
from tmse.core.deps import DbSession, require
from tmse.core.errors import InvalidInput
from tmse.core.input_types import Id
from tmse.core.openapi_declarations import file_answer
from tmse.core.pagination import ListParams, Page, sorted_by
from tmse.core.parse_first import import_actor, write_session
from tmse.core.permissions import KANO_RESPOND, KANO_WRITE, READ
from tmse.core.responses import json_response
from tmse.core.routing import Router
from tmse.requirements.kano import queries, service
from tmse.requirements.kano.queries import responses_out, results_out, survey_out
from tmse.requirements.kano.schemas import (
    ImportOut,
    ResponseIn,
    ResponseOut,
    ResultsOut,
    SurveyCreate,
    SurveyOut,
    SurveySummary,
    SurveyUpdate,
)

router = Router(prefix="/api/v1/kano", tags=["kano"])
Reader = Annotated[Actor, Depends(require(READ))]
Writer = Annotated[Actor, Depends(require(KANO_WRITE))]
Respondent = Annotated[Actor, Depends(require(KANO_RESPOND))]
MAX_CSV_BYTES = 5 * 1024 * 1024


@router.get("/surveys", response_model=Page[SurveySummary])
def list_surveys(
    session: DbSession,
    _: Reader,
    paging: Annotated[ListParams, Depends(sorted_by("created_at", "id", "name"))],
) -> Response:
    rows, total = queries.list_surveys(session, paging)
    items = [SurveySummary(**row) for row in rows]
    return json_response(
        Page(items=items, total=total, limit=paging.limit, offset=paging.offset),
        Page[SurveySummary],
    )


@router.post("/surveys", response_model=SurveyOut, status_code=status.HTTP_201_CREATED)
def create_survey(data: SurveyCreate, session: DbSession, actor: Writer) -> SurveyOut:
    """A survey with its features; it gets a share token for the anonymous answer form."""
    return survey_out(session, service.create_survey(session, actor, data))


@router.get("/surveys/{survey_id}", response_model=SurveyOut)
def get_survey(survey_id: Id, session: DbSession, _: Reader) -> Response:
    return json_response(survey_out(session, service.get_survey(session, survey_id)), SurveyOut)


@router.patch("/surveys/{survey_id}", response_model=SurveyOut)
def update_survey(
    survey_id: Id, data: SurveyUpdate, session: DbSession, actor: Writer
) -> SurveyOut:
    """Rename, change the category gap, or close/reopen the survey."""
    return survey_out(session, service.update_survey(session, actor, survey_id, data))


@router.post(
    "/surveys/{survey_id}/responses",
    response_model=ResponseOut,
    status_code=status.HTTP_201_CREATED,
)
def submit_response(
    survey_id: Id, data: ResponseIn, session: DbSession, actor: Respondent
) -> ResponseOut:
    """The caller's own answers, recorded under their username. Each user answers a survey
    once (a second answer is a 409); people without an account answer through the share link."""
    survey = service.get_survey(session, survey_id)
    answers = {key: pair.model_dump() for key, pair in data.answers.items()}
    stored = service.submit_own_response(session, actor, survey, answers)
    return responses_out(session, [stored])[0]


@router.get("/surveys/{survey_id}/responses", response_model=Page[ResponseOut])
def list_responses(
    survey_id: Id,
    session: DbSession,
    _: Reader,
    paging: Annotated[ListParams, Depends(sorted_by("created_at", "id", "respondent"))],
) -> Response:
    service.get_survey(session, survey_id)
    rows, total = queries.list_responses(session, survey_id, paging)
    items = responses_out(session, rows)
    return json_response(
        Page(items=items, total=total, limit=paging.limit, offset=paging.offset), Page[ResponseOut]
    )


@router.delete(
    "/surveys/{survey_id}/responses/{response_id}", status_code=status.HTTP_204_NO_CONTENT
)
def delete_response(survey_id: Id, response_id: Id, session: DbSession, actor: Writer) -> Response:
    """Remove a response, e.g. so its respondent can answer again."""
    service.delete_response(session, actor, survey_id, response_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/surveys/{survey_id}/responses/import",
    response_model=ImportOut,
    status_code=status.HTTP_201_CREATED,
)
@accepts_import_body
def import_responses(
    request: Request,
    survey_id: Id,
    body: Annotated[bytes, Body(media_type="text/csv")],
    actor: Annotated[Actor, Depends(import_actor(KANO_WRITE))],
) -> ImportOut:
    """A CSV body (columns respondent, <key>_functional, <key>_dysfunctional): every row is
    stored, or none and a 422 lists each bad row's line and column."""
    if len(body) > MAX_CSV_BYTES:
        raise InvalidInput("The CSV is too large", [{"field": "body", "message": "at most 5 MB"}])
    # Read before the write transaction opens: on SQLite it locks out every other writer.
    table = service.read_csv(body.decode("utf-8-sig", errors="replace"))
    with write_session(request) as session:
        survey = service.get_survey(session, survey_id)
        return ImportOut(imported=service.import_responses(session, actor, survey, table))


@router.get(
    "/surveys/{survey_id}/responses.csv",
    response_class=Response,
    responses=file_answer("text/csv", "Every response, in the import format."),
)
def export_responses(survey_id: Id, session: DbSession, _: Reader) -> PlainTextResponse:
    """Every response in the import format."""
    survey = service.get_survey(session, survey_id)
    return PlainTextResponse(
        queries.export_responses(session, survey),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="kano-{survey_id}.csv"'},
    )


@router.get("/surveys/{survey_id}/results", response_model=ResultsOut)
def survey_results(
    survey_id: Id,
    session: DbSession,
    _: Reader,
    gap: Annotated[
        float | None,
        Query(ge=0, le=100, description="Override the survey's category gap (points)."),
    ] = None,
) -> Response:
    """Per feature: counts of A, O, M, I, R, Q, the category, Better, Worse, strengths and
    Fong's significance."""
    return json_response(
        results_out(session, service.get_survey(session, survey_id), gap), ResultsOut
    )
