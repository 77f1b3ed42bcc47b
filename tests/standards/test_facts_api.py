"""Facts reported by pipelines: validated per kind, the latest kept per service and kind."""

from __future__ import annotations

from sqlalchemy import func, select

from tmse.core.audit import AuditEntry
from tmse.standards.facts.models import ServiceFact

FACTS = "/api/v1/standards/facts"


def _service(client, account, name="orders"):  # type: ignore[no-untyped-def]
    client.post("/api/v1/teams", json={"name": "payments"}, headers=account.headers)
    created = client.post(
        "/api/v1/catalog/services",
        json={"name": name, "layer": "business", "owner": "payments"},
        headers=account.headers,
    )
    assert created.status_code == 201, created.text


def test_latest_fact_replaces_the_previous_one(client, make_account, admin, db):
    _service(client, admin)
    pipeline = make_account("engineer")
    first = client.post(
        FACTS,
        json={"service": "orders", "kind": "coverage", "value": {"percent": 71.5},
              "source": "https://ci.example.com/runs/1"},
        headers=pipeline.headers,
    )  # fmt: skip
    assert first.status_code == 201, first.text
    assert first.json()["reported_by"] == pipeline.username
    second = client.post(
        FACTS,
        json={"service": "orders", "kind": "coverage", "value": {"percent": 82, "tool": "jacoco"}},
        headers=pipeline.headers,
    )
    assert second.json()["value"] == {"percent": 82.0, "tool": "jacoco"}
    client.post(
        FACTS,
        json={"service": "orders", "kind": "tls", "value": {"enabled": True}},
        headers=pipeline.headers,
    )
    listed = client.get(f"{FACTS}?service=orders&sort=kind", headers=pipeline.headers).json()
    assert [(f["kind"], f["value"]) for f in listed["items"]] == [
        ("coverage", {"percent": 82.0, "tool": "jacoco"}),
        ("tls", {"enabled": True}),
    ]
    only = client.get(f"{FACTS}?kind=tls", headers=pipeline.headers).json()
    assert only["total"] == 1
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(ServiceFact)) == 2
        befores = list(
            session.scalars(
                select(AuditEntry.changes).where(AuditEntry.entity_type == "service-fact")
                .order_by(AuditEntry.id)
            )
        )  # fmt: skip
    # The replaced value survives in the audit log.
    assert befores[0]["value"] == {"before": None, "after": {"percent": 71.5}}
    assert befores[1]["value"]["before"] == {"percent": 71.5}
    assert "service" not in befores[1]


def test_bad_facts_name_the_field_and_store_nothing(client, make_account, admin, db):
    _service(client, admin)
    pipeline = make_account("sre")
    cases = [
        ({"kind": "coverage", "value": {"percent": 130}}, "value.percent"),
        ({"kind": "coverage", "value": {}}, "value.percent"),
        ({"kind": "secrets-scan", "value": {"findings": -1}}, "value.findings"),
        ({"kind": "log-sample", "value": {"lines": []}}, "value.lines"),
        ({"kind": "authentication", "value": {"enabled": "maybe"}}, "value.enabled"),
        ({"kind": "Not A Kind", "value": {}}, "kind"),
        ({"kind": "coverage", "value": {"percent": 90}, "service": "nope"}, "service"),
    ]
    for body, field in cases:
        response = client.post(FACTS, json={"service": "orders", **body}, headers=pipeline.headers)
        assert response.status_code == 422, body
        assert [e["field"] for e in response.json()["errors"]] == [field], body
    # A kind tmse does not know is kept as given, for custom rules.
    custom = client.post(
        FACTS,
        json={"service": "orders", "kind": "sbom", "value": {"components": 212}},
        headers=pipeline.headers,
    )
    assert custom.status_code == 201
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(ServiceFact)) == 1


def test_viewers_read_but_do_not_report(client, make_account, admin):
    _service(client, admin)
    viewer = make_account("viewer")
    body = {"service": "orders", "kind": "tls", "value": {"enabled": True}}
    assert client.post(FACTS, json=body, headers=viewer.headers).status_code == 403
    assert client.post(FACTS, json=body).status_code == 401
    assert client.get(FACTS, headers=viewer.headers).json()["total"] == 0


def test_a_report_racing_another_updates_the_winners_row(db, monkeypatch):
    from tests.helpers import SYSTEM
    from tmse.catalog.models import Service
    from tmse.core.identity.models import Team
    from tmse.standards.facts import service as facts_service
    from tmse.standards.facts.schemas import FactReport

    with db.session() as session:
        team = Team(name="payments")
        session.add(team)
        session.flush()
        session.add(Service(name="orders", layer="business", owner_team_id=team.id))
    report = FactReport(service="orders", kind="coverage", value={"percent": 70})
    with db.session() as session:
        facts_service.report_fact(session, SYSTEM, report)
    real_latest = facts_service._latest
    calls = iter([None])  # the first look misses the row another pipeline just stored

    def racing_latest(session, service_id, kind):  # type: ignore[no-untyped-def]
        if next(calls, "looked again") is None:
            return None
        return real_latest(session, service_id, kind)

    monkeypatch.setattr(facts_service, "_latest", racing_latest)
    newer = FactReport(service="orders", kind="coverage", value={"percent": 88})
    with db.session() as session:
        fact, _ = facts_service.report_fact(session, SYSTEM, newer)
        assert fact.value == {"percent": 88.0}
    with db.session() as session:
        rows = session.scalars(select(ServiceFact.value)).all()
        last = session.scalars(select(AuditEntry.changes).order_by(AuditEntry.id.desc())).first()
    assert rows == [{"percent": 88.0}]
    # The audit entry records the row it replaced, as if there had been no race.
    assert last["value"] == {"before": {"percent": 70.0}, "after": {"percent": 88.0}}
