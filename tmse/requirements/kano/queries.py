"""Reading Kano surveys: features, responses, results counted in SQL and classified by the pure
analysis, the API's response models (the pages use them too) and the CSV export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tmse.core.pagination import ListParams, paginate
from tmse.integrations import kano_csv
from tmse.requirements.kano import analysis
from tmse.requirements.kano.models import KanoAnswer, KanoFeature, KanoResponse, KanoSurvey
from tmse.requirements.kano.schemas import (
    AnswerPairOut,
    FeatureOut,
    FeatureResultOut,
    ResponseOut,
    ResultsOut,
    SurveyOut,
)
from tmse.requirements.models import Requirement

SHARE_PATH = "/kano/respond/{token}"


def features_of(session: Session, survey_id: int) -> list[KanoFeature]:
    return list(
        session.scalars(
            select(KanoFeature)
            .where(KanoFeature.survey_id == survey_id)
            .order_by(KanoFeature.position, KanoFeature.id)
        )
    )


def response_count(session: Session, survey_id: int) -> int:
    stmt = select(func.count()).where(KanoResponse.survey_id == survey_id)
    return session.scalar(stmt) or 0


def list_surveys(session: Session, params: ListParams) -> tuple[list[dict[str, Any]], int]:
    """Surveys with their feature and response counts, one page."""
    features = (
        select(func.count())
        .where(KanoFeature.survey_id == KanoSurvey.id)
        .correlate(KanoSurvey)
        .scalar_subquery()
    )
    responses = (
        select(func.count())
        .where(KanoResponse.survey_id == KanoSurvey.id)
        .correlate(KanoSurvey)
        .scalar_subquery()
    )
    stmt = select(
        KanoSurvey.id,
        KanoSurvey.name,
        KanoSurvey.is_open,
        KanoSurvey.version,
        KanoSurvey.created_at,
        features.label("features"),
        responses.label("responses"),
    )
    sortable = {"id": KanoSurvey.id, "name": KanoSurvey.name, "created_at": KanoSurvey.created_at}
    rows, total = paginate(
        session, stmt, params, sortable, "-created_at", KanoSurvey.id, as_rows=True
    )
    return [dict(row._mapping) for row in rows], total


def answers_of(session: Session, response_ids: list[int]) -> dict[int, dict[str, tuple[str, str]]]:
    """{response id: {feature key: (functional, dysfunctional)}}."""
    found: dict[int, dict[str, tuple[str, str]]] = {r: {} for r in response_ids}
    if not response_ids:
        return found
    rows = session.execute(
        select(
            KanoAnswer.response_id, KanoFeature.key, KanoAnswer.functional, KanoAnswer.dysfunctional
        )
        .join(KanoFeature, KanoFeature.id == KanoAnswer.feature_id)
        .where(KanoAnswer.response_id.in_(response_ids))
    )
    for response_id, key, functional, dysfunctional in rows:
        found[response_id][key] = (functional, dysfunctional)
    return found


def all_responses(session: Session, survey_id: int) -> list[KanoResponse]:
    stmt = select(KanoResponse).where(KanoResponse.survey_id == survey_id)
    return list(session.scalars(stmt.order_by(KanoResponse.id)))


def list_responses(
    session: Session, survey_id: int, params: ListParams
) -> tuple[list[KanoResponse], int]:
    stmt = select(KanoResponse).where(KanoResponse.survey_id == survey_id)
    sortable = {
        "id": KanoResponse.id,
        "respondent": KanoResponse.respondent,
        "created_at": KanoResponse.created_at,
    }
    return paginate(session, stmt, params, sortable, "id", KanoResponse.id)


def latest_responses(session: Session, survey_id: int, limit: int) -> list[KanoResponse]:
    """The survey's newest responses, newest first."""
    stmt = select(KanoResponse).where(KanoResponse.survey_id == survey_id)
    return list(session.scalars(stmt.order_by(KanoResponse.id.desc()).limit(limit)))


@dataclass(frozen=True)
class FeatureResults:
    feature: KanoFeature
    result: analysis.FeatureResult


def results(
    session: Session,
    survey: KanoSurvey,
    gap: float | None = None,
    features: list[KanoFeature] | None = None,
) -> list[FeatureResults]:
    """Each feature's classification, counted in SQL by answer pair (at most 25 rows a
    feature) and evaluated by the pure analysis; `features`: the survey's, when already read."""
    pairs: dict[int, dict[str, int]] = {}
    rows = session.execute(
        select(
            KanoAnswer.feature_id,
            KanoAnswer.functional,
            KanoAnswer.dysfunctional,
            func.count(),
        )
        .join(KanoFeature, KanoFeature.id == KanoAnswer.feature_id)
        .where(KanoFeature.survey_id == survey.id)
        .group_by(KanoAnswer.feature_id, KanoAnswer.functional, KanoAnswer.dysfunctional)
    )
    for feature_id, functional, dysfunctional, count in rows:
        counts = pairs.setdefault(feature_id, dict.fromkeys(analysis.CATEGORIES, 0))
        counts[analysis.classify(functional, dysfunctional)] += count
    chosen_gap = survey.category_gap if gap is None else gap
    return [
        FeatureResults(f, analysis.evaluate(pairs.get(f.id, {}), chosen_gap))
        for f in (features_of(session, survey.id) if features is None else features)
    ]


def export_responses(session: Session, survey: KanoSurvey) -> str:
    """Every response in the import format, one row a respondent."""
    keys = [f.key for f in features_of(session, survey.id)]
    responses = all_responses(session, survey.id)
    answers = answers_of(session, [r.id for r in responses])
    return kano_csv.render_responses(keys, ((r.respondent, answers[r.id]) for r in responses))


def survey_out(
    session: Session,
    survey: KanoSurvey,
    features: list[KanoFeature] | None = None,
    respondents: int | None = None,
) -> SurveyOut:
    """The survey with its features and response count (either given when already read)."""
    if features is None:
        features = features_of(session, survey.id)
    return SurveyOut(
        id=survey.id,
        name=survey.name,
        description=survey.description,
        category_gap=survey.category_gap,
        is_open=survey.is_open,
        share_token=survey.share_token,
        share_path=SHARE_PATH.format(token=survey.share_token),
        features=[
            FeatureOut(id=f.id, key=f.key, name=f.name, requirement_id=f.requirement_id)
            for f in features
        ],
        responses=response_count(session, survey.id) if respondents is None else respondents,
        version=survey.version,
        created_at=survey.created_at,
        updated_at=survey.updated_at,
    )


def responses_out(session: Session, responses: list[KanoResponse]) -> list[ResponseOut]:
    answers = answers_of(session, [r.id for r in responses])
    return [
        ResponseOut(
            id=r.id,
            survey_id=r.survey_id,
            respondent=r.respondent,
            channel=r.channel,
            answers={
                key: AnswerPairOut(functional=f, dysfunctional=d, category=analysis.classify(f, d))
                for key, (f, d) in answers.get(r.id, {}).items()
            },
            created_at=r.created_at,
        )
        for r in responses
    ]


def results_out(
    session: Session,
    survey: KanoSurvey,
    gap: float | None = None,
    features: list[KanoFeature] | None = None,
    respondents: int | None = None,
) -> ResultsOut:
    """Each feature's results (features and response count given when already read)."""
    rows = results(session, survey, gap, features)
    return ResultsOut(
        survey_id=survey.id,
        respondents=response_count(session, survey.id) if respondents is None else respondents,
        category_gap=survey.category_gap if gap is None else gap,
        features=[
            FeatureResultOut(
                key=row.feature.key,
                name=row.feature.name,
                requirement_id=row.feature.requirement_id,
                n=row.result.n,
                counts=row.result.counts,
                percentages={k: round(v, 4) for k, v in row.result.percentages.items()},
                category=row.result.category,
                top_two=[c for c in (row.result.top, row.result.second) if c],
                tie_rule_applied=row.result.tie_rule_applied,
                better=_rounded(row.result.better),
                worse=_rounded(row.result.worse),
                category_strength=_rounded(row.result.category_strength),
                total_strength=_rounded(row.result.total_strength),
                fong_threshold=_rounded(row.result.fong_threshold),
                significant=row.result.significant,
            )
            for row in rows
        ],
    )


def _rounded(value: float | None) -> float | None:
    # + 0.0 turns -0.0 (a Worse of nothing) into 0.0.
    return None if value is None else round(value, 6) + 0.0


def requirement_titles(session: Session, requirement_ids: set[int]) -> dict[int, str]:
    """{id: title} of the requirements features are linked to."""
    if not requirement_ids:
        return {}
    stmt = select(Requirement.id, Requirement.title).where(Requirement.id.in_(requirement_ids))
    return {row.id: row.title for row in session.execute(stmt)}
