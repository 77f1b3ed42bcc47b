"""Standards and their published versions; each version carries Markdown text and rules."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tmse.core.db import Base, Timestamped, Versioned
from tmse.core.links.registry import register as register_linkable


class Category(StrEnum):
    CODING_STYLE = "coding-style"
    INTERFACE_NAMING = "interface-naming"
    LOG_FORMAT = "log-format"
    SECURITY_POLICY = "security-policy"
    QUALITY = "quality"
    OWNERSHIP = "ownership"
    CUSTOM = "custom"


class Standard(Versioned, Timestamped, Base):
    """A written standard; its text and rules live in versions, `current_version` is in force."""

    __tablename__ = "standards"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(40), index=True)
    owner_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    # None until a first version is published.
    current_version: Mapped[int | None] = mapped_column()
    retired: Mapped[bool] = mapped_column(default=False)


class StandardVersion(Base):
    """An immutable published version: what the standard said and checked from that day."""

    __tablename__ = "standard_versions"
    __table_args__ = (UniqueConstraint("standard_id", "number", name="uq_standard_versions"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    standard_id: Mapped[int] = mapped_column(
        ForeignKey("standards.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column()
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown
    # [{"key", "check", "params", "severity", "level", "title", "fix_hint"}, ...]
    rules: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    change_note: Mapped[str] = mapped_column(String(2000), default="")
    published_at: Mapped[dt.datetime] = mapped_column()
    published_by: Mapped[str] = mapped_column(String(200))


register_linkable("standard", Standard, ("name", "category", "current_version"))
