"""Standards tables: architecture decision records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tmse.core.db import Base, Timestamped, Versioned
from tmse.core.links.registry import register as register_linkable


class DecisionRecord(Versioned, Timestamped, Base):
    """An architecture decision record with the Nygard fields, numbered like adr-tools files."""

    __tablename__ = "decision_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(30), index=True)
    date: Mapped[dt.date | None] = mapped_column(Date)
    context: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(Text, default="")
    consequences: Mapped[str] = mapped_column(Text, default="")
    # [relation, target number, target title] triples, e.g. ["Superseded by", 3, "Use PostgreSQL"].
    links: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # Sections beyond Nygard's four, kept so an exported file loses nothing that was imported.
    extra_sections: Mapped[list[Any]] = mapped_column(JSON, default=list)


register_linkable(
    "adr", DecisionRecord, ("title", "status", "context", "decision"), label_field="title"
)
