"""evaluate_services on a small catalog: current versions only, batched, every rule kind's data."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event

from tests.helpers import SYSTEM
from tmse.catalog.models import Api, Dependency, Service
from tmse.core.db import Database
from tmse.core.identity.models import Team
from tmse.core.links.models import TraceLink
from tmse.standards.decisions.models import DecisionRecord
from tmse.standards.facts.models import ServiceFact
from tmse.standards.registry.evaluation import evaluate_services
from tmse.standards.registry.models import Standard, StandardVersion

NOW = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
GOOD_API = """
openapi: 3.1.0
info: {title: Orders, version: "1"}
servers: [{url: https://api.example.com/v1}]
security: [{bearer: []}]
paths:
  /orders/{id}:
    get:
      operationId: getOrder
      responses: {"200": {description: ok}, "404": {description: no}, default: {description: e}}
"""
BAD_API = GOOD_API.replace("/orders/{id}", "/getOrder").replace("operationId: getOrder", "")


def _rule(key: str, check: str, level: str = "bronze", **params: object) -> dict[str, object]:
    return {
        "key": key,
        "check": check,
        "params": params,
        "severity": "error",
        "level": level,
        "title": key.title(),
        "fix_hint": f"fix {key}",
    }


def _publish(session, key: str, rules: list[dict[str, object]], versions: int = 1, **kw) -> None:  # type: ignore[no-untyped-def]
    standard = Standard(key=key, name=key, category="custom", current_version=versions, **kw)
    session.add(standard)
    session.flush()
    for number in range(1, versions + 1):
        session.add(
            StandardVersion(
                standard_id=standard.id,
                number=number,
                body="",
                # Older versions hold a rule that must not be evaluated.
                rules=rules if number == versions else [_rule("old", "owner")],
                published_at=NOW,
                published_by="test",
            )
        )


def _catalog(db: Database) -> dict[str, int]:
    with db.session() as session:
        team = Team(name="payments")
        session.add(team)
        session.flush()
        ids = {}
        for name, layer, tier, description in (
            ("orders", "business", 0, "Takes orders from the web shop and tracks them to delivery"),
            ("web", "frontend", 2, "short"),
            ("orders-db", "data", None, ""),
        ):
            service = Service(
                name=name,
                layer=layer,
                owner_team_id=team.id,
                tier=tier,
                description=description,
                repository="https://git.example.com/orders" if name == "orders" else None,
            )
            session.add(service)
            session.flush()
            ids[name] = service.id
        session.add_all(
            [
                Api(name="orders-api", owner_team_id=team.id, provider_service_id=ids["orders"],
                    definition=GOOD_API),
                Api(name="legacy-api", owner_team_id=team.id, provider_service_id=ids["web"],
                    definition=BAD_API),
                # web (frontend) skips the gateway to reach both.
                Dependency(source_id=ids["web"], target_id=ids["orders-db"]),
                Dependency(source_id=ids["web"], target_id=ids["orders"]),
                ServiceFact(service_id=ids["orders"], kind="coverage", value={"percent": 85.0},
                            reported_at=NOW, reported_by="ci"),
                ServiceFact(service_id=ids["web"], kind="coverage", value={"percent": 79.9},
                            reported_at=NOW, reported_by="ci"),
            ]
        )  # fmt: skip
        record = DecisionRecord(number=1, title="Use events", status="accepted")
        session.add(record)
        session.flush()
        session.add(
            TraceLink(
                link_type="decided-by", source_type="service", source_id=ids["orders"],
                target_type="adr", target_id=record.id, source_fingerprint="x",
                target_fingerprint="y", created_by="test",
            )
        )  # fmt: skip
    return ids


def test_every_kind_of_data_reaches_the_rules(db: Database) -> None:
    ids = _catalog(db)
    with db.session() as session:
        _publish(
            session,
            "quality",
            [_rule("coverage", "coverage", "silver", threshold=80),
             _rule("description", "description", min_length=20)],
            versions=2,
        )  # fmt: skip
        _publish(
            session,
            "architecture",
            [_rule("adr", "adr-linked", max_tier=1), _rule("layers", "layering", "gold"),
             _rule("api", "openapi", rules=["oas.operation-id-missing", "oas.no-verbs-in-path"])],
        )  # fmt: skip
        _publish(session, "retired", [_rule("owner", "owner")], retired=True)
    with db.session() as session:
        results = evaluate_services(session)
    assert set(results) == set(ids.values())
    by_rule = {
        name: {(r.standard, r.rule): r for r in results[ids[name]] if not r.passed} for name in ids
    }
    # orders: coverage 85 ≥ 80, long description, tier 0 with an ADR, good API: all pass.
    assert by_rule["orders"] == {}
    assert [r.rule for r in results[ids["orders"]]] == ["adr", "layers", "api", "coverage",
                                                         "description"]  # fmt: skip
    web = results[ids["web"]]
    failed = sorted((r.rule, r.location) for r in web if not r.passed)
    assert failed == [
        ("api", "api:legacy-api paths./getOrder"),
        ("api", "api:legacy-api paths./getOrder.get"),
        ("coverage", "fact:coverage"),
        ("description", "service:description"),
        ("layers", "dependency:web→orders"),
        ("layers", "dependency:web→orders-db"),
    ]
    coverage = next(r for r in web if r.rule == "coverage")
    assert (coverage.level, coverage.standard_version, coverage.fix_hint) == (
        "silver",
        2,
        "fix coverage",
    )
    assert coverage.message == "coverage 79.9%, threshold 80%"
    # The data store's service has no coverage fact: failed, naming the pipeline step.
    missing = next(r for r in results[ids["orders-db"]] if r.rule == "coverage")
    assert (missing.passed, missing.message) == (False, "no coverage fact reported")
    assert "test stage" in missing.fix_hint
    assert all(r.standard != "retired" for rs in results.values() for r in rs)


def test_a_few_queries_for_many_services(db: Database) -> None:
    ids = _catalog(db)
    with db.session() as session:
        _publish(
            session,
            "all",
            [_rule("c", "coverage"), _rule("a", "adr-linked"), _rule("l", "layering"),
             _rule("o", "openapi"), _rule("x", "custom", fact="lint", path="errors", value=0)],
        )  # fmt: skip
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with db.session() as session:
        one = evaluate_services(session, [ids["web"]])
        statements.clear()
        evaluate_services(session)
    assert list(one) == [ids["web"]]
    # versions, services, facts, APIs, two ADR-link directions, layer rules (≤ 1), dependencies
    assert len(statements) <= 8


def test_no_rules_gives_empty_results(db: Database) -> None:
    ids = _catalog(db)
    with db.session() as session:
        assert evaluate_services(session, [ids["orders"], 999]) == {ids["orders"]: []}
    _ = SYSTEM
