"""Read models of dependencies for other domains: edges with the layers at both ends."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from tmse.catalog.models import Api, DataStore, Dependency, Service

# Both ends of a dependency, and an API's provider: made once, as building aliases anew costs
# more than the query they go into.
_SOURCE, _TARGET, _PROVIDER = aliased(Service), aliased(Service), aliased(Service)


class LayeredEdge(NamedTuple):
    """A dependency of one service on another, with both ends' names and layers."""

    source_id: int
    source_name: str
    source_layer: str
    target_name: str
    target_layer: str


def layered_edges(session: Session, source_ids: list[int] | None) -> list[LayeredEdge]:
    """Service-to-service dependencies of `source_ids` (every service when None), by source id
    and target name."""
    source, target = _SOURCE, _TARGET
    stmt = (
        select(source.id, source.name, source.layer, target.name, target.layer)
        .select_from(Dependency)
        .join(source, source.id == Dependency.source_id)
        .join(target, target.id == Dependency.target_id)
        .order_by(source.id, target.name)
    )
    if source_ids is not None:
        stmt = stmt.where(Dependency.source_id.in_(source_ids))
    return [LayeredEdge(*row) for row in session.execute(stmt)]


class DependencyTarget(NamedTuple):
    """What one dependency points at: kind ("service", "api", "data-store"), name and the layer
    (an API's is its provider's; None for a data store, which has no layer column)."""

    kind: str
    name: str
    layer: str | None


def dependency_targets(session: Session, service_id: int) -> list[DependencyTarget]:
    """Everything the service depends on, as the catalog has it now (in no particular order)."""
    target, provider = _TARGET, _PROVIDER
    rows = session.execute(
        select(
            target.name,
            target.layer,
            Api.name.label("api"),
            provider.layer.label("api_layer"),
            DataStore.name.label("store"),
        )
        .select_from(Dependency)
        .outerjoin(target, target.id == Dependency.target_id)
        .outerjoin(Api, Api.id == Dependency.target_api_id)
        .outerjoin(provider, provider.id == Api.provider_service_id)
        .outerjoin(DataStore, DataStore.id == Dependency.target_data_store_id)
        .where(Dependency.source_id == service_id)
    )
    found = []
    for row in rows:
        if row.name is not None:
            found.append(DependencyTarget("service", row.name, row.layer))
        elif row.api is not None:
            found.append(DependencyTarget("api", row.api, row.api_layer))
        else:
            found.append(DependencyTarget("data-store", row.store, None))
    return found
