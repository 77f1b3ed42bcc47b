"""Projects, their releases and milestones, and freeze windows: the plan that requirements and
delivery both refer to. Table names keep their historical `delivery_` prefix."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tmse.core.db import Base, Timestamped, Versioned
from tmse.core.links.registry import register as register_linkable


class ProjectStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    ON_HOLD = "on-hold"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class Project(Versioned, Timestamped, Base):
    __tablename__ = "delivery_projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=ProjectStatus.ACTIVE, index=True)
    start_on: Mapped[dt.date | None] = mapped_column()
    end_on: Mapped[dt.date | None] = mapped_column()
    # Share of total effort above which Must-have effort is flagged (MoSCoW's usual 60%).
    must_effort_limit_pct: Mapped[int] = mapped_column(default=60)


class Release(Versioned, Timestamped, Base):
    __tablename__ = "delivery_releases"
    __table_args__ = (UniqueConstraint("project_id", "name", name="uq_releases_project_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("delivery_projects.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    planned_on: Mapped[dt.date | None] = mapped_column()
    released_on: Mapped[dt.date | None] = mapped_column()
    # None: the project's limit applies.
    must_effort_limit_pct: Mapped[int | None] = mapped_column()


class Milestone(Versioned, Timestamped, Base):
    __tablename__ = "delivery_milestones"
    __table_args__ = (UniqueConstraint("project_id", "name", name="uq_milestones_project_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("delivery_projects.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[dt.date] = mapped_column()
    reached_on: Mapped[dt.date | None] = mapped_column()


class FreezeWindow(Versioned, Timestamped, Base):
    """Dates (inclusive) during which only emergency change requests may be approved."""

    __tablename__ = "delivery_freeze_windows"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="freeze_window_order"),
        CheckConstraint(
            "project_id IS NOT NULL OR release_id IS NOT NULL", name="freeze_window_scope"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("delivery_projects.id", ondelete="CASCADE"), index=True
    )
    release_id: Mapped[int | None] = mapped_column(
        ForeignKey("delivery_releases.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[dt.date] = mapped_column()
    ends_on: Mapped[dt.date] = mapped_column()
    reason: Mapped[str] = mapped_column(Text, default="")


register_linkable("project", Project, ("name", "description", "end_on"))
register_linkable("milestone", Milestone, ("name", "due_on"))
register_linkable("release", Release, ("name", "planned_on"))
