"""The catalog as Backstage descriptors: every team (as Group), domain, system, service
(Component), data store (Resource) and API, in a stable order, unknown fields written back."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.catalog.models import Api, DataStore, Dependency, Domain, Service, System
from tmse.core.identity.models import Team
from tmse.integrations.backstage import parse_entity_ref, render_catalog
from tmse.integrations.backstage_export import Relations, export_document
from tmse.integrations.backstage_mapping import (
    API_VERSION,
    EXTRA_KEY,
    OWNER_TEAM_KEY,
)


def _rows(session: Session, model: Any) -> list[dict[str, Any]]:
    table = model.__table__
    return [dict(r._mapping) for r in session.execute(select(table).order_by(table.c.name))]


def export_documents(session: Session) -> list[dict[str, Any]]:
    """Descriptor documents: groups, domains, systems, components, resources, APIs; by name."""
    teams, domains, systems = _rows(session, Team), _rows(session, Domain), _rows(session, System)
    services, stores, apis = _rows(session, Service), _rows(session, DataStore), _rows(session, Api)
    team = {r["id"]: r["name"] for r in teams}
    domain = {r["id"]: r["name"] for r in domains}
    system = {r["id"]: r["name"] for r in systems}
    service = {r["id"]: r["name"] for r in services}
    store = {r["id"]: r["name"] for r in stores}
    api = {r["id"]: r["name"] for r in apis}
    relations: dict[tuple[str, int], Relations] = defaultdict(Relations)
    children: dict[int, list[str]] = defaultdict(list)
    for row in teams:
        if row["parent_id"] is not None:
            children[row["parent_id"]].append(row["name"])
    table = Dependency.__table__
    columns = (table.c.source_id, table.c.target_id, table.c.target_api_id)
    for source, target, target_api, target_store in session.execute(
        select(*columns, table.c.target_data_store_id).order_by(table.c.id)
    ):
        if target is not None:
            relations["service", source].depends_on_services.add(service[target])
        elif target_api is not None:
            relations["service", source].consumes.add(api[target_api])
        else:
            relations["service", source].depends_on_stores.add(store[target_store])
            relations["data-store", target_store].dependency_of.add(service[source])
    providers = {r["name"]: r["provider_service_id"] for r in apis}
    for row in apis:
        if row["provider_service_id"] is not None:
            relations["service", row["provider_service_id"]].provides.add(row["name"])
    for row in services:
        kept = ((row.get("extra") or {}).get(EXTRA_KEY) or {}).get("spec") or {}
        listed = kept.get("providesApis") if isinstance(kept, dict) else None
        for text in listed if isinstance(listed, list) else []:
            ref = parse_entity_ref(str(text), "API")
            if ref.kind == "API" and providers.get(ref.name) not in (None, row["id"]):
                relations["service", row["id"]].co_provided.add(ref.name)

    documents: list[dict[str, Any]] = []
    for row in teams:
        found = Relations(
            parent=team.get(row["parent_id"]), children=sorted(children.get(row["id"], []))
        )
        documents.append(export_document("Group", row["name"], row, found))
    for kind, rows, key in (
        ("Domain", domains, "domain"),
        ("System", systems, "system"),
        ("Component", services, "service"),
        ("Resource", stores, "data-store"),
        ("API", apis, "api"),
    ):
        for row in rows:
            found = relations[key, row["id"]]
            found.owner = team[row["owner_team_id"]]
            found.system = system.get(row.get("system_id"))  # type: ignore[arg-type]
            found.domain = domain.get(row.get("domain_id"))  # type: ignore[arg-type]
            found.primary = store.get(row.get("primary_id"))  # type: ignore[arg-type]
            documents.append(export_document(kind, row["name"], row, found))
    return documents + _owner_users(documents, [*domains, *systems, *services, *stores, *apis])


def _owner_users(
    documents: list[dict[str, Any]], rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Users named as owners are not stored, only the team each stood for: a User document per
    such user (member of that team) lets the export be imported again anywhere."""
    teams: dict[str, str] = {}
    for row in rows:
        team = (row.get("extra") or {}).get(OWNER_TEAM_KEY)
        kept = ((row.get("extra") or {}).get(EXTRA_KEY) or {}).get("spec") or {}
        owner = kept.get("owner") if isinstance(kept, dict) else None
        if isinstance(team, str) and isinstance(owner, str):
            ref = parse_entity_ref(owner, "Group")
            if ref.kind == "User":
                teams.setdefault(ref.name, team)
    written = {
        parse_entity_ref(d["spec"]["owner"], "Group").name
        for d in documents
        if isinstance(d.get("spec", {}).get("owner"), str)
        and parse_entity_ref(d["spec"]["owner"], "Group").kind == "User"
    }
    return [
        {
            "apiVersion": API_VERSION,
            "kind": "User",
            "metadata": {"name": name},
            "spec": {"memberOf": [teams[name]]},
        }
        for name in sorted(written & set(teams))
    ]


def export_backstage(session: Session) -> str:
    """Multi-document YAML of the whole catalog, ready for Backstage or a later import."""
    return render_catalog(export_documents(session))
