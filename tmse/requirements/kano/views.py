"""HTML pages of Kano surveys: the list, the create form, a survey with its results and chart,
CSV import, and the anonymous answer form reached through the share link."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.body_limit import accepts_import_body
from tmse.core.deps import DbSession, optional_actor, require
from tmse.core.errors import Conflict, InvalidInput, NotFound, StaleVersion
from tmse.core.input_types import parse_int32
from tmse.core.messages import N_
from tmse.core.pagination import ListParams, list_params
from tmse.core.parse_first import import_actor, read_session, write_session
from tmse.core.permissions import KANO_WRITE, READ
from tmse.core.routing import Router
from tmse.integrations import kano_csv
from tmse.requirements.import_messages import translated_csv_errors
from tmse.requirements.kano import forms, queries, service
from tmse.requirements.kano.chart import scatter_option
from tmse.requirements.kano.labels import (
    ANSWER_LABELS,
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    category_colours,
)
from tmse.requirements.kano.models import KanoSurvey
from tmse.requirements.kano.queries import SHARE_PATH, results_out, survey_out
from tmse.requirements.kano.schemas import SurveyUpdate
from tmse.web.forms import STALE_MESSAGE, SubmittedForm, not_found_page, translator
from tmse.web.page_context import saved_flash
from tmse.web.templating import NavItem, register_nav, render

router = Router(include_in_schema=False)
Reader = Annotated[Actor, Depends(require(READ))]
Writer = Annotated[Actor, Depends(require(KANO_WRITE))]
MaybeActor = Annotated[Actor | None, Depends(optional_actor)]
Paging = Annotated[ListParams, Depends(list_params)]

register_nav(NavItem("kano", N_("Kano surveys"), "/kano", READ, order=4, group="strategy"))


def _common() -> dict[str, Any]:
    return {
        "active": "kano",
        "category_labels": CATEGORY_LABELS,
        "answer_labels": ANSWER_LABELS,
        "channel_labels": CHANNEL_LABELS,
        "category_colours": category_colours(),
    }


@router.get("/kano")
def surveys_page(request: Request, session: DbSession, actor: Reader, paging: Paging) -> Response:
    rows, total = queries.list_surveys(session, paging)
    page = {"items": rows, "total": total, "limit": paging.limit, "offset": paging.offset}
    actions = service.allowed_actions(actor, None)
    return render(
        request, "requirements/kano/surveys.html", _common() | {"page": page, "actions": actions}
    )


def _render_new(
    request: Request,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> Response:
    context = {"values": values, "errors": errors or {}, "message": message}
    return render(
        request, "requirements/kano/survey_form.html", _common() | context, status_code=status_code
    )


@router.get("/kano/new")
def new_survey_page(request: Request, actor: Writer) -> Response:
    return _render_new(request, forms.blank_survey())


@router.post("/kano/new")
def create_survey_form(
    request: Request, session: DbSession, actor: Writer, form: SubmittedForm
) -> Response:
    _ = translator(request)
    values = forms.survey_values(form)
    data, features, errors = forms.survey_request(values, _)
    correct = _("Please correct the marked fields.")
    if data is None:
        return _render_new(request, values, errors, correct, status_code=422)
    try:
        survey = service.create_survey(session, actor, data)
    except InvalidInput as exc:
        errors = forms.refused_features(exc, features, _)
        return _render_new(request, values, errors, correct, status_code=422)
    return RedirectResponse(f"/kano/{survey.id}?saved=1", status_code=303)


def _survey_or_none(session: Session, survey_id: int) -> KanoSurvey | None:
    try:
        return service.get_survey(session, survey_id)
    except NotFound:
        return None


def render_survey(
    request: Request,
    session: Session,
    actor: Actor,
    survey: KanoSurvey,
    import_errors: list[dict[str, Any]] | None = None,
    import_text: str = "",
    message: str | None = None,
    flashes: list[dict[str, str]] | None = None,
    status_code: int = 200,
) -> Response:
    _ = translator(request)
    # Features and the response count read once for both the survey and its results.
    features = queries.features_of(session, survey.id)
    respondents = queries.response_count(session, survey.id)
    out = survey_out(session, survey, features, respondents)
    results = results_out(session, survey, features=features, respondents=respondents)
    recent = queries.latest_responses(session, survey.id, 8)
    share_url = str(request.base_url).rstrip("/") + SHARE_PATH.format(token=survey.share_token)
    linked = {f.requirement_id for f in out.features if f.requirement_id is not None}
    requirement_titles = queries.requirement_titles(session, linked)
    return render(
        request,
        "requirements/kano/survey.html",
        _common()
        | {
            "survey": out,
            "results": results,
            "answered": [f for f in results.features if f.n],
            "chart_option": scatter_option(results.features, _),
            "recent": recent,
            "share_url": share_url,
            "requirement_titles": requirement_titles,
            "actions": service.allowed_actions(actor, survey),
            "csv_header": ",".join(kano_csv.header([f.key for f in out.features])),
            "import_errors": import_errors or [],
            "import_text": import_text,
            "message": message,
            "flashes": flashes or [],
        },
        status_code=status_code,
    )


@router.get("/kano/{survey_id}")
def survey_page(
    request: Request, session: DbSession, actor: Reader, survey_id: int, saved: str = ""
) -> Response:
    survey = _survey_or_none(session, survey_id)
    if survey is None:
        return not_found_page(request, N_("This survey does not exist."))
    flashes = saved_flash(request, saved)
    return render_survey(request, session, actor, survey, flashes=flashes)


@router.post("/kano/{survey_id}/import")
@accepts_import_body
def import_form(
    request: Request,
    actor: Annotated[Actor, Depends(import_actor(KANO_WRITE))],
    survey_id: int,
    form: SubmittedForm,
) -> Response:
    _ = translator(request)
    text = str(form.get("csv", ""))
    try:
        # Read before the write transaction opens: on SQLite it locks out every other writer.
        table = service.read_csv(text)
        with write_session(request) as session:
            survey = _survey_or_none(session, survey_id)
            count = service.import_responses(session, actor, survey, table) if survey else 0
    except (InvalidInput, Conflict) as exc:
        errors = translated_csv_errors(exc.extra.get("errors", []), _)
        message = _("Nothing was imported: correct the rows listed below and import again.")
        if isinstance(exc, Conflict):
            message = _("This survey is closed; it takes no more answers.")
        with read_session(request) as session:
            survey = _survey_or_none(session, survey_id)
            if survey is None:
                return not_found_page(request, N_("This survey does not exist."))
            return render_survey(
                request, session, actor, survey, errors, text, message, status_code=422
            )
    if survey is None:
        return not_found_page(request, N_("This survey does not exist."))
    flash = _("%(count)s responses imported.") % {"count": count}
    with read_session(request) as session:
        survey = _survey_or_none(session, survey_id)
        assert survey is not None
        return render_survey(
            request, session, actor, survey, flashes=[{"kind": "success", "text": flash}]
        )


@router.post("/kano/{survey_id}/status")
def status_form(
    request: Request, session: DbSession, actor: Writer, survey_id: int, form: SubmittedForm
) -> Response:
    survey = _survey_or_none(session, survey_id)
    if survey is None:
        return not_found_page(request, N_("This survey does not exist."))
    # An unreadable version is a stale one (409), not an invalid update.
    version = parse_int32(form.get("version")) or 0
    data = SurveyUpdate(version=version, is_open=form.get("open") == "1")
    try:
        service.update_survey(session, actor, survey_id, data)
    except StaleVersion as exc:
        _ = translator(request)
        message = _(STALE_MESSAGE) % {"version": exc.extra.get("current_version", "?")}
        return render_survey(request, session, actor, survey, message=message, status_code=409)
    except Conflict as exc:
        return render_survey(request, session, actor, survey, message=exc.detail, status_code=409)
    return RedirectResponse(f"/kano/{survey_id}?saved=1", status_code=303)


# The anonymous answer form: no sign-in, the share token is the permission. The CSRF cookie is
# set on the GET like on the sign-in page, and the form echoes it.


def _render_respond(
    request: Request,
    session: Session,
    survey: KanoSurvey,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "requirements/kano/respond.html",
        _common()
        | {
            "survey": survey,
            "features": queries.features_of(session, survey.id),
            "answers": list(ANSWER_LABELS),
            "values": values,
            "errors": errors or {},
            "message": message,
        },
        status_code=status_code,
    )


def _by_token(request: Request, session: Session, token: str) -> KanoSurvey | Response:
    try:
        return service.survey_by_token(session, token)
    except NotFound:
        return not_found_page(request, N_("This survey link is not valid."))


@router.get("/kano/respond/{token}")
def respond_page(request: Request, session: DbSession, actor: MaybeActor, token: str) -> Response:
    survey = _by_token(request, session, token)
    if isinstance(survey, Response):
        return survey
    respondent = actor.username if actor and actor.user_id else ""
    return _render_respond(request, session, survey, {"respondent": respondent})


@router.post("/kano/respond/{token}")
def respond_submit(
    request: Request, session: DbSession, actor: MaybeActor, token: str, form: SubmittedForm
) -> Response:
    survey = _by_token(request, session, token)
    if isinstance(survey, Response):
        return survey
    _ = translator(request)
    values, submitted = forms.submitted_answers(form, queries.features_of(session, survey.id))
    errors: dict[str, str] = {}
    try:
        service.submit_responses(session, actor, survey, [submitted], "web", require_all=True)
    except InvalidInput as exc:
        errors = forms.answer_errors(exc, _)
    except Conflict as exc:
        if exc.extra.get("field") != "respondent":
            closed = _("This survey is closed; it takes no more answers.")
            return _render_respond(
                request, session, survey, values, message=closed, status_code=409
            )
        errors["respondent"] = _(
            "Someone with this name has answered already; each person answers once."
        )
    if errors:
        message = _("Please answer every question and give your name.")
        return _render_respond(request, session, survey, values, errors, message, 422)
    return RedirectResponse(f"/kano/respond/{token}/thanks", status_code=303)


@router.get("/kano/respond/{token}/thanks")
def thanks_page(request: Request, session: DbSession, actor: MaybeActor, token: str) -> Response:
    survey = _by_token(request, session, token)
    if isinstance(survey, Response):
        return survey
    return render(request, "requirements/kano/thanks.html", _common() | {"survey": survey})
