"""Identity tables: organisation tree, users and roles, memberships, tokens, web sessions."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tmse.core.db import Base, Timestamped, Versioned, utcnow
from tmse.core.links.registry import register as register_linkable


class TeamKind(StrEnum):
    COMPANY = "company"
    DEPARTMENT = "department"
    TEAM = "team"


class Team(Versioned, Timestamped, Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default=TeamKind.TEAM)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    description: Mapped[str] = mapped_column(String(2000), default="")
    # Fields of an imported descriptor (a Backstage Group) tmse has no column for, kept so an
    # export writes back what was imported.
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")

    parent: Mapped[Team | None] = relationship(remote_side=[id], lazy="raise")


class User(Versioned, Timestamped, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(10))

    # Loaded on access; lists fetch the roles of a whole page in one query (service.user_out).
    roles: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="select", order_by="UserRole.role"
    )

    @property
    def role_names(self) -> list[str]:
        return [r.role for r in self.roles]


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(30), primary_key=True, index=True)


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    is_lead: Mapped[bool] = mapped_column(default=False)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column()
    revoked_at: Mapped[dt.datetime | None] = mapped_column()


class WebSession(Base):
    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column()


class LoginAttempt(Base):
    """Sign-in attempts per key (`user:<name>` or `addr:<address>`) within the minute that
    began with the first of them; counted before the password is checked (sign_in_limit.py)."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_started", "started"),)

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    started: Mapped[float] = mapped_column()  # Unix time of the window's first attempt
    attempts: Mapped[int] = mapped_column(default=0)


register_linkable("team", Team, ("name", "kind", "description"))
register_linkable("user", User, ("display_name", "email"), label_field="username")
