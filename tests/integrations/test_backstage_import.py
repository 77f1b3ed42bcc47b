"""Backstage import and export on Backstage's own example entities, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools

import yaml
from sqlalchemy import func, select

from tests.helpers import SYSTEM
from tests.helpers.backstage_examples import catalog_records
from tmse.catalog.backstage.queries import export_backstage
from tmse.catalog.backstage.service import import_backstage
from tmse.catalog.models import Api, DataStore, Service, System
from tmse.core.audit import AuditEntry, verify
from tmse.core.identity.models import Team

REJECTED = {
    ("components/invalid-component.yaml", 4, "metadata.name"),
    ("components/petstore-component.yaml", 14, "spec.owner"),
    ("components/petstore-component.yaml", 17, "spec.providesApis.1"),
    ("components/petstore-component.yaml", 18, "spec.providesApis.2"),
    ("components/petstore-component.yaml", 20, "spec.consumesApis.0"),
    ("components/podcast-api-component.yaml", 12, "spec.system"),
    ("components/queue-proxy-component.yaml", 13, "spec.system"),
    ("systems/podcast-system.yaml", 7, "spec.owner"),
}


def _import(db, files):
    with db.session() as session:
        return import_backstage(session, SYSTEM, files)


def _export(db) -> str:
    with db.session(write=False) as session:
        return export_backstage(session)


def test_real_examples_import_and_their_flaws_are_located(db, examples):
    report = _import(db, examples)
    assert {(e["file"], e["line"], e["field"]) for e in report.errors} == REJECTED
    owner = next(e for e in report.errors if e["field"] == "spec.owner" and "petstore" in e["file"])
    assert owner["entity"] == "component:default/petstore"
    assert owner["message"] == "unknown owner 'sre'"
    bad_name = next(e for e in report.errors if e["field"] == "metadata.name")
    assert bad_name["entity"] == "component:default/invalid component"
    cascaded = next(e for e in report.errors if "queue-proxy" in e["file"])
    assert "systems/podcast-system.yaml, which has errors" in cascaded["message"]
    assert report.created == {
        "group": 8,
        "domain": 3,
        "system": 2,
        "component": 8,
        "resource": 1,
        "api": 4,
        "dependency": 2,
    }
    assert "User:guest" in report.skipped and "Location:example-groups" in report.skipped
    with db.session(write=False) as session:
        services = {s.name: s for s in session.scalars(select(Service))}
        teams = {t.id: t.name for t in session.scalars(select(Team))}
        assert "petstore" not in services and "queue-proxy" not in services
        assert session.scalar(select(System).where(System.name == "podcast")) is None
        lookup = services["artist-lookup"]
        assert (lookup.layer, lookup.lifecycle, teams[lookup.owner_team_id]) == (
            "business",
            "experimental",
            "team-a",
        )
        # Owned by user:guest, a member of team-a according to team-a-group.yaml.
        assert teams[services["playback-order"].owner_team_id] == "team-a"
        archive = session.scalar(select(Api).where(Api.name == "wayback-archive"))
        assert archive is not None and archive.provider_service_id == services["wayback-archive"].id
        store = session.scalar(select(DataStore).where(DataStore.name == "artists-db"))
        assert store is not None and (store.engine, store.kind) == ("database", "relational")
        parents = {t.name: teams.get(t.parent_id) for t in session.scalars(select(Team))}  # type: ignore[arg-type]
        assert parents["team-a"] == "backstage" and parents["infrastructure"] == "acme-corp"
        assert verify(session).intact


def test_round_trip_is_lossless_and_keeps_unknown_fields(db, other_db, examples):
    _import(db, examples)
    exported = _export(db)
    report = _import(other_db, {"export.yaml": exported})
    assert report.errors == []
    assert catalog_records(other_db) == catalog_records(db)
    assert _export(other_db) == exported
    again = _import(db, {"export.yaml": exported})
    assert again.created == {} and again.updated == {}

    documents = {(d["kind"], d["metadata"]["name"]): d for d in yaml.safe_load_all(exported)}
    imported = set(examples) - {e[0] for e in REJECTED}
    for name in imported:
        for original in yaml.safe_load_all(examples[name]):
            if original["kind"] in ("Component", "API", "Resource", "System", "Domain", "Group"):
                # Every field written back as it was: annotations, links, tags, unknown spec
                # keys, references as written (user:guest), $text placeholders, definitions.
                assert documents[original["kind"], original["metadata"]["name"]] == original
    lookup = documents["Component", "artist-lookup"]
    assert lookup["metadata"]["annotations"]["buildkite.com/project-slug"] == "nutrien/digital-k8s"
    assert documents["System", "audio-playback"]["spec"]["type"] == "feature-set"
    assert documents["User", "guest"]["spec"]["memberOf"] == ["team-a"]
    assert documents["Group", "team-a"]["spec"]["parent"] == "backstage"


def test_reimport_updates_by_name_and_audits_the_change(db):
    base = """apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: payments}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ledger
  annotations: {tmse.io/layer: data, tmse.io/tier: "1"}
spec: {type: service, lifecycle: experimental, owner: payments}
"""
    assert _import(db, {"a.yaml": base}).created == {"group": 1, "component": 1}
    changed = base.replace("experimental", "production").replace("layer: data", "layer: business")
    report = _import(db, {"a.yaml": changed})
    assert report.updated == {"component": 1} and report.unchanged == {"group": 1}
    with db.session(write=False) as session:
        [ledger] = session.scalars(select(Service)).all()
        assert (ledger.lifecycle, ledger.layer, ledger.tier, ledger.version) == (
            "production",
            "business",
            1,
            2,
        )
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "update").order_by(AuditEntry.id)
        ).all()[-1]
        assert entry.entity_type == "service"
        assert entry.changes["lifecycle"] == {"before": "experimental", "after": "production"}
        assert verify(session).intact


def test_relations_dependencies_providers_and_replicas(db):
    files = {
        "teams.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: core}\n"
        "spec: {type: team, children: []}\n",
        "services.yaml": """apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: orders}
spec:
  type: service
  lifecycle: production
  owner: group:default/core
  dependsOn: ['component:stock', 'resource:orders-db']
  consumesApis: ['stock-api']
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: stock}
spec: {type: service, lifecycle: production, owner: core, providesApis: [stock-api]}
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: {name: stock-api}
spec: {type: grpc, lifecycle: production, owner: core, definition: "service Stock {}"}
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: {name: orders-db}
spec: {type: database, owner: core, dependencyOf: ['component:stock']}
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: orders-db-replica
  annotations: {tmse.io/primary: orders-db, tmse.io/engine: postgresql}
spec: {type: database, owner: core}
""",
    }
    report = _import(db, files)
    assert report.errors == [] and report.created["dependency"] == 4
    records = catalog_records(db)
    assert records["dependency"] == [
        ("orders", "orders-db", "http"),
        ("orders", "stock", "http"),
        ("orders", "stock-api", "http"),
        ("stock", "orders-db", "http"),
    ]
    assert records["api"]["stock-api"]["provider_service_id"] == "stock"
    replica = records["data-store"]["orders-db-replica"]
    assert (replica["primary_id"], replica["engine"], replica["kind"]) == (
        "orders-db",
        "postgresql",
        "relational",
    )
    exported = {d["metadata"]["name"]: d for d in yaml.safe_load_all(_export(db))}
    assert (
        exported["orders-db-replica"]["metadata"]["annotations"]["tmse.io/primary"] == "orders-db"
    )
    assert exported["stock"]["spec"]["providesApis"] == ["stock-api"]


def test_malformed_yaml_names_the_line_and_stores_nothing_of_that_file(db, examples):
    broken = examples["apis/petstore-api.yaml"].replace("lifecycle: experimental", "lifecycle: [x")
    group = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-c}\n"
    files = {
        "apis/petstore-api.yaml": broken,
        "team-c.yaml": group + "spec: {type: team, children: []}\n",
    }
    report = _import(db, files)
    [error] = report.errors
    assert error["file"] == "apis/petstore-api.yaml" and "malformed YAML" in error["message"]
    assert 17 <= error["line"] <= 20
    assert report.created == {"group": 1}  # the other file still imports
    with db.session(write=False) as session:
        assert session.scalar(select(func.count()).select_from(Api)) == 0


def test_unknown_owner_names_entity_and_field_and_the_file_stores_nothing(db):
    text = """apiVersion: backstage.io/v1alpha1
kind: System
metadata: {name: billing}
spec: {owner: finance}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: invoices}
spec:
  type: service
  lifecycle: production
  owner: ghost-team
  system: billing
"""
    groups = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: finance}\n"
    groups += "spec: {type: team, children: []}\n"
    report = _import(db, {"billing.yaml": text, "org/groups.yaml": groups})
    assert report.errors == [
        {
            "file": "billing.yaml",
            "line": 12,
            "entity": "component:default/invoices",
            "field": "spec.owner",
            "message": "unknown owner 'ghost-team'",
            "finding_message": {
                "id": "unknown {what} '{name}'",
                "params": {"what": {"id": "owner", "params": {}}, "name": "ghost-team"},
            },
        }
    ]
    assert report.files_imported == ["org/groups.yaml"]
    with db.session(write=False) as session:
        assert session.scalar(select(func.count()).select_from(System)) == 0
        assert session.scalar(select(func.count()).select_from(Service)) == 0
    # Once the owner exists, the same file imports; its owner from another file resolves.
    fixed = {"billing.yaml": text.replace("ghost-team", "finance"), "org/groups.yaml": groups}
    assert _import(db, fixed).created == {"system": 1, "component": 1}


def test_invalid_definition_is_located_inside_the_text(db):
    text = """apiVersion: backstage.io/v1alpha1
kind: API
metadata: {name: orders-api}
spec:
  type: openapi
  lifecycle: production
  owner: core
  definition: |
    openapi: 3.0.3
    info: {title: Orders, version: 1.0.0
    paths: {}
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: {name: events}
spec: {type: asyncapi, lifecycle: production, owner: core, definition: "just words"}
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: {name: legacy}
spec: {type: soap, lifecycle: production, owner: core, definition: "<wsdl/>"}
"""
    groups = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: core}\n"
    groups += "spec: {type: team, children: []}\n"
    report = _import(db, {"apis.yaml": text, "groups.yaml": groups})
    errors = [(e["line"], e["entity"], e["field"]) for e in report.errors]
    assert errors == [
        (11, "api:default/orders-api", "spec.definition"),
        (16, "api:default/events", "spec.definition"),
        (21, "api:default/legacy", "spec.type"),
    ]
    assert "not valid YAML" in report.errors[0]["message"]
    assert "asyncapi: <version>" in report.errors[1]["message"]
    with db.session(write=False) as session:
        assert session.scalar(select(func.count()).select_from(Api)) == 0


def test_progress_reaches_the_total(db, examples):
    seen: list[tuple[int, int]] = []
    with db.session() as session:
        import_backstage(session, SYSTEM, examples, lambda done, total: seen.append((done, total)))
    assert seen[-1][0] == seen[-1][1] and len(seen) > len(examples)
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(seen))


def test_a_parent_cycle_among_groups_is_an_error_not_a_crash(db):
    text = """apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: a}
spec: {type: team, parent: b, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: b}
spec: {type: team, children: [a], parent: a}
"""
    report = _import(db, {"org.yaml": text})
    assert [(e["line"], e["entity"], e["field"]) for e in report.errors] == [
        (4, "group:default/a", "spec.parent"),
        (9, "group:default/b", "spec.parent"),
    ]
    with db.session(write=False) as session:
        assert session.scalar(select(func.count()).select_from(Team)) == 0


def test_records_made_in_tmse_export_and_import_elsewhere_unchanged(db, other_db):
    from tmse.catalog.models import DataStore, Dependency
    from tmse.catalog.schemas import DependencyCreate, ServiceCreate
    from tmse.catalog.service import create_dependency, create_service
    from tmse.core.identity.schemas import TeamCreate
    from tmse.core.identity.service import create_team

    with db.session() as session:
        parent = create_team(session, SYSTEM, TeamCreate(name="Platform", kind="department"))
        team = create_team(session, SYSTEM, TeamCreate(name="Payments", parent_id=parent.id))
        for name, layer in (("checkout-web", "frontend"), ("payments", "business")):
            create_service(session, SYSTEM, ServiceCreate(name=name, layer=layer, owner="Payments"))
        create_dependency(
            session, SYSTEM, DependencyCreate(source="checkout-web", target="payments")
        )
        stores = [
            DataStore(name="pay-db", engine="postgresql", kind="relational", owner_team_id=team.id),
            DataStore(name="pay-cache", engine="redis", kind="nosql", owner_team_id=team.id),
        ]
        session.add_all(stores)
        session.flush()
        stores[1].extra = {"note": "kept by someone else"}
        replica = DataStore(name="pay-db-ro", engine="postgresql", owner_team_id=team.id)
        replica.primary_id = stores[0].id
        session.add(replica)
        payments = session.scalar(select(Service).where(Service.name == "payments"))
        assert payments is not None
        api = Api(
            name="payments-api", type="grpc", owner_team_id=team.id, definition="service P {}"
        )
        api.provider_service_id = payments.id
        session.add(api)
        session.flush()
        session.add(Dependency(source_id=payments.id, target_data_store_id=stores[0].id))
    exported = _export(db)
    report = _import(other_db, {"export.yaml": exported})
    assert report.errors == [], report.errors
    mine, theirs = catalog_records(db), catalog_records(other_db)
    for records in (mine, theirs):
        for table in records.values():
            if isinstance(table, dict):
                for values in table.values():
                    if isinstance(values, dict):
                        values.pop("extra", None)  # the copy also keeps its descriptor
    assert theirs == mine
    documents = {d["metadata"]["name"]: d for d in yaml.safe_load_all(exported)}
    assert documents["checkout-web"]["metadata"]["annotations"] == {"tmse.io/layer": "frontend"}
    assert documents["checkout-web"]["spec"]["dependsOn"] == ["component:payments"]
    assert documents["pay-db-ro"]["metadata"]["annotations"]["tmse.io/primary"] == "pay-db"
    # Importing over records made in tmse keeps what others stored in `extra`.
    _import(db, {"export.yaml": exported})
    with db.session(write=False) as session:
        cache = session.scalar(select(DataStore).where(DataStore.name == "pay-cache"))
        assert cache is not None and cache.extra["note"] == "kept by someone else"
