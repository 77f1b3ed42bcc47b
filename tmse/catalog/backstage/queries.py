"""The catalog as Backstage descriptors: every team (as Group), domain, system, service
(Component), data store (Resource) and API, in a stable order, unknown fields written back."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.catalog.models import Api, DataStore, Dependency, Domain, Service, System
from tmse.core.identity.models import Team
from tmse.integrations.backstage import CatalogRows, ExportedDescriptors, export_descriptors


def _rows(session: Session, model: Any) -> list[dict[str, Any]]:
    table = model.__table__
    return [dict(r._mapping) for r in session.execute(select(table).order_by(table.c.name))]


def catalog_rows(session: Session) -> CatalogRows:
    """Every catalog record as plain rows, the form the Backstage adapter reads."""
    table = Dependency.__table__
    targets = (table.c.target_id, table.c.target_api_id, table.c.target_data_store_id)
    dependencies = session.execute(select(table.c.source_id, *targets).order_by(table.c.id))
    return CatalogRows(
        teams=_rows(session, Team),
        domains=_rows(session, Domain),
        systems=_rows(session, System),
        services=_rows(session, Service),
        stores=_rows(session, DataStore),
        apis=_rows(session, Api),
        dependencies=[(s, t, a, d) for s, t, a, d in dependencies],
    )


def export_catalog(session: Session) -> ExportedDescriptors:
    """The catalog as Backstage descriptor documents, in a stable order."""
    return export_descriptors(catalog_rows(session))


def export_backstage(session: Session) -> str:
    """Multi-document YAML of the whole catalog, ready for Backstage or a later import."""
    return export_catalog(session).text
