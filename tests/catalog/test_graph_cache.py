"""The dependency graph kept per process: reused while nothing is written, rebuilt after any
audited write, never kept from a session's own uncommitted writes."""

from __future__ import annotations

import threading
import time

import pytest

from tests.helpers import SYSTEM
from tests.helpers.catalog_client import Catalog
from tests.helpers.unseen_writes import write_unseen
from tmse.catalog import service
from tmse.catalog.graph import cache as graph_cache
from tmse.catalog.schemas import DependencyCreate, ServiceCreate
from tmse.core.errors import NotFound
from tmse.core.version_memo import VersionMemo


@pytest.fixture
def catalog(client, admin):
    catalog = Catalog(client, admin.headers)
    client.post("/api/v1/teams", json={"name": "Core"}, headers=admin.headers)
    client.post("/api/v1/teams", json={"name": "Shop"}, headers=admin.headers)
    # web → gateway → orders → identity; billing consumes identity's API.
    catalog.service("identity")
    catalog.service("orders")
    catalog.service("gateway", layer="gateway", owner="Shop")
    catalog.service("web", layer="frontend", owner="Shop")
    catalog.service("billing")
    catalog.api("identity-api", provider="identity")
    catalog.depend("orders", "identity")
    catalog.depend("gateway", "orders")
    catalog.depend("web", "gateway")
    catalog.depend("billing", "identity-api", kind="api")
    return catalog


def _radius(db, name: str) -> list[str]:
    with db.session(write=False) as session:
        return graph_cache.blast_radius(session, name).services


def _add_behind_the_audit_log(db, name: str, depends_on: str) -> None:
    write_unseen(
        db,
        "INSERT INTO catalog_services (name, type, layer, lifecycle, owner_team_id, "
        "description, extra, version, created_at, updated_at) SELECT :n, 'service', "
        "'frontend', 'production', owner_team_id, '', '{}', 1, created_at, updated_at "
        "FROM catalog_services WHERE name = :t",
        n=name,
        t=depends_on,
    )
    write_unseen(
        db,
        "INSERT INTO catalog_dependencies (source_id, target_id, protocol, created_at, "
        "updated_at) SELECT s.id, t.id, 'http', s.created_at, s.updated_at "
        "FROM catalog_services s, catalog_services t WHERE s.name = :n AND t.name = :t",
        n=name,
        t=depends_on,
    )


def test_blast_radius_in_name_order_with_owners_and_through_apis(catalog, db):
    with db.session(write=False) as session:
        radius = graph_cache.blast_radius(session, "identity")
    assert radius.services == ["billing", "gateway", "orders", "web"]
    assert radius.impacted == [
        {"name": "billing", "owner": "Core"},
        {"name": "gateway", "owner": "Shop"},
        {"name": "orders", "owner": "Core"},
        {"name": "web", "owner": "Shop"},
    ]
    assert _radius(db, "gateway") == ["web"]
    assert _radius(db, "web") == []
    with db.session(write=False) as session, pytest.raises(NotFound):
        graph_cache.blast_radius(session, "nowhere")


def test_blast_radius_is_reused_until_any_audited_write(catalog, db, client, admin):
    assert _radius(db, "orders") == ["gateway", "web"]
    _add_behind_the_audit_log(db, "kiosk", "orders")
    assert _radius(db, "orders") == ["gateway", "web"]  # from memory: no audited write yet
    assert _radius(db, "identity") == ["billing", "gateway", "orders", "web"]  # index reused
    client.post("/api/v1/teams", json={"name": "Unrelated"}, headers=admin.headers)
    assert _radius(db, "orders") == ["gateway", "kiosk", "web"]
    assert _radius(db, "identity") == ["billing", "gateway", "kiosk", "orders", "web"]


def test_a_new_dependency_shows_at_once(catalog, db):
    assert _radius(db, "billing") == []
    catalog.service("reports")
    catalog.depend("reports", "billing")
    assert _radius(db, "billing") == ["reports"]
    assert _radius(db, "identity") == ["billing", "gateway", "orders", "reports", "web"]


def test_uncommitted_writes_are_seen_by_their_session_only(catalog, db):
    assert _radius(db, "web") == []

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), db.session() as session:
        service.create_service(
            session, SYSTEM, ServiceCreate(name="tablet", layer="frontend", owner="Shop")
        )
        service.create_dependency(session, SYSTEM, DependencyCreate(source="tablet", target="web"))
        assert graph_cache.blast_radius(session, "web").services == ["tablet"]
        raise Abandoned  # rolled back
    assert _radius(db, "web") == []
    # The next write takes the rolled-back audit id again: still not mistaken for it.
    catalog.service("phone", layer="frontend", owner="Shop")
    assert _radius(db, "web") == []


def test_concurrent_lookups_build_once(catalog, db):
    memo = VersionMemo[int](slots=2)
    builds = []

    def build() -> int:
        builds.append(1)
        time.sleep(0.2)
        return 42

    results = []

    def look() -> None:
        with db.session(write=False) as session:
            results.append(memo.get(session, build, extra="x"))

    threads = [threading.Thread(target=look) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (results, len(builds)) == ([42] * 4, 1)
