"""The large demo catalog: ≥ 10,000 generated services and ≥ 50,000 service→service dependencies
(plus proportional APIs, data stores and their dependencies), written with bulk INSERTs."""
# Every row still gets its own audit entry, appended in batches with `tmse.core.audit.record_many`:
# one `record` call per row would take minutes.
# `core-identity` is the service nearly everything above the data layer reaches, so its blast
# radius is large. Deterministic for a seed: names, layers and edges come from `ctx.random`.

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from tmse.catalog.models import Api, DataStore, Dependency, Domain, Service, System
from tmse.core import audit
from tmse.core.db import utcnow
from tmse.core.identity.models import Team, TeamKind
from tmse.demo.steps import DemoContext

CORE_SERVICE = "core-identity"
SERVICES = 10_000
SERVICE_EDGES = 52_000
LAYER_COUNTS = {
    "frontend": 800,
    "gateway": 400,
    "business": 5_000,
    "data": 2_300,
    "infrastructure": 1_500,
}
LAYERS = tuple(LAYER_COUNTS)
# Share of business and gateway services calling core-identity directly.
CORE_SHARE = 0.35
# Edges anywhere at all: the odd upward call or loop a real catalogue has.
STRAY_SHARE = 0.001
BATCH = 5_000
SYSTEMS_PER_AREA = 15
PRIMARY_STORES, REPLICA_STORES = 1_000, 300
AREAS = (
    "trade", "pay", "member", "search", "reco", "logistics", "risk", "content", "finance", "crm",
    "ads", "live", "im", "supply", "store", "travel", "insurance", "credit", "game", "video",
)  # fmt: skip
CAPABILITIES = {
    "frontend": ("web", "h5", "app", "console", "portal", "mini"),
    "gateway": ("gateway", "bff", "edge", "openapi"),
    "business": ("order", "cart", "quote", "coupon", "ledger", "account", "catalog", "stock",
                 "rule", "billing", "contract", "campaign", "ticket", "review", "booking"),
    "data": ("etl", "sync", "feature", "metrics", "report", "index", "query", "stream"),
    "infrastructure": ("config", "registry", "queue", "cache", "storage", "scheduler",
                       "secrets", "dns", "monitor"),
}  # fmt: skip
CHINESE = {
    "frontend": "前端应用",
    "gateway": "网关",
    "business": "业务服务",
    "data": "数据服务",
    "infrastructure": "基础设施组件",
}
ENGINES = (
    ("MySQL", "relational"), ("PostgreSQL", "relational"), ("Redis", "nosql"),
    ("MongoDB", "nosql"), ("Elasticsearch", "nosql"),
)  # fmt: skip
LANGUAGES = ("Java", "Go", "Python", "TypeScript", "Kotlin", "Rust")
T = TypeVar("T")


def create_bulk_catalog(ctx: DemoContext) -> None:
    """Add the generated catalog after the curated one, in batches with a progress bar."""
    rng = ctx.random
    with ctx.db.session(write=False) as session:
        teams = list(session.scalars(select(Team.id).where(Team.kind == TeamKind.TEAM)))
    services = _plan_services(rng)
    edges = _plan_edges(rng, services)
    service_rows = [_service_row(rng, s, teams) for s in services]
    api_rows, api_consumers = _apis(rng, services, service_rows)
    primaries, replicas = _stores(rng, teams)
    store_users = [s for s, (_, layer) in enumerate(services) if layer in ("business", "data")]
    consumptions = sum(map(len, api_consumers))
    units = len(AREAS) * (1 + SYSTEMS_PER_AREA) + len(services) + len(api_rows)
    units += len(primaries) + len(replicas) + len(edges) + consumptions + len(store_users)
    if ctx.progress is not None and ctx.task is not None:
        ctx.progress.reset(ctx.task, total=units)
    with ctx.db.session() as session:
        bulk = BulkWriter(session, ctx)
        domain_ids = bulk.insert(
            Domain,
            "domain",
            [
                {
                    "name": f"domain-{area}",
                    "title": area.title(),
                    "description": f"{area} 业务域",
                    "owner_team_id": rng.choice(teams),
                    "extra": {},
                }
                for area in AREAS
            ],
        )
        system_ids = bulk.insert(
            System,
            "system",
            [
                {
                    "name": f"{area}-system-{n:02d}",
                    "title": f"{area.title()} {n}",
                    "description": f"{area} capability {n}",
                    "owner_team_id": rng.choice(teams),
                    "domain_id": domain_ids[a],
                    "extra": {},
                }
                for a, area in enumerate(AREAS)
                for n in range(SYSTEMS_PER_AREA)
            ],
        )
        for row in (*service_rows, *primaries, *replicas):
            row["system_id"] = system_ids[row.pop("system")]
        service_ids = bulk.insert(Service, "service", service_rows)
        for row in api_rows:
            provider = row.pop("provider")
            row["provider_service_id"] = service_ids[provider]
            row["system_id"] = service_rows[provider]["system_id"]
        api_ids = bulk.insert(Api, "api", api_rows)
        store_ids = bulk.insert(DataStore, "data-store", primaries)
        for row in replicas:
            row["primary_id"] = store_ids[row.pop("primary")]
        all_stores = store_ids + bulk.insert(DataStore, "data-store", replicas)
        targets: list[tuple[int, int | None, int | None, int | None, str]] = [
            (s, service_ids[t], None, None, protocol) for s, t, protocol in edges
        ]
        targets += [
            (c, None, api_ids[a], None, "http")
            for a, consumers in enumerate(api_consumers)
            for c in consumers
        ]
        targets += [
            (s, None, None, rng.choice(all_stores), rng.choice(("jdbc", "redis")))
            for s in store_users
        ]
        dependencies = [
            dict(zip(_DEPENDENCY_FIELDS, (service_ids[s], *rest), strict=True))
            for s, *rest in targets
        ]
        bulk.insert(Dependency, "dependency", dependencies, snapshot_fields=_DEPENDENCY_FIELDS)
        bulk.finish()


_DEPENDENCY_FIELDS = ("source_id", "target_id", "target_api_id", "target_data_store_id", "protocol")


class BulkWriter:
    """Bulk INSERTs (executemany) in batches, each followed by one chained audit entry per row."""

    # Ids are given, not returned: RETURNING with rows in parameter order makes SQLite insert one
    # row per statement. The demo loads into an empty database, so nobody else takes ids meanwhile;
    # on PostgreSQL the id sequences are moved past them at the end (`finish`).

    def __init__(self, session: Session, ctx: DemoContext) -> None:
        self.session, self.ctx = session, ctx
        self.tables: set[str] = set()

    def insert(
        self,
        model: type[Any],
        kind: str,
        rows: list[dict[str, Any]],
        snapshot_fields: Sequence[str] | None = None,
    ) -> list[int]:
        table = model.__table__
        first = (self.session.scalar(select(func.max(table.c.id))) or 0) + 1
        ids = list(range(first, first + len(rows)))
        versioned = "version" in table.c
        now = utcnow()
        for start in range(0, len(rows), BATCH):
            batch, batch_ids = rows[start : start + BATCH], ids[start : start + BATCH]
            for entity_id, row in zip(batch_ids, batch, strict=True):
                row.update(id=entity_id, created_at=now, updated_at=now)
                if versioned:
                    row["version"] = 1
            self.session.execute(insert(table), batch)
            self._audit(kind, batch_ids, batch, snapshot_fields)
            self.ctx.advance(len(batch))
        self.tables.add(table.name)
        return ids

    def finish(self) -> None:
        """Move PostgreSQL's id sequences past the ids given (SQLite needs nothing)."""
        if self.session.get_bind().dialect.name != "postgresql":
            return
        for name in sorted(self.tables):
            # Table names come from the metadata, never from input.
            query = f"SELECT setval(pg_get_serial_sequence(:t, 'id'), (SELECT max(id) FROM {name}))"  # noqa: S608
            self.session.execute(text(query), {"t": name})

    def _audit(
        self,
        kind: str,
        ids: list[int],
        rows: list[dict[str, Any]],
        fields: Sequence[str] | None,
    ) -> None:
        skip = {"id", "created_at", "updated_at", "version", "extra", "definition"}
        changes = []
        for entity_id, row in zip(ids, rows, strict=True):
            keys = fields or [key for key in row if key not in skip]
            after = {
                key: {"before": None, "after": row[key]} for key in keys if row.get(key) is not None
            }
            changes.append(audit.Change("create", kind, entity_id, after))
        audit.record_many(self.session, self.ctx.actor, changes)


def _plan_services(rng: Any) -> list[tuple[str, str]]:
    """(name, layer) of every generated service, layer by layer; core-identity ends business."""
    services: list[tuple[str, str]] = []
    for layer, count in LAYER_COUNTS.items():
        for _ in range(count - (layer == "business")):
            area, capability = rng.choice(AREAS), rng.choice(CAPABILITIES[layer])
            services.append((f"{area}-{capability}-{len(services):05d}", layer))
        if layer == "business":
            services.append((CORE_SERVICE, layer))
    return services


def _plan_edges(rng: Any, services: list[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """Service index pairs: mostly one layer down or later in the same layer (so no loops),
    core-identity for a share of callers above it, and a few strays anywhere."""
    members: dict[str, list[int]] = {layer: [] for layer in LAYERS}
    for index, (_, layer) in enumerate(services):
        members[layer].append(index)
    core = next(i for i, (name, _) in enumerate(services) if name == CORE_SERVICE)
    pairs: set[tuple[int, int]] = set()
    for index, (_, layer) in enumerate(services):
        if layer in ("business", "gateway") and index != core and rng.random() < CORE_SHARE:
            pairs.add((index, core))
    position = {layer: i for i, layer in enumerate(LAYERS)}
    total = len(services)
    while len(pairs) < SERVICE_EDGES:
        source = rng.randrange(total)
        layer = services[source][1]
        if rng.random() < STRAY_SHARE:
            target = rng.randrange(total)
        elif layer != LAYERS[-1] and rng.random() < 0.7:
            target = rng.choice(members[LAYERS[position[layer] + 1]])
        else:
            same = members[layer]
            # Only later members of the layer, so same-layer edges never close a loop.
            start = source - same[0] + 1
            if start >= len(same) or source == core:
                continue
            target = same[rng.randrange(start, len(same))]
        if source != target and not (source == core and services[target][1] != "data"):
            pairs.add((source, target))
    return [(s, t, rng.choice(("http", "grpc"))) for s, t in sorted(pairs)]


def _service_row(rng: Any, service: tuple[str, str], teams: list[int]) -> dict[str, Any]:
    name, layer = service
    area, capability = [*name.split("-"), ""][:2]
    description = (
        "Identity for every request: who the caller is and what they may do. 统一身份服务。"
        if name == CORE_SERVICE
        else f"{area.title()} {capability} {layer} service. {area} {CHINESE[layer]}。"
    )
    return {
        "name": name,
        "layer": layer,
        "lifecycle": rng.choices(("production", "experimental", "deprecated"), (90, 6, 4))[0],
        "type": "website" if layer == "frontend" else "service",
        "owner_team_id": rng.choice(teams),
        "system": rng.randrange(len(AREAS) * SYSTEMS_PER_AREA),
        "description": description,
        "repository": f"https://git.acme.example/{area}/{name}",
        "language": rng.choice(LANGUAGES),
        "tier": 0 if name == CORE_SERVICE else rng.randint(1, 4),
        "kubernetes_namespace": f"{area}-{layer[:4]}",
        "kubernetes_workload": f"deployment/{name}",
        "extra": {},
    }


def _apis(
    rng: Any, services: list[tuple[str, str]], rows: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[list[int]]]:
    """An API for every tenth business service, each consumed by up to five gateway or business
    services; returns the rows and the consumers' indices per API."""
    business = [i for i, (_, layer) in enumerate(services) if layer == "business"]
    callers = [i for i, (_, layer) in enumerate(services) if layer in ("gateway", "business")]
    apis, consumers = [], []
    for provider in business[::10]:
        name = services[provider][0]
        resource = name.split("-")[1] + "s"
        document = {
            "openapi": "3.0.3",
            "info": {"title": f"{name} API", "version": "1.0.0"},
            "servers": [{"url": "https://api.acme.example/v1"}],
            "security": [{"bearerAuth": []}],
            "paths": {
                f"/{resource}": {
                    "get": {
                        "operationId": f"list{resource.title()}",
                        "responses": {
                            "200": {"description": "OK"},
                            "400": {"description": "Bad"},
                            "default": {"description": "Error"},
                        },
                    }
                },
            },
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        }
        apis.append(
            {
                "name": f"{name}-api",
                "type": "openapi",
                "lifecycle": "production",
                "owner_team_id": rows[provider]["owner_team_id"],
                "provider": provider,
                "description": f"API of {name}",
                "definition": json.dumps(document),
                "extra": {},
            }
        )
        consumers.append(sorted({c for c in rng.sample(callers, 5) if c != provider}))
    return apis, consumers


def _stores(rng: Any, teams: list[int]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Primary stores and read replicas of relational ones (each with its primary's index)."""
    primaries = []
    for n in range(PRIMARY_STORES):
        engine, kind = rng.choice(ENGINES)
        primaries.append(
            {
                "name": f"{rng.choice(AREAS)}-{engine.lower()}-{n:04d}",
                "engine": engine,
                "kind": kind,
                "owner_team_id": rng.choice(teams),
                "system": rng.randrange(len(AREAS) * SYSTEMS_PER_AREA),
                "description": f"{engine} store",
                "extra": {},
            }
        )
    relational = [i for i, row in enumerate(primaries) if row["kind"] == "relational"]
    replicas = [
        {
            **primaries[p],
            "name": f"{primaries[p]['name']}-replica-{r}",
            "description": "Read replica",
            "primary": p,
        }
        for r, p in enumerate(sorted(rng.sample(relational, min(REPLICA_STORES, len(relational)))))
    ]
    return primaries, replicas
