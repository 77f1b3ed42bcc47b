"""The demo catalog: what a visitor finds after `tmse demo` — five layers, the planted cycle,
layering violations and duplicates found by the checks, good and bad API documents, replicas,
ADRs traced to services — and the large size's bulk load keeping the audit chain and ids sound."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from rich.console import Console
from sqlalchemy import func, select

from tests.helpers import SYSTEM
from tests.helpers.databases import BACKENDS, POSTGRES_URL, postgres_schema
from tmse.app import create_app
from tmse.catalog import service as catalog_service
from tmse.catalog.demo import dependencies as deps
from tmse.catalog.demo import large as demo_large
from tmse.catalog.demo.api_plans import BAD_APIS, GOOD_APIS
from tmse.catalog.models import Dependency, Service
from tmse.catalog.schemas import DependencyCreate, ServiceCreate
from tmse.core import audit
from tmse.core.db import Database
from tmse.core.identity import credentials, service
from tmse.core.identity.schemas import TeamCreate
from tmse.demo import DEMO_ACTOR, load_demo
from tmse.demo.steps import DemoContext
from tmse.metadata import load_metadata
from tmse.settings import Settings

LAYERS = {"frontend", "gateway", "business", "data", "infrastructure"}


@pytest.fixture(scope="module", params=BACKENDS)
def demo_client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """The small demo loaded once per backend, and an admin token's headers."""
    folder = tmp_path_factory.mktemp("demo")
    if request.param == "sqlite":
        urls: Iterator[str] = iter([f"sqlite:///{folder / 'tmse.db'}"])
    else:
        assert POSTGRES_URL
        urls = postgres_schema(POSTGRES_URL)
    url = next(urls)
    db = Database(url)
    load_metadata().create_all(db.engine)
    with pytest.MonkeyPatch.context() as patch:
        # The personas' Argon2 hashes at full cost take seconds and prove nothing here.
        cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash
        patch.setattr(service, "hash_password", cheap)
        load_demo(db, credentials_file=folder / "password", console=Console(quiet=True))
    with db.session() as session:
        admin = service.user_by_name(session, "admin")
        assert admin is not None
        _, token = credentials.create_token(session, SYSTEM, admin, "test")
    settings = Settings(database_url=url, secret_key=uuid.uuid4().hex, log_json=False)
    with TestClient(create_app(settings, db), raise_server_exceptions=False) as client:
        yield client, {"Authorization": f"Bearer {token}"}
    db.dispose()
    next(urls, None)  # drops the PostgreSQL schema


def get(demo_client: tuple[TestClient, dict[str, str]], path: str, **params: object) -> object:
    client, headers = demo_client
    response = client.get(f"/api/v1/catalog{path}", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_sixty_services_in_five_layers_with_systems_and_domains(demo_client) -> None:  # type: ignore[no-untyped-def]
    services = get(demo_client, "/services", limit=200)
    assert 55 <= services["total"] <= 70
    items = services["items"]
    assert {s["layer"] for s in items} == LAYERS
    assert all(s["owner"] and s["system"] and s["repository"] for s in items)
    assert all(s["kubernetes_namespace"] and s["kubernetes_workload"] for s in items)
    assert sum(1 for s in items if any("\u4e00" <= c <= "\u9fff" for c in s["description"])) >= 10
    assert get(demo_client, "/systems", limit=50)["total"] in range(7, 11)
    assert get(demo_client, "/domains", limit=50)["total"] in (3, 4)


def test_graph_check_finds_exactly_the_planted_cycle_and_violations(demo_client) -> None:  # type: ignore[no-untyped-def]
    checks = get(demo_client, "/checks/graph")
    assert [sorted(cycle) for cycle in checks["cycles"]] == [sorted(deps.PLANTED_CYCLE)]
    found = {(v["source"], v["target"], v["rule"]) for v in checks["layer_violations"]}
    assert found == set(deps.PLANTED_LAYER_VIOLATIONS)


def test_planted_duplicates_top_the_report(demo_client) -> None:  # type: ignore[no-untyped-def]
    pairs = get(demo_client, "/checks/duplicates")
    top = {tuple(sorted((p["first"], p["second"]))) for p in pairs[: len(deps.PLANTED_DUPLICATES)]}
    assert top == set(deps.PLANTED_DUPLICATES)
    assert pairs[0]["owners"][0] != pairs[0]["owners"][1]  # built twice by different teams


def test_good_apis_conform_and_planted_bad_ones_fail(demo_client) -> None:  # type: ignore[no-untyped-def]
    assert get(demo_client, "/apis", limit=100)["total"] >= 20
    for api in GOOD_APIS:
        report = get(demo_client, f"/apis/{api.name}/conformance")
        assert report["violations"] == [], api.name
    expected = {
        "coupon-api": {"oas.no-verbs-in-path", "oas.path-kebab-case"},
        "member-coupon-api": {"oas.operation-id-missing", "oas.error-responses"},
        "push-message-api": {"oas.path-kebab-case", "oas.security-required"},
        "settlement-query-api": {"oas.versioned-base-path", "oas.operation-id-missing"},
    }
    assert set(expected) == {api.name for api in BAD_APIS}
    for name, rules in expected.items():
        report = get(demo_client, f"/apis/{name}/conformance")
        assert rules <= {v["rule"] for v in report["violations"]}, name


def test_primaries_have_read_replicas(demo_client) -> None:  # type: ignore[no-untyped-def]
    stores = get(demo_client, "/data-stores", limit=100)["items"]
    assert len(stores) >= 12
    assert {s["kind"] for s in stores} >= {"relational", "nosql"}
    assert sorted(get(demo_client, "/data-stores/order-db")["replicas"]) == [
        "order-db-replica-1",
        "order-db-replica-2",
    ]
    assert get(demo_client, "/data-stores/payment-db-replica")["primary"] == "payment-db"


def test_dependencies_carry_protocols_and_all_three_kinds_of_target(demo_client) -> None:  # type: ignore[no-untyped-def]
    rows = get(demo_client, "/dependencies", service="order-service", limit=200)["items"]
    kinds = {(r["target"], r["target_kind"], r["protocol"]) for r in rows}
    assert ("order-db", "data-store", "jdbc") in kinds
    assert ("order-events-mq", "data-store", "amqp") in kinds
    assert ("inventory-service", "service", "grpc") in kinds
    assert ("payment-api", "api", "http") in kinds
    radius = get(demo_client, "/services/user-service/blast-radius")
    assert {"order-service", "api-gateway", "mall-web"} <= set(radius["services"])


def test_adrs_are_linked_to_services_some_superseded(demo_client) -> None:  # type: ignore[no-untyped-def]
    client, headers = demo_client
    records = client.get("/api/v1/decisions", params={"limit": 50}, headers=headers).json()
    statuses = [r["status"] for r in records["items"]]
    assert len(statuses) >= 8
    assert {"accepted", "superseded", "proposed", "deprecated"} <= set(statuses)
    order_service = get(demo_client, "/services/order-service")["id"]
    links = client.get(
        "/api/v1/links", params={"entity": f"service:{order_service}"}, headers=headers
    ).json()
    assert links["total"] >= 3
    # Decision records explain the service; requirements that touch it link to it too.
    sources = {link["source_type"] for link in links["items"]}
    assert "adr" in sources and sources <= {"adr", "requirement"}


def test_large_plan_has_the_promised_size_and_is_deterministic() -> None:
    services = demo_large._plan_services(random.Random("7:catalog"))
    edges = demo_large._plan_edges(random.Random("7:catalog"), services)
    assert len(services) >= 10_000
    assert len(edges) >= 50_000
    assert demo_large.CORE_SERVICE in {name for name, _ in services}
    again = demo_large._plan_services(random.Random("7:catalog"))
    assert again == services


def test_bulk_catalog_keeps_the_audit_chain_and_ids_usable(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The large size's bulk writer at a tenth of the size: one chained audit entry per row,
    and the id sequences past the given ids, so ordinary creates afterwards still work."""
    monkeypatch.setattr(
        demo_large,
        "LAYER_COUNTS",
        {"frontend": 80, "gateway": 40, "business": 500, "data": 230, "infrastructure": 150},
    )
    monkeypatch.setattr(demo_large, "SERVICE_EDGES", 5_000)
    monkeypatch.setattr(demo_large, "PRIMARY_STORES", 100)
    monkeypatch.setattr(demo_large, "REPLICA_STORES", 30)
    with db.session() as session:
        for name in ("Payments", "Search", "Platform"):
            service.create_team(session, SYSTEM, TeamCreate(name=name, kind="team"))
    ctx = DemoContext(db, random.Random(1), "large", DEMO_ACTOR, "unused")
    demo_large.create_bulk_catalog(ctx)
    with db.session(write=False) as session:
        services = session.scalar(select(func.count()).select_from(Service))
        edges = session.scalar(
            select(func.count()).select_from(Dependency).where(Dependency.target_id.is_not(None))
        )
        rows = session.scalar(select(func.count()).select_from(Dependency))
        chain = audit.verify(session)
        entries = audit.count(session)
    assert services == 1_000
    assert edges == 5_000
    assert chain.intact
    assert entries >= services + rows
    with db.session() as session:
        created = catalog_service.create_service(
            session, SYSTEM, ServiceCreate(name="fresh-service", layer="business", owner="Search")
        )
        catalog_service.create_dependency(
            session,
            SYSTEM,
            DependencyCreate(source="fresh-service", target=demo_large.CORE_SERVICE),
        )
    assert created.id > 1_000
    with db.session(write=False) as session:
        assert audit.verify(session).intact
