"""The latest fact of each kind about each service, as a pipeline or scanner reported it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tmse.core.db import Base


class ServiceFact(Base):
    """e.g. kind "coverage" value {"percent": 83.5}; a newer report replaces the older one
    (the audit log keeps the history)."""

    __tablename__ = "service_facts"
    __table_args__ = (UniqueConstraint("service_id", "kind", name="uq_service_facts_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("catalog_services.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40), index=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(300), default="")
    reported_at: Mapped[dt.datetime] = mapped_column()
    reported_by: Mapped[str] = mapped_column(String(200))
