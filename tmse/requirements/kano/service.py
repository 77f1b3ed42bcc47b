"""Every change to Kano surveys: create and edit surveys, take responses (API, share form, CSV)
and say what a person may do to a survey. Bad input is refused before anything is written."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.errors import Conflict, InvalidInput, NotFound, check_version
from tmse.core.permissions import KANO_WRITE
from tmse.integrations import kano_csv
from tmse.integrations.csv_table import CsvRefused
from tmse.requirements.csv_import import not_csv
from tmse.requirements.kano import analysis
from tmse.requirements.kano.models import KanoAnswer, KanoFeature, KanoResponse, KanoSurvey
from tmse.requirements.kano.queries import features_of
from tmse.requirements.kano.schemas import SurveyCreate, SurveyUpdate
from tmse.requirements.models import Requirement

# Who answered through the share link, as the audit log names them.
SHARE_LINK_ACTOR = Actor(user_id=None, username="kano-share-link")
CHANNELS = ("api", "web", "csv")


@dataclass(frozen=True)
class SubmittedResponse:
    """A response as submitted, before validation; `line` is its CSV line, if any."""

    respondent: str
    answers: Mapping[str, Mapping[str, Any]]
    line: int | None = None
    # Set for a signed-in user's own answer; otherwise the key is made from the name.
    key: str | None = None


def respondent_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def user_respondent_key(user_id: int) -> str:
    """The respondent key of a signed-in user; respondent_key() never keeps a tab, so no typed
    name (share link, CSV) can claim it."""
    return f"\tuser:{user_id}"


def submit_own_response(
    session: Session, actor: Actor, survey: KanoSurvey, answers: Mapping[str, Mapping[str, Any]]
) -> KanoResponse:
    """The signed-in actor's answers, under their username; a second answer is a 409."""
    assert actor.user_id is not None
    own = SubmittedResponse(actor.username, answers, key=user_respondent_key(actor.user_id))
    return submit_responses(session, actor, survey, [own], channel="api")[0]


def snapshot(survey: KanoSurvey) -> dict[str, Any]:
    return {
        "name": survey.name,
        "description": survey.description,
        "category_gap": survey.category_gap,
        "is_open": survey.is_open,
    }


def get_survey(session: Session, survey_id: int) -> KanoSurvey:
    survey = session.get(KanoSurvey, survey_id)
    if survey is None:
        raise NotFound(f"Kano survey {survey_id} does not exist")
    return survey


def survey_by_token(session: Session, token: str) -> KanoSurvey:
    survey = session.scalar(select(KanoSurvey).where(KanoSurvey.share_token == token))
    if survey is None or not token:
        raise NotFound("No survey has this share link")
    return survey


def create_survey(session: Session, actor: Actor, data: SurveyCreate) -> KanoSurvey:
    errors: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, feature in enumerate(data.features):
        if feature.key.casefold() in seen:
            errors.append({"field": f"features[{index}].key", "message": "key is used twice"})
        seen.add(feature.key.casefold())
    wanted = {f.requirement_id for f in data.features if f.requirement_id is not None}
    found = (
        set(session.scalars(select(Requirement.id).where(Requirement.id.in_(wanted))))
        if wanted
        else set()
    )
    for index, feature in enumerate(data.features):
        if feature.requirement_id is not None and feature.requirement_id not in found:
            errors.append(
                {
                    "field": f"features[{index}].requirement_id",
                    "message": f"no requirement {feature.requirement_id}",
                }
            )
    if errors:
        raise InvalidInput("The survey is not valid", errors)
    survey = KanoSurvey(
        name=data.name.strip(),
        description=data.description,
        share_token=secrets.token_urlsafe(24),
        category_gap=data.category_gap,
        is_open=True,
        created_by_id=actor.user_id,
    )
    session.add(survey)
    session.flush()
    for position, feature in enumerate(data.features):
        session.add(
            KanoFeature(
                survey_id=survey.id,
                key=feature.key,
                name=feature.name.strip(),
                position=position,
                requirement_id=feature.requirement_id,
            )
        )
    session.flush()
    after = snapshot(survey) | {"features": [f.key for f in data.features]}
    audit.record(session, actor, "create", "kano_survey", survey.id, None, after)
    return survey


def update_survey(session: Session, actor: Actor, survey_id: int, data: SurveyUpdate) -> KanoSurvey:
    survey = get_survey(session, survey_id)
    check_version("Survey", survey.version, data.version)
    before = snapshot(survey)
    for field in ("name", "description", "category_gap", "is_open"):
        value = getattr(data, field)
        if value is not None:
            setattr(survey, field, value.strip() if field == "name" else value)
    session.flush()
    audit.record(session, actor, "update", "kano_survey", survey.id, before, snapshot(survey))
    return survey


def _validated_answers(
    features: dict[str, KanoFeature],
    answers: Mapping[str, Mapping[str, Any]],
    errors: list[dict[str, Any]],
    where: dict[str, Any],
    require_all: bool = False,
) -> list[tuple[int, str, str]]:
    """(feature id, functional, dysfunctional) per answered feature; faults go to `errors`,
    each naming its field as answers.<KEY>.<question>, plus `where` (e.g. the CSV line)."""
    pairs: list[tuple[int, str, str]] = []
    for key, pair in answers.items():
        feature = features.get(key)
        if feature is None:
            errors.append(
                {"field": f"answers.{key}", "message": f"no feature '{key}' in this survey"} | where
            )
            continue
        parsed: dict[str, str] = {}
        for question in ("functional", "dysfunctional"):
            raw = pair.get(question) if isinstance(pair, Mapping) else None
            answer = analysis.parse_answer(raw) if raw not in (None, "") else None
            if answer is None:
                message = (
                    f"'{raw}' is not one of like, expect, neutral, tolerate, dislike"
                    if raw not in (None, "")
                    else "answer both questions"
                )
                errors.append({"field": f"answers.{key}.{question}", "message": message} | where)
            else:
                parsed[question] = answer.value
        if len(parsed) == 2:
            pairs.append((feature.id, parsed["functional"], parsed["dysfunctional"]))
    if require_all:
        for key in features:
            if key not in answers:
                errors.append({"field": f"answers.{key}", "message": "not answered"} | where)
    if not answers:
        errors.append({"field": "answers", "message": "answer at least one feature"} | where)
    return pairs


def _require_open(survey: KanoSurvey) -> None:
    if not survey.is_open:
        raise Conflict(f"Survey {survey.id} is closed; it takes no more answers.")


def submit_responses(
    session: Session,
    actor: Actor | None,
    survey: KanoSurvey,
    submitted: list[SubmittedResponse],
    channel: str,
    require_all: bool = False,
) -> list[KanoResponse]:
    """Store responses all or nothing. Any bad answer, unknown feature, or respondent who has
    answered already (in the survey or earlier in `submitted`) refuses all with one 422 or 409."""
    _require_open(survey)
    features = {f.key: f for f in features_of(session, survey.id)}
    errors: list[dict[str, Any]] = []
    duplicates: list[dict[str, Any]] = []
    keys = [s.key or respondent_key(s.respondent) for s in submitted]
    existing = set(
        session.scalars(
            select(KanoResponse.respondent_key).where(
                KanoResponse.survey_id == survey.id, KanoResponse.respondent_key.in_(set(keys))
            )
        )
    )
    seen: set[str] = set()
    validated: list[list[tuple[int, str, str]]] = []
    for item, key in zip(submitted, keys, strict=True):
        where = {"line": item.line} if item.line is not None else {}
        if not key:
            errors.append({"field": "respondent", "message": "name the respondent"} | where)
        elif key in existing or key in seen:
            duplicates.append(
                {"field": "respondent", "message": f"'{item.respondent}' has answered"} | where
            )
        seen.add(key)
        validated.append(_validated_answers(features, item.answers, errors, where, require_all))
    if errors or (duplicates and channel == "csv"):
        raise InvalidInput("The answers are not valid", errors + duplicates)
    if duplicates:
        raise Conflict(
            f"'{submitted[0].respondent}' has already answered this survey",
            field="respondent",
        )
    responses = []
    for item, key, pairs in zip(submitted, keys, validated, strict=True):
        response = KanoResponse(
            survey_id=survey.id,
            respondent=" ".join(item.respondent.split()),
            respondent_key=key,
            channel=channel,
            submitted_by_id=actor.user_id if actor else None,
        )
        session.add(response)
        responses.append((response, pairs))
    session.flush()
    session.add_all(
        KanoAnswer(response_id=r.id, feature_id=f, functional=fa, dysfunctional=da)
        for r, pairs in responses
        for f, fa, da in pairs
    )
    session.flush()
    by_id = {f.id: f.key for f in features.values()}
    changes = [
        audit.Change(
            "create",
            "kano_response",
            r.id,
            {
                "survey_id": survey.id,
                "respondent": r.respondent,
                "channel": channel,
                "answers": {by_id[f]: [fa, da] for f, fa, da in pairs},
            },
        )
        for r, pairs in responses
    ]
    who = actor or SHARE_LINK_ACTOR
    if len(changes) == 1:
        only = changes[0]
        audit.record(session, who, "create", "kano_response", only.entity_id, changes=only.changes)
    else:
        audit.record_many(session, who, changes)
    return [r for r, _ in responses]


def delete_response(session: Session, actor: Actor, survey_id: int, response_id: int) -> None:
    response = session.get(KanoResponse, response_id)
    if response is None or response.survey_id != survey_id:
        raise NotFound(f"Survey {survey_id} has no response {response_id}")
    before = {"survey_id": survey_id, "respondent": response.respondent}
    session.execute(delete(KanoAnswer).where(KanoAnswer.response_id == response.id))
    session.delete(response)
    session.flush()
    audit.record(session, actor, "delete", "kano_response", response_id, before, None)


def allowed_actions(actor: Actor, survey: KanoSurvey | None) -> frozenset[str]:
    """What `actor` may do now: to a survey (close or reopen, import answers), or "create"."""
    if not actor.can(KANO_WRITE):
        return frozenset()
    if survey is None:
        return frozenset({"create"})
    return frozenset({"close" if survey.is_open else "reopen", "import"})


def read_csv(text: str) -> kano_csv.ResponseTable:
    """A response CSV read with no database at hand (imports run it before their write
    transaction); a damaged file or header is a 422 naming each line."""
    try:
        return kano_csv.parse_responses(text)
    except CsvRefused as refused:
        raise not_csv(refused) from None


def import_responses(
    session: Session, actor: Actor, survey: KanoSurvey, table: kano_csv.ResponseTable
) -> int:
    """Store every row of a read CSV or none; errors name the line and the CSV column."""
    known = {f.key for f in features_of(session, survey.id)}
    unknown = [
        {"line": 1, "field": column, "message": f"no feature '{key}'"}
        for key, columns in table.columns.items()
        if key not in known
        for column in columns
    ]
    if unknown:
        raise InvalidInput("The CSV header is not valid", unknown)
    rows = [SubmittedResponse(r.respondent, r.answers, line=r.line) for r in table.rows]
    try:
        stored = submit_responses(session, actor, survey, rows, channel="csv")
    except InvalidInput as exc:
        errors = [
            {**e, "field": kano_csv.column_of(str(e.get("field", "")))} for e in exc.extra["errors"]
        ]
        errors.sort(key=lambda e: (e.get("line") or 0, e["field"]))
        lines = sorted({e["line"] for e in errors if e.get("line")})
        raise InvalidInput(
            f"{len(lines)} rows are not valid; nothing was imported", errors
        ) from None
    return len(stored)
