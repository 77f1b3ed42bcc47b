"""Demo step: the company's catalog, with a cycle, layering violations and duplicate services
planted (the data: `plan`, `dependencies`, `api_plans`; the large size: `large`)."""
# Small writes through the catalog's service functions, so each entity gets its own audit entry
# as if an architect had typed it in; large adds >= 10,000 generated services and >= 50,000
# dependencies in bulk.

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tmse.catalog import service
from tmse.catalog.apis import service as apis
from tmse.catalog.apis.schemas import ApiCreate
from tmse.catalog.data_stores import service as data_stores
from tmse.catalog.data_stores.schemas import DataStoreCreate
from tmse.catalog.demo import dependencies as deps
from tmse.catalog.demo import plan
from tmse.catalog.demo.api_plans import ALL_APIS, ApiPlan, definition
from tmse.catalog.demo.large import create_bulk_catalog
from tmse.catalog.models import ApiType, StoreKind
from tmse.catalog.schemas import DependencyCreate, ServiceCreate, TargetKind
from tmse.catalog.systems import service as entities
from tmse.catalog.systems.schemas import DomainCreate, SystemCreate
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
    """Creates catalog entities through the catalog's service functions (each audited),
    remembering ids by name for later steps."""

    def __init__(self, session: Session, ctx: DemoContext) -> None:
        self.session, self.ctx = session, ctx

    def remember(self, kind: str, entity_id: int, name: str) -> None:
        self.ctx.remember(f"catalog:{kind}", entity_id, name)
        self.ctx.advance()

    def domain(self, item: plan.DomainPlan) -> None:
        data = DomainCreate(
            name=item.name, owner=item.owner, title=item.title, description=item.description
        )
        self.remember(
            "domain", entities.create_domain(self.session, self.ctx.actor, data).id, item.name
        )

    def system(self, item: plan.SystemPlan) -> None:
        data = SystemCreate(
            name=item.name,
            owner=item.owner,
            domain=item.domain,
            title=item.title,
            description=item.description,
        )
        self.remember(
            "system", entities.create_system(self.session, self.ctx.actor, data).id, item.name
        )

    def service(self, item: plan.ServicePlan) -> None:
        data = ServiceCreate(**service_values(item))
        self.remember(
            "service", service.create_service(self.session, self.ctx.actor, data).id, item.name
        )

    def store(self, item: plan.StorePlan) -> None:
        data = DataStoreCreate(
            name=item.name,
            engine=item.engine,
            kind=StoreKind(item.kind),
            owner=item.owner,
            system=item.system,
            primary=item.primary,
            description=item.description,
        )
        row = data_stores.create_data_store(self.session, self.ctx.actor, data)
        self.remember("data-store", row.id, item.name)

    def api(self, item: ApiPlan, owner: str, system: str) -> None:
        data = ApiCreate(
            name=item.name,
            type=ApiType(item.type),
            owner=owner,
            provider=item.provider,
            system=system,
            description=item.description,
            definition=definition(item),
        )
        self.remember("api", apis.create_api(self.session, self.ctx.actor, data).id, item.name)

    def dependency(self, source: str, target: str, kind: str, protocol: str) -> None:
        data = DependencyCreate(
            source=source, target=target, target_kind=TargetKind(kind), protocol=protocol
        )
        service.create_dependency(self.session, self.ctx.actor, data)
        self.ctx.advance()


def service_values(item: plan.ServicePlan) -> dict[str, Any]:
    """The planned service as the create request, with its repository and Kubernetes workload."""
    return {
        "name": item.name,
        "layer": item.layer,
        "owner": item.owner,
        "system": item.system,
        "lifecycle": item.lifecycle,
        "type": "website" if item.layer == "frontend" else "service",
        "description": item.description,
        "repository": f"{GITLAB}/{item.system}/{item.name}",
        "language": item.language,
        "tier": item.tier,
        "kubernetes_namespace": f"{NAMESPACES[item.layer]}-{item.system}",
        "kubernetes_workload": f"deployment/{item.name}",
    }


def api_consumers(api: ApiPlan) -> list[str]:
    """Services that call the API's provider (planted violations aside), so consuming an API
    never adds a dependency between services that the service graph does not already have."""
    if api.type == "asyncapi":
        return []
    planted = {(source, target) for source, target, _ in deps.PLANTED_LAYER_VIOLATIONS}
    return sorted(
        source
        for source, target, _ in deps.service_edges()
        if target == api.provider and (source, target) not in planted
    )


def create_catalog(ctx: DemoContext) -> None:
    """The curated catalog every size has; large adds the generated bulk after it."""
    edges = deps.service_edges()
    consumers = {api.name: api_consumers(api) for api in ALL_APIS}
    ctx.expect(
        len(plan.DOMAINS)
        + len(plan.SYSTEMS)
        + len(plan.SERVICES)
        + len(plan.STORES)
        + len(ALL_APIS)
        + len(edges)
        + len(deps.STORE_EDGES)
        + sum(map(len, consumers.values()))
    )
    with ctx.db.session() as session:
        writer = CatalogWriter(session, ctx)
        for domain in plan.DOMAINS:
            writer.domain(domain)
        for system in plan.SYSTEMS:
            writer.system(system)
        for planned in plan.SERVICES:
            writer.service(planned)
        for store in plan.STORES:
            writer.store(store)
        providers = {item.name: item for item in plan.SERVICES}
        for api in ALL_APIS:
            provider = providers[api.provider]
            writer.api(api, provider.owner, provider.system)
        for source, target, protocol in edges:
            writer.dependency(source, target, "service", protocol)
        for source, store_name, protocol in deps.STORE_EDGES:
            writer.dependency(source, store_name, "data-store", protocol)
        for api in ALL_APIS:
            for source in consumers[api.name]:
                writer.dependency(source, api.name, "api", API_PROTOCOL[api.type])
    if ctx.large:
        create_bulk_catalog(ctx)


register_step("catalog", create_catalog, order=200)
