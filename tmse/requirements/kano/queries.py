"""Kano surveys, responses and results as the API's response models (the pages use them too)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tmse.requirements.kano import analysis, service
from tmse.requirements.kano.models import KanoResponse, KanoSurvey
from tmse.requirements.kano.schemas import (
    AnswerPairOut,
    FeatureOut,
    FeatureResultOut,
    ResponseOut,
    ResultsOut,
    SurveyOut,
)

SHARE_PATH = "/kano/respond/{token}"


def survey_out(session: Session, survey: KanoSurvey) -> SurveyOut:
    features = service.features_of(session, survey.id)
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
        responses=service.response_count(session, survey.id),
        version=survey.version,
        created_at=survey.created_at,
        updated_at=survey.updated_at,
    )


def responses_out(session: Session, responses: list[KanoResponse]) -> list[ResponseOut]:
    answers = service.answers_of(session, [r.id for r in responses])
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


def results_out(session: Session, survey: KanoSurvey, gap: float | None = None) -> ResultsOut:
    rows = service.results(session, survey, gap)
    return ResultsOut(
        survey_id=survey.id,
        respondents=service.response_count(session, survey.id),
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
