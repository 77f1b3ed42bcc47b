"""Request and response models of the Kano survey API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from tmse.core.input_types import Id, PatchModel, Version, line

KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$"


class FeatureIn(BaseModel):
    key: str = Field(pattern=KEY_PATTERN, description="Short key, unique in the survey, e.g. F1.")
    name: str = Field(min_length=1, max_length=300, description="What the questions ask about.")
    requirement_id: Id | None = Field(default=None, description="The requirement it stands for.")


class SurveyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=10000)
    features: list[FeatureIn] = Field(min_length=1, max_length=100)
    category_gap: float = Field(
        default=6.0,
        ge=0,
        le=100,
        description="Percentage points within which M > O > A > I decides between the top two.",
    )


class SurveyUpdate(PatchModel):
    version: Version
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=10000)
    category_gap: float | None = Field(default=None, ge=0, le=100)
    is_open: bool | None = Field(default=None, description="A closed survey takes no answers.")


class AnswerPairIn(BaseModel):
    functional: Annotated[str, line(20)] = Field(
        description="like, expect, neutral, tolerate or dislike."
    )
    dysfunctional: Annotated[str, line(20)] = Field(
        description="like, expect, neutral, tolerate or dislike."
    )


class ResponseIn(BaseModel):
    """The signed-in user's own answers; who answered is the caller, never a field (a
    `respondent` sent anyway is a 422)."""

    model_config = ConfigDict(extra="forbid")

    answers: dict[Annotated[str, line(40)], AnswerPairIn] = Field(
        max_length=100,
        description="Answer pairs by feature key; a feature left out is not counted.",
    )


class FeatureOut(BaseModel):
    id: int
    key: str
    name: str
    requirement_id: int | None


class SurveyOut(BaseModel):
    id: int
    name: str
    description: str
    category_gap: float
    is_open: bool
    share_token: str
    share_path: str = Field(description="The anonymous answer form: /kano/respond/<token>.")
    features: list[FeatureOut]
    responses: int
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class SurveySummary(BaseModel):
    id: int
    name: str
    is_open: bool
    features: int
    responses: int
    version: int
    created_at: dt.datetime


class AnswerPairOut(BaseModel):
    functional: str
    dysfunctional: str
    category: str


class ResponseOut(BaseModel):
    id: int
    survey_id: int
    respondent: str
    channel: str
    answers: dict[str, AnswerPairOut]
    created_at: dt.datetime


class FeatureResultOut(BaseModel):
    key: str
    name: str
    requirement_id: int | None
    n: int = Field(description="Answer pairs counted for this feature.")
    counts: dict[str, int] = Field(description="A, O, M, I, R, Q.")
    percentages: dict[str, float]
    category: str | None
    top_two: list[str]
    tie_rule_applied: bool
    better: float | None
    worse: float | None
    category_strength: float | None = Field(description="% top − % second, in points.")
    total_strength: float | None = Field(description="%A + %O + %M.")
    fong_threshold: float | None
    significant: bool


class ResultsOut(BaseModel):
    survey_id: int
    respondents: int
    category_gap: float
    features: list[FeatureResultOut]


class ImportOut(BaseModel):
    imported: int
