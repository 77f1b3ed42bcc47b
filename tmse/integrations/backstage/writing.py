"""The whole catalog, as plain rows, → Backstage descriptor documents and their YAML text."""
# Pure: rows (column name → value, ids as the database holds them) in, documents out.

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from tmse.integrations.backstage.descriptors import parse_entity_ref, render_catalog
from tmse.integrations.backstage.documents import Relations, export_document
from tmse.integrations.backstage.mapping import API_VERSION, EXTRA_KEY, OWNER_TEAM_KEY

Row = dict[str, Any]


@dataclass
class CatalogRows:
    """Every catalog table's rows ordered by name, and dependencies as
    (source service, target service, target API, target data store) ids ordered by id."""

    teams: list[Row] = field(default_factory=list)
    domains: list[Row] = field(default_factory=list)
    systems: list[Row] = field(default_factory=list)
    services: list[Row] = field(default_factory=list)
    stores: list[Row] = field(default_factory=list)
    apis: list[Row] = field(default_factory=list)
    dependencies: list[tuple[int, int | None, int | None, int | None]] = field(default_factory=list)


@dataclass(frozen=True)
class ExportedDescriptors:
    """The descriptor documents of an export and their multi-document YAML."""

    documents: list[dict[str, Any]]

    @property
    def text(self) -> str:
        return render_catalog(self.documents)


def export_descriptors(rows: CatalogRows) -> ExportedDescriptors:
    """Groups, domains, systems, components, resources and APIs, each by name, then the users
    named as owners."""
    team = {r["id"]: r["name"] for r in rows.teams}
    domain = {r["id"]: r["name"] for r in rows.domains}
    system = {r["id"]: r["name"] for r in rows.systems}
    relations = _relations(rows)
    children: dict[int, list[str]] = defaultdict(list)
    for row in rows.teams:
        if row["parent_id"] is not None:
            children[row["parent_id"]].append(row["name"])
    documents: list[dict[str, Any]] = []
    for row in rows.teams:
        found = Relations(
            parent=team.get(row["parent_id"]), children=sorted(children.get(row["id"], []))
        )
        documents.append(export_document("Group", row["name"], row, found))
    store = {r["id"]: r["name"] for r in rows.stores}
    for kind, kind_rows, key in (
        ("Domain", rows.domains, "domain"),
        ("System", rows.systems, "system"),
        ("Component", rows.services, "service"),
        ("Resource", rows.stores, "data-store"),
        ("API", rows.apis, "api"),
    ):
        for row in kind_rows:
            found = relations[key, row["id"]]
            found.owner = team[row["owner_team_id"]]
            found.system = system.get(row.get("system_id") or 0)
            found.domain = domain.get(row.get("domain_id") or 0)
            found.primary = store.get(row.get("primary_id") or 0)
            documents.append(export_document(kind, row["name"], row, found))
    owned = [*rows.domains, *rows.systems, *rows.services, *rows.stores, *rows.apis]
    return ExportedDescriptors(documents + _owner_users(documents, owned))


def _relations(rows: CatalogRows) -> dict[tuple[str, int], Relations]:
    """What each service and data store points at, by name."""
    service = {r["id"]: r["name"] for r in rows.services}
    store = {r["id"]: r["name"] for r in rows.stores}
    api = {r["id"]: r["name"] for r in rows.apis}
    relations: dict[tuple[str, int], Relations] = defaultdict(Relations)
    for source, target, target_api, target_store in rows.dependencies:
        if target is not None:
            relations["service", source].depends_on_services.add(service[target])
        elif target_api is not None:
            relations["service", source].consumes.add(api[target_api])
        elif target_store is not None:
            relations["service", source].depends_on_stores.add(store[target_store])
            relations["data-store", target_store].dependency_of.add(service[source])
    providers = {r["name"]: r["provider_service_id"] for r in rows.apis}
    for row in rows.apis:
        if row["provider_service_id"] is not None:
            relations["service", row["provider_service_id"]].provides.add(row["name"])
    for row in rows.services:
        kept = ((row.get("extra") or {}).get(EXTRA_KEY) or {}).get("spec") or {}
        listed = kept.get("providesApis") if isinstance(kept, dict) else None
        for text in listed if isinstance(listed, list) else []:
            ref = parse_entity_ref(str(text), "API")
            if ref.kind == "API" and providers.get(ref.name) not in (None, row["id"]):
                relations["service", row["id"]].co_provided.add(ref.name)
    return relations


def _owner_users(documents: list[dict[str, Any]], rows: list[Row]) -> list[dict[str, Any]]:
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
