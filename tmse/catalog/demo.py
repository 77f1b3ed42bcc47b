"""Demo step: the company's catalog — domains, systems, services in five layers, APIs with their
definitions, data stores with read replicas and typed dependencies, with a cycle, layering
violations and duplicate services planted (see `tmse.catalog.demo_plan`).

Small writes row by row, each with its own audit entry; large adds ≥ 10,000 generated services
and ≥ 50,000 dependencies in bulk (`tmse.catalog.demo_large`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.catalog import demo_plan as plan
from tmse.catalog.demo_apis import ALL_APIS, ApiPlan, definition
from tmse.catalog.models import Api, DataStore, Dependency, Domain, Service, System
from tmse.core import audit
from tmse.core.identity.models import Team
from tmse.demo.steps import DemoContext, register_step

GITLAB = "https://git.acme.example"
NAMESPACES = {
    "frontend": "web",
    "gateway": "edge",
    "business": "biz",
    "data": "data",
    "infrastructure": "infra",
}
API_PROTOCOL = {"openapi": "http", "grpc": "grpc", "asyncapi": "amqp", "graphql": "http"}


class CatalogWriter:
    """Creates catalog rows in one session, one audit entry each, remembering ids by name."""

    def __init__(self, session: Session, ctx: DemoContext) -> None:
        self.session, self.ctx = session, ctx
        self.teams = {name: id_ for name, id_ in session.execute(select(Team.name, Team.id))}
        self.ids: dict[str, dict[str, int]] = {
            kind: {} for kind in ("domain", "system", "service", "api", "data-store")
        }

    def add(self, kind: str, row: Any, snapshot: dict[str, Any]) -> int:
        self.session.add(row)
        self.session.flush()
        audit.record(self.session, self.ctx.actor, "create", kind, row.id, None, snapshot)
        if kind in self.ids:
            self.ids[kind][row.name] = row.id
            self.ctx.remember(f"catalog:{kind}", row.id, row.name)
        self.ctx.advance()
        return int(row.id)

    def domain(self, item: plan.DomainPlan) -> None:
        values = {
            "name": item.name,
            "title": item.title,
            "description": item.description,
            "owner_team_id": self.teams[item.owner],
        }
        self.add("domain", Domain(**values, extra={}), values)

    def system(self, item: plan.SystemPlan) -> None:
        values = {
            "name": item.name,
            "title": item.title,
            "description": item.description,
            "owner_team_id": self.teams[item.owner],
            "domain_id": self.ids["domain"][item.domain],
        }
        self.add("system", System(**values, extra={}), values)

    def service(self, item: plan.ServicePlan) -> None:
        values = service_values(item, self.teams[item.owner], self.ids["system"][item.system])
        self.add("service", Service(**values, extra={}), values)

    def store(self, item: plan.StorePlan) -> None:
        values = {
            "name": item.name,
            "engine": item.engine,
            "kind": item.kind,
            "description": item.description,
            "owner_team_id": self.teams[item.owner],
            "system_id": self.ids["system"][item.system],
            "primary_id": self.ids["data-store"][item.primary] if item.primary else None,
        }
        self.add("data-store", DataStore(**values, extra={}), values)

    def api(self, item: ApiPlan, provider: Service) -> None:
        values = {
            "name": item.name,
            "type": item.type,
            "description": item.description,
            "owner_team_id": provider.owner_team_id,
            "system_id": provider.system_id,
            "provider_service_id": provider.id,
            "definition": definition(item),
        }
        self.add("api", Api(**values, extra={}), values)

    def dependency(self, source: str, target: str, kind: str, protocol: str) -> None:
        column = {
            "service": "target_id",
            "api": "target_api_id",
            "data-store": "target_data_store_id",
        }
        row = Dependency(
            source_id=self.ids["service"][source],
            protocol=protocol,
            **{column[kind]: self.ids[kind][target]},
        )
        snapshot = {"source": source, "target": target, "target_kind": kind, "protocol": protocol}
        self.add("dependency", row, snapshot)


def service_values(item: plan.ServicePlan, owner_id: int, system_id: int | None) -> dict[str, Any]:
    """Column values of a planned service, with its repository and Kubernetes workload."""
    namespace = f"{NAMESPACES[item.layer]}-{item.system}"
    return {
        "name": item.name,
        "layer": item.layer,
        "lifecycle": item.lifecycle,
        "type": "website" if item.layer == "frontend" else "service",
        "owner_team_id": owner_id,
        "system_id": system_id,
        "description": item.description,
        "repository": f"{GITLAB}/{item.system}/{item.name}",
        "language": item.language,
        "tier": item.tier,
        "kubernetes_namespace": namespace,
        "kubernetes_workload": f"deployment/{item.name}",
    }


def api_consumers(api: ApiPlan) -> list[str]:
    """Services that call the API's provider (planted violations aside), so consuming an API
    never adds a dependency between services that the service graph does not already have."""
    if api.type == "asyncapi":
        return []
    planted = {(source, target) for source, target, _ in plan.PLANTED_LAYER_VIOLATIONS}
    return sorted(
        source
        for source, target, _ in plan.service_edges()
        if target == api.provider and (source, target) not in planted
    )


def create_catalog(ctx: DemoContext) -> None:
    """The curated catalog every size has; large adds the generated bulk after it."""
    edges = plan.service_edges()
    consumers = {api.name: api_consumers(api) for api in ALL_APIS}
    ctx.expect(
        len(plan.DOMAINS)
        + len(plan.SYSTEMS)
        + len(plan.SERVICES)
        + len(plan.STORES)
        + len(ALL_APIS)
        + len(edges)
        + len(plan.STORE_EDGES)
        + sum(map(len, consumers.values()))
    )
    with ctx.db.session() as session:
        writer = CatalogWriter(session, ctx)
        for domain in plan.DOMAINS:
            writer.domain(domain)
        for system in plan.SYSTEMS:
            writer.system(system)
        for service in plan.SERVICES:
            writer.service(service)
        for store in plan.STORES:
            writer.store(store)
        for api in ALL_APIS:
            provider = session.get(Service, writer.ids["service"][api.provider])
            assert provider is not None
            writer.api(api, provider)
        for source, target, protocol in edges:
            writer.dependency(source, target, "service", protocol)
        for source, store, protocol in plan.STORE_EDGES:
            writer.dependency(source, store, "data-store", protocol)
        for api in ALL_APIS:
            for source in consumers[api.name]:
                writer.dependency(source, api.name, "api", API_PROTOCOL[api.type])
    if ctx.large:
        from tmse.catalog.demo_large import create_bulk_catalog

        create_bulk_catalog(ctx)


register_step("catalog", create_catalog, order=200)
