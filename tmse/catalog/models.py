"""Catalog tables: domains, systems, services in layers, APIs, data stores, dependencies,
and the editable layering rules."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
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


class ApiType(StrEnum):
    OPENAPI = "openapi"
    ASYNCAPI = "asyncapi"
    GRPC = "grpc"
    GRAPHQL = "graphql"


class StoreKind(StrEnum):
    RELATIONAL = "relational"
    NOSQL = "nosql"
    OTHER = "other"


class Domain(Versioned, Timestamped, Base):
    """A business area grouping systems (Backstage kind Domain)."""

    __tablename__ = "catalog_domains"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(4000), default="")
    owner_team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class System(Versioned, Timestamped, Base):
    """A set of services, APIs and data stores that together offer one capability."""

    __tablename__ = "catalog_systems"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(4000), default="")
    owner_team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    domain_id: Mapped[int | None] = mapped_column(
        ForeignKey("catalog_domains.id", ondelete="SET NULL"), index=True
    )
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Service(Versioned, Timestamped, Base):
    __tablename__ = "catalog_services"
    # The catalog page's lanes: one layer's first services by name, a range scan.
    __table_args__ = (Index("ix_catalog_services_layer_name", "layer", "name"),)

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
    system_id: Mapped[int | None] = mapped_column(
        ForeignKey("catalog_systems.id", ondelete="SET NULL"), index=True
    )
    # Fields from imported descriptors that tmse has no column for, kept for a faithful export.
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Api(Versioned, Timestamped, Base):
    """An interface one service provides and others consume, with its definition document."""

    __tablename__ = "catalog_apis"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    type: Mapped[str] = mapped_column(String(20), default=ApiType.OPENAPI)
    lifecycle: Mapped[str] = mapped_column(String(20), default=Lifecycle.PRODUCTION)
    owner_team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    system_id: Mapped[int | None] = mapped_column(
        ForeignKey("catalog_systems.id", ondelete="SET NULL"), index=True
    )
    provider_service_id: Mapped[int | None] = mapped_column(
        ForeignKey("catalog_services.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str] = mapped_column(String(4000), default="")
    # The OpenAPI / AsyncAPI / protobuf / GraphQL text as given (JSON or YAML for the first two).
    definition: Mapped[str] = mapped_column(Text, default="")
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class DataStore(Versioned, Timestamped, Base):
    """A database, cache, queue or bucket; a read replica points at its primary."""

    __tablename__ = "catalog_data_stores"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    engine: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20), default=StoreKind.RELATIONAL)
    owner_team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    system_id: Mapped[int | None] = mapped_column(
        ForeignKey("catalog_systems.id", ondelete="SET NULL"), index=True
    )
    primary_id: Mapped[int | None] = mapped_column(
        ForeignKey("catalog_data_stores.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(String(4000), default="")
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Dependency(Timestamped, Base):
    """A service depending on exactly one of: a service (`target_id`), an API or a data store."""

    __tablename__ = "catalog_dependencies"
    __table_args__ = (
        UniqueConstraint("source_id", "target_id", name="uq_catalog_dependencies_ends"),
        # Covers "who depends on X" (blast radius) without reading the table's rows.
        Index("ix_catalog_dependencies_target_source", "target_id", "source_id"),
        UniqueConstraint("source_id", "target_api_id", name="uq_catalog_dependencies_api"),
        UniqueConstraint("source_id", "target_data_store_id", name="uq_catalog_dependencies_store"),
        CheckConstraint(
            "CAST(target_id IS NOT NULL AS INTEGER) + CAST(target_api_id IS NOT NULL AS INTEGER)"
            " + CAST(target_data_store_id IS NOT NULL AS INTEGER) = 1",
            name="one_target",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(
        ForeignKey("catalog_services.id", ondelete="CASCADE"), index=True
    )
    target_id: Mapped[int | None] = mapped_column(
        ForeignKey("catalog_services.id", ondelete="CASCADE"), index=True
    )
    target_api_id: Mapped[int | None] = mapped_column(
        ForeignKey("catalog_apis.id", ondelete="CASCADE"), index=True
    )
    target_data_store_id: Mapped[int | None] = mapped_column(
        ForeignKey("catalog_data_stores.id", ondelete="CASCADE"), index=True
    )
    protocol: Mapped[str] = mapped_column(String(40), default="http")


class LayerRuleSet(Versioned, Timestamped, Base):
    """The organisation's layering rules; one row, edited by architects (defaults until then)."""

    __tablename__ = "catalog_layer_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    order: Mapped[list[str]] = mapped_column(JSON)
    # [[source layer, target layer], ...] edges allowed although the order forbids them.
    allow: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    allow_skip_down: Mapped[bool] = mapped_column(default=False)


register_linkable("service", Service, ("name", "layer", "description", "lifecycle"))
register_linkable("system", System, ("name", "description"))
register_linkable("api", Api, ("name", "type", "description", "definition"))
register_linkable("data-store", DataStore, ("name", "engine", "kind", "description"))
