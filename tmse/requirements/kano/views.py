"""HTML pages of Kano surveys: the list, the create form, a survey with its results and chart,
CSV import, and the anonymous answer form reached through the share link."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.body_limit import accepts_import_body
from tmse.core.deps import DbSession, optional_actor, require
from tmse.core.errors import Conflict, InvalidInput, NotFound
from tmse.core.input_types import parse_int32
from tmse.core.pagination import ListParams, list_params
from tmse.core.parse_first import import_actor, read_session, write_session
from tmse.core.permissions import KANO_WRITE, READ
from tmse.requirements.import_messages import translated_csv_errors
from tmse.requirements.kano import csv_io, service
from tmse.requirements.kano.chart import scatter_option
from tmse.requirements.kano.labels import ANSWER_LABELS, CATEGORY_LABELS, category_colours
from tmse.requirements.kano.models import KanoSurvey
from tmse.requirements.kano.outputs import SHARE_PATH, results_out, survey_out
from tmse.requirements.kano.schemas import SurveyCreate, SurveyUpdate
from tmse.requirements.kano.service import SubmittedResponse
from tmse.requirements.models import Requirement
from tmse.web.forms import SubmittedForm, Translate, forbidden_page, not_found_page, translator
from tmse.web.labels import N_
from tmse.web.page_context import saved_flash
from tmse.web.templating import NavItem, register_nav, render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Actor, Depends(require(READ))]
MaybeActor = Annotated[Actor | None, Depends(optional_actor)]
Paging = Annotated[ListParams, Depends(list_params)]
_FEATURE_LINE = re.compile(r"\s*\|\s*")

register_nav(NavItem("kano", N_("Kano surveys"), "/kano", READ, order=4, group="strategy"))


def _common() -> dict[str, Any]:
    return {
        "active": "kano",
        "category_labels": CATEGORY_LABELS,
        "answer_labels": ANSWER_LABELS,
        "category_colours": category_colours(),
    }


@router.get("/kano")
def surveys_page(request: Request, session: DbSession, actor: Reader, paging: Paging) -> Response:
    rows, total = service.list_surveys(session, paging)
    page = {"items": rows, "total": total, "limit": paging.limit, "offset": paging.offset}
    return render(
        request,
        "requirements/kano/surveys.html",
        _common() | {"page": page, "can_write": actor.can(KANO_WRITE)},
    )


def parse_features(text: str) -> tuple[list[dict[str, Any]], int | None]:
    """One feature a line: `name`, `KEY | name` or `KEY | name | requirement id`; keys left out
    become F1, F2, ... by position. Returns (features, first bad line)."""
    features: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = _FEATURE_LINE.split(line.strip())
        if len(parts) == 1:
            features.append({"key": f"F{len(features) + 1}", "name": parts[0]})
        elif len(parts) in (2, 3) and all(parts[:2]):
            feature: dict[str, Any] = {"key": parts[0], "name": parts[1]}
            if len(parts) == 3 and parts[2]:
                requirement_id = parse_int32(parts[2])
                if requirement_id is None:
                    return [], number
                feature["requirement_id"] = requirement_id
            features.append(feature)
        else:
            return [], number
    return features, None


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
def new_survey_page(request: Request, actor: Reader) -> Response:
    if not actor.can(KANO_WRITE):
        return forbidden_page(request, KANO_WRITE)
    return _render_new(request, {"name": "", "description": "", "features": "", "gap": "6"})


# Where a field of the request body shows on the form.
_FORM_FIELDS = {"name": "name", "description": "description", "category_gap": "gap"}


@router.post("/kano/new")
def create_survey_form(
    request: Request, session: DbSession, actor: Reader, form: SubmittedForm
) -> Response:
    if not actor.can(KANO_WRITE):
        return forbidden_page(request, KANO_WRITE)
    _ = translator(request)
    values = {
        "name": str(form.get("name", "")).strip(),
        "description": str(form.get("description", "")).strip(),
        "features": str(form.get("features", "")),
        "gap": str(form.get("gap", "6")).strip() or "6",
    }
    features, bad_line = parse_features(values["features"])
    errors: dict[str, str] = {}
    if bad_line is not None:
        hint = _("Line %(line)s: write “name”, “KEY | name” or “KEY | name | id”.")
        errors["features"] = hint % {"line": bad_line}
    try:
        data = SurveyCreate(
            name=values["name"],
            description=values["description"],
            features=features,
            category_gap=values["gap"],
        )
    except ValidationError as exc:
        for error in exc.errors():
            location = [str(p) for p in error.get("loc", ())]
            field = _FORM_FIELDS.get(location[0], "features") if location else "features"
            if field == "features":
                errors.setdefault(field, _feature_message(location, features, _))
            elif field == "gap":
                errors.setdefault(field, _("Enter a number from 0 to 100."))
            else:
                errors.setdefault(field, _("This field is required."))
        data = None
    if errors or data is None:
        return _render_new(
            request, values, errors, _("Please correct the marked fields."), status_code=422
        )
    try:
        survey = service.create_survey(session, actor, data)
    except InvalidInput as exc:
        for error in exc.extra["errors"]:
            errors.setdefault("features", _feature_message(str(error["field"]), features, _))
        return _render_new(
            request, values, errors, _("Please correct the marked fields."), status_code=422
        )
    return RedirectResponse(f"/kano/{survey.id}?saved=1", status_code=303)


def _feature_message(location: Any, features: list[dict[str, Any]], _: Translate) -> str:
    """A translated message for a feature at fault, naming its line's key."""
    text = ".".join(location) if isinstance(location, list) else str(location)
    match = re.match(r"features(?:\[|\.)(\d+)", text)
    if location in (["features"], "features") or not features:
        return _("List at least one feature, one a line.")
    key = features[int(match.group(1))]["key"] if match else ""
    if "requirement_id" in text:
        return _("Feature %(key)s: there is no requirement with this id.") % {"key": key}
    if text.endswith("key"):
        return _(
            "Feature %(key)s: keys are letters, digits, “_”, “-” or “.”, unique in the survey."
        ) % {"key": key}
    return _("Feature %(key)s: the name is missing or too long.") % {"key": key}


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
    out = survey_out(session, survey)
    results = results_out(session, survey)
    recent, _total = service.list_responses(
        session, survey.id, ListParams(limit=8, offset=0, sort="-id")
    )
    share_url = str(request.base_url).rstrip("/") + SHARE_PATH.format(token=survey.share_token)
    linked = {f.requirement_id for f in out.features if f.requirement_id is not None}
    titles = session.execute(
        select(Requirement.id, Requirement.title).where(Requirement.id.in_(linked))
    )
    requirement_titles = {row.id: row.title for row in titles}
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
            "can_write": actor.can(KANO_WRITE),
            "csv_header": ",".join(csv_io.header([f.key for f in out.features])),
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
    actor: Annotated[Actor, Depends(import_actor(READ))],
    survey_id: int,
    form: SubmittedForm,
) -> Response:
    if not actor.can(KANO_WRITE):
        return forbidden_page(request, KANO_WRITE)
    _ = translator(request)
    text = str(form.get("csv", ""))
    try:
        # Read before the write transaction opens: on SQLite it locks out every other writer.
        read = csv_io.read_responses(text)
        with write_session(request) as session:
            survey = _survey_or_none(session, survey_id)
            count = csv_io.import_read(session, actor, survey, read) if survey else 0
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
    request: Request, session: DbSession, actor: Reader, survey_id: int, form: SubmittedForm
) -> Response:
    if not actor.can(KANO_WRITE):
        return forbidden_page(request, KANO_WRITE)
    survey = _survey_or_none(session, survey_id)
    if survey is None:
        return not_found_page(request, N_("This survey does not exist."))
    # An unreadable version is a stale one (409), not an invalid update.
    version = parse_int32(form.get("version")) or 0
    data = SurveyUpdate(version=version, is_open=form.get("open") == "1")
    try:
        service.update_survey(session, actor, survey_id, data)
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
            "features": service.features_of(session, survey.id),
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
    features = service.features_of(session, survey.id)
    values: dict[str, Any] = {"respondent": str(form.get("respondent", "")).strip()}
    answers: dict[str, dict[str, str]] = {}
    for feature in features:
        pair = {q: str(form.get(f"{q}-{feature.key}", "")) for q in ("functional", "dysfunctional")}
        values.update({f"{q}-{feature.key}": v for q, v in pair.items()})
        answers[feature.key] = pair
    submitted = [SubmittedResponse(values["respondent"], answers)]
    errors: dict[str, str] = {}
    try:
        service.submit_responses(session, actor, survey, submitted, "web", require_all=True)
    except InvalidInput as exc:
        for error in exc.extra["errors"]:
            field = str(error["field"])
            if field == "respondent":
                errors["respondent"] = _("Enter your name.")
            elif field.startswith("answers."):
                parts = field.split(".")
                name = f"{parts[2]}-{parts[1]}" if len(parts) == 3 else f"functional-{parts[1]}"
                errors[name] = _("Choose one answer.")
    except Conflict as exc:
        if exc.extra.get("field") == "respondent":
            errors["respondent"] = _(
                "Someone with this name has answered already; each person answers once."
            )
        else:
            return _render_respond(
                request, session, survey, values,
                message=_("This survey is closed; it takes no more answers."), status_code=409,
            )  # fmt: skip
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
