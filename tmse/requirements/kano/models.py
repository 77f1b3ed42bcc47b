"""Kano surveys, their features, respondents' responses and each response's answer pairs."""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tmse.core.db import Base, Timestamped, Versioned


class KanoSurvey(Versioned, Timestamped, Base):
    __tablename__ = "kano_surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # Whoever holds it may answer through /kano/respond/<token> without signing in.
    share_token: Mapped[str] = mapped_column(String(64), unique=True)
    # When the top two categories are within this many percentage points, M > O > A > I decides.
    category_gap: Mapped[float] = mapped_column(Float, default=6.0)
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class KanoFeature(Base):
    __tablename__ = "kano_features"
    __table_args__ = (UniqueConstraint("survey_id", "key", name="uq_kano_features_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("kano_surveys.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)
    requirement_id: Mapped[int | None] = mapped_column(
        ForeignKey("requirements.id", ondelete="SET NULL"), index=True
    )


class KanoResponse(Timestamped, Base):
    """One respondent's answers to a survey; a respondent answers a survey once."""

    __tablename__ = "kano_responses"
    __table_args__ = (
        UniqueConstraint("survey_id", "respondent_key", name="uq_kano_responses_respondent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("kano_surveys.id", ondelete="CASCADE"), index=True
    )
    respondent: Mapped[str] = mapped_column(String(200))
    # The respondent case-folded with spaces collapsed: "Li Wei" and "li  wei" are one person.
    respondent_key: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(10))  # api, web, csv
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class KanoAnswer(Base):
    """The functional/dysfunctional answer pair of one response for one feature."""

    __tablename__ = "kano_answers"
    __table_args__ = (
        UniqueConstraint("response_id", "feature_id", name="uq_kano_answers_feature"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("kano_responses.id", ondelete="CASCADE"), index=True
    )
    feature_id: Mapped[int] = mapped_column(
        ForeignKey("kano_features.id", ondelete="CASCADE"), index=True
    )
    functional: Mapped[str] = mapped_column(String(10))
    dysfunctional: Mapped[str] = mapped_column(String(10))
