"""The requirement: who asked and how, its triage and review state, its priority components."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    event,
    literal_column,
)
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.elements import ColumnClause

from tmse.core.db import Base, Timestamped, Versioned
from tmse.core.links.registry import register as register_linkable
from tmse.requirements.enums import Channel as Channel
from tmse.requirements.enums import MoSCoW as MoSCoW
from tmse.requirements.enums import RequirementStatus as RequirementStatus
from tmse.requirements.enums import RequirementType as RequirementType
from tmse.requirements.scoring import refresh_scores

# Scores (RICE, WSJF) are stored only as derived columns, so the backlog can sort in SQL; they
# are recomputed from their components on every flush (requirements/scoring.py).


# The fields whose change is a change of content: it resets approvals, turns downstream
# links Suspect, and (once baselined) needs a change request.
CONTENT_FIELDS: tuple[str, ...] = (
    "title",
    "description",
    "acceptance_criteria",
    "type",
    "moscow",
    "effort_days",
    "rice_reach",
    "rice_impact",
    "rice_confidence",
    "rice_effort",
    "wsjf_value",
    "wsjf_time_criticality",
    "wsjf_risk_reduction",
    "wsjf_job_size",
    "project_id",
    "release_id",
    "milestone_id",
    "custom",
)


class Requirement(Versioned, Timestamped, Base):
    __tablename__ = "requirements"
    __table_args__ = (
        Index("ix_requirements_status_rice", "status", "rice_score"),
        Index("ix_requirements_status_wsjf", "status", "wsjf_score"),
        Index("ix_requirements_project_status", "project_id", "status"),
        # The ranked backlog without a status filter: one index walk per model.
        Index("ix_requirements_rice_id", "rice_score", "id"),
        Index("ix_requirements_wsjf_id", "wsjf_score", "id"),
        Index("ix_requirements_channel", "channel"),
        # A project's requirements: what a kept project page depends on.
        {"info": {"read_keys": [("project_id",)]}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    acceptance_criteria: Mapped[str] = mapped_column(Text, default="")
    type: Mapped[str] = mapped_column(String(20), default=RequirementType.FEATURE, index=True)

    # Intake: how it came in and who asked (a name: Jira reporters need not be tmse users).
    channel: Mapped[str] = mapped_column(String(10), default=Channel.WEB)
    requester: Mapped[str] = mapped_column(String(200), default="")
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Its key where it came from (e.g. Jira "PAY-123"); unique, so re-imports are idempotent.
    external_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    product_manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    status: Mapped[str] = mapped_column(String(20), default=RequirementStatus.PENDING, index=True)
    # Why it was rejected (required), or any note of the last transition.
    status_reason: Mapped[str] = mapped_column(Text, default="")
    snoozed_until: Mapped[dt.date | None] = mapped_column()
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("requirements.id", ondelete="SET NULL"), index=True
    )

    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("delivery_projects.id", ondelete="SET NULL")
    )
    release_id: Mapped[int | None] = mapped_column(
        ForeignKey("delivery_releases.id", ondelete="SET NULL"), index=True
    )
    milestone_id: Mapped[int | None] = mapped_column(
        ForeignKey("delivery_milestones.id", ondelete="SET NULL"), index=True
    )

    # Prioritisation components. Effort in person-days feeds the Must-have share.
    moscow: Mapped[str | None] = mapped_column(String(10), index=True)
    effort_days: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    rice_reach: Mapped[int | None] = mapped_column()
    rice_impact: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))  # 3, 2, 1, 0.5, 0.25
    rice_confidence: Mapped[int | None] = mapped_column()  # 100, 80, 50 (%)
    rice_effort: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))  # person-months
    wsjf_value: Mapped[int | None] = mapped_column()  # each on 1, 2, 3, 5, 8, 13, 20
    wsjf_time_criticality: Mapped[int | None] = mapped_column()
    wsjf_risk_reduction: Mapped[int | None] = mapped_column()
    wsjf_job_size: Mapped[int | None] = mapped_column()
    # Derived, never written by a client.
    rice_score: Mapped[float | None] = mapped_column()
    wsjf_score: Mapped[float | None] = mapped_column()

    # Values of the custom fields defined for this requirement's type, by field key.
    custom: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    @property
    def key(self) -> str:
        return f"REQ-{self.id}"


class CustomFieldKind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    SINGLE_SELECT = "single_select"
    MULTI_SELECT = "multi_select"
    USER = "user"


class CustomFieldDefinition(Versioned, Timestamped, Base):
    """A field administrators add to requirements of some types; values live in
    `Requirement.custom[key]`, validated on every input."""

    __tablename__ = "requirement_custom_fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Lower-case identifier, used in `custom`, in CSV headers and as `cf.<key>` in the backlog.
    key: Mapped[str] = mapped_column(String(40), unique=True)
    label_en: Mapped[str] = mapped_column(String(120))
    label_zh: Mapped[str] = mapped_column(String(120), default="")
    kind: Mapped[str] = mapped_column(String(20))
    # The choices of a single or multi select.
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Requirement types it applies to; empty: every type.
    types: Mapped[list[str]] = mapped_column(JSON, default=list)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(default=0)

    def applies_to(self, requirement_type: str) -> bool:
        return not self.types or requirement_type in self.types

    def label(self, locale: str) -> str:
        return self.label_zh if locale.startswith("zh") and self.label_zh else self.label_en


# The MoSCoW rank as SQL, written out literally so the index on it and the backlog's ORDER BY
# are the same expression (SQLite matches index expressions by their text).
MOSCOW_RANK_SQL = (
    "(CASE moscow WHEN 'must' THEN 1 WHEN 'should' THEN 2 WHEN 'could' THEN 3 "
    "WHEN 'wont' THEN 4 ELSE 5 END)"
)
MOSCOW_RANK: ColumnClause[int] = literal_column(MOSCOW_RANK_SQL, Integer)
Index("ix_requirements_moscow_rank", MOSCOW_RANK, Requirement.id)

# Link types from a requirement (source) downstream.
DERIVES = "derives"  # requirement → requirement it was broken down into
DUPLICATES = "duplicates"  # duplicate → original
TOUCHES = "touches"  # requirement → service / api / data-store it changes

register_linkable("requirement", Requirement, CONTENT_FIELDS, label_field="title")

# PostgreSQL sorts NULL first when descending: the ranked backlog (score DESC NULLS LAST, id)
# needs indexes in that order to read a page without sorting. SQLite puts NULL last already.
for _score in (Requirement.rice_score, Requirement.wsjf_score):
    _name = _score.key.removesuffix("_score")
    Index(f"ix_requirements_rank_{_name}", _score.desc().nulls_last(), Requirement.id).ddl_if(
        dialect="postgresql"
    )
    Index(
        f"ix_requirements_status_rank_{_name}",
        Requirement.status,
        _score.desc().nulls_last(),
        Requirement.id,
    ).ddl_if(dialect="postgresql")


@event.listens_for(Session, "before_flush")
def _recompute_scores(session: Session, _context: Any, _instances: Any) -> None:
    """Keep rice_score and wsjf_score in step with their components on every flush."""
    for entity in list(session.new) + list(session.dirty):
        if isinstance(entity, Requirement):
            refresh_scores(entity)
