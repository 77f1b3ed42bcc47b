"""Catalog tables: services in layers and the dependencies between them."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tmse.core.db import Base, Timestamped, Versioned
from tmse.core.links.registry import register as register_linkable


class Layer(StrEnum):
    FRONTEND = "frontend"
    GATEWAY = "gateway"
    BUSINESS = "business"
    DATA = "data"
    INFRASTRUCTURE = "infrastructure"


class Lifecycle(StrEnum):
    EXPERIMENTAL = "experimental"
    PRODUCTION = "production"
    DEPRECATED = "deprecated"


class Service(Versioned, Timestamped, Base):
    __tablename__ = "catalog_services"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    type: Mapped[str] = mapped_column(String(40), default="service")
    layer: Mapped[str] = mapped_column(String(20), index=True)
    lifecycle: Mapped[str] = mapped_column(String(20), default=Lifecycle.PRODUCTION)
    owner_team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    description: Mapped[str] = mapped_column(String(4000), default="")
    repository: Mapped[str | None] = mapped_column(String(300))
    language: Mapped[str | None] = mapped_column(String(40))
    tier: Mapped[int | None] = mapped_column()
    kubernetes_namespace: Mapped[str | None] = mapped_column(String(120))
    kubernetes_workload: Mapped[str | None] = mapped_column(String(120))
    # Fields from imported descriptors that tmse has no column for, kept for a faithful export.
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Dependency(Timestamped, Base):
    __tablename__ = "catalog_dependencies"
    __table_args__ = (
        UniqueConstraint("source_id", "target_id", name="uq_catalog_dependencies_ends"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(
        ForeignKey("catalog_services.id", ondelete="CASCADE"), index=True
    )
    target_id: Mapped[int] = mapped_column(
        ForeignKey("catalog_services.id", ondelete="CASCADE"), index=True
    )
    protocol: Mapped[str] = mapped_column(String(40), default="http")


register_linkable("service", Service, ("name", "layer", "description", "lifecycle"))
