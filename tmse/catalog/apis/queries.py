"""Read models of APIs for other domains: definitions by provider, an API's provider."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.catalog.models import Api, Service


class ProvidedDefinition(NamedTuple):
    provider_id: int
    name: str
    type: str
    definition: str


def provided_definitions(
    session: Session, provider_ids: list[int] | None, api_type: str
) -> list[ProvidedDefinition]:
    """The `api_type` APIs the services `provider_ids` (every provider when None) provide, by
    name, with their definition text ("" when none is stored)."""
    stmt = (
        select(Api.provider_service_id, Api.name, Api.type, Api.definition)
        .where(Api.provider_service_id.is_not(None))
        .where(Api.type == api_type)
        .order_by(Api.name)
    )
    if provider_ids is not None:
        stmt = stmt.where(Api.provider_service_id.in_(provider_ids))
    return [
        ProvidedDefinition(provider, name, kind, definition or "")
        for provider, name, kind, definition in session.execute(stmt)
        if provider is not None  # the query excludes it; the column type allows it
    ]


def api_provider_layer(session: Session, name: str) -> tuple[bool, str | None]:
    """Whether the API named `name` exists, and its provider's layer (None when it has none)."""
    row = session.execute(
        select(Api.id, Service.layer)
        .outerjoin(Service, Service.id == Api.provider_service_id)
        .where(Api.name == name)
    ).first()
    return (row is not None, row.layer if row else None)


def provider_names(session: Session, api_names: list[str]) -> list[str]:
    """Names of the services providing the APIs `api_names`."""
    return list(
        session.scalars(
            select(Service.name)
            .join(Api, Api.provider_service_id == Service.id)
            .where(Api.name.in_(api_names))
        )
    )
