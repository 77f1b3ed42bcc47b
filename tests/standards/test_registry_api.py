"""The standards registry over the API: versions are immutable, rules validated, writes audited."""

from __future__ import annotations

from sqlalchemy import func, select

from tmse.core.audit import AuditEntry
from tmse.standards.registry.models import StandardVersion

BASE = "/api/v1/standards/registry"
RULES = [
    {"key": "coverage", "check": "coverage", "params": {"threshold": 80}, "level": "silver",
     "severity": "error", "title": "Coverage at least 80%", "fix_hint": "add tests"},
    {"key": "tls", "check": "tls", "level": "bronze", "severity": "error"},
]  # fmt: skip


def _create(client, account, key="quality", **extra):  # type: ignore[no-untyped-def]
    body = {"key": key, "name": "Quality", "category": "quality", **extra}
    return client.post(BASE, json=body, headers=account.headers)


def test_publish_moves_the_current_version_and_keeps_old_ones(client, make_account, db):
    architect = make_account("architect")
    created = _create(client, architect)
    assert created.status_code == 201, created.text
    assert (created.json()["current_version"], created.json()["rule_count"]) == (None, 0)
    first = client.post(
        f"{BASE}/quality/versions",
        json={"version": 1, "body": "# Quality\n\nTest it.", "rules": RULES, "change_note": "v1"},
        headers=architect.headers,
    )
    assert first.status_code == 201, first.text
    assert first.json()["number"] == 1 and first.json()["published_by"] == architect.username
    # Params are stored normalised; a rule without a title is titled by its key.
    assert first.json()["rules"][1]["title"] == "tls"
    second_rules = [{**RULES[0], "params": {"threshold": 85}}, {"key": "lint", "check": "custom",
                    "params": {"fact": "lint", "path": "errors", "value": 0}}]  # fmt: skip
    second = client.post(
        f"{BASE}/quality/versions",
        json={"version": 2, "rules": second_rules, "change_note": "raise the bar"},
        headers=architect.headers,
    )
    assert second.json()["number"] == 2
    detail = client.get(f"{BASE}/quality", headers=architect.headers).json()
    assert (detail["current_version"], detail["rule_count"], detail["version"]) == (2, 2, 3)
    assert detail["current"]["change_note"] == "raise the bar"
    versions = client.get(f"{BASE}/quality/versions", headers=architect.headers).json()
    assert [v["number"] for v in versions] == [2, 1]
    old = client.get(f"{BASE}/quality/versions/1", headers=architect.headers).json()
    assert old["body"] == "# Quality\n\nTest it." and len(old["rules"]) == 2
    diff = client.get(f"{BASE}/quality/diff?from=1&to=2", headers=architect.headers).json()
    assert [r["key"] for r in diff["added"]] == ["lint"]
    assert [r["key"] for r in diff["removed"]] == ["tls"]
    assert [(c["key"], c["fields"]) for c in diff["changed"]] == [("coverage", ["params"])]
    assert diff["changed"][0]["after"]["params"] == {"threshold": 85}
    assert diff["body_changed"] is True
    with db.session() as session:
        actions = list(
            session.scalars(
                select(AuditEntry.action).where(AuditEntry.entity_type == "standard")
                .order_by(AuditEntry.id)
            )
        )  # fmt: skip
    assert actions == ["create", "publish", "publish"]


def test_bad_rules_name_the_field_and_store_nothing(client, make_account, db):
    architect = make_account("architect")
    _create(client, architect)
    rules = [
        RULES[0],
        {**RULES[1], "key": "coverage"},
        {"key": "cov", "check": "coverage", "params": {"threshold": 120}, "level": "platinum"},
        {"key": "x", "check": "no-such-check", "severity": "fatal"},
        {"key": "api", "check": "openapi", "params": {"rules": ["oas.nope"]}},
        {"key": "c", "check": "custom", "params": {"path": "a", "value": 1}},
    ]
    response = client.post(
        f"{BASE}/quality/versions", json={"version": 1, "rules": rules}, headers=architect.headers
    )
    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["errors"]]
    assert fields == [
        "rules[1].key",
        "rules[2].level",
        "rules[2].params.threshold",
        "rules[3].severity",
        "rules[3].check",
        "rules[4].params.rules",
        "rules[5].params",
    ]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(StandardVersion)) == 0
    detail = client.get(f"{BASE}/quality", headers=architect.headers).json()
    assert (detail["current_version"], detail["version"]) == (None, 1)


def test_stale_writes_conflict(client, make_account):
    architect = make_account("architect")
    _create(client, architect)
    client.patch(f"{BASE}/quality", json={"version": 1, "name": "Quality bar"},
                 headers=architect.headers)  # fmt: skip
    stale = client.post(
        f"{BASE}/quality/versions", json={"version": 1, "rules": RULES}, headers=architect.headers
    )
    assert stale.status_code == 409
    assert client.get(f"{BASE}/quality/versions", headers=architect.headers).json() == []
    retire_stale = client.post(f"{BASE}/quality/retire", json={"version": 1},
                               headers=architect.headers)  # fmt: skip
    assert retire_stale.status_code == 409


def test_retired_standards_take_no_versions(client, make_account):
    architect = make_account("architect")
    _create(client, architect)
    retired = client.post(f"{BASE}/quality/retire", json={"version": 1}, headers=architect.headers)
    assert retired.json()["retired"] is True
    again = client.post(
        f"{BASE}/quality/versions", json={"version": 2, "rules": RULES}, headers=architect.headers
    )
    assert again.status_code == 409
    active = client.get(f"{BASE}?retired=false", headers=architect.headers).json()
    assert active["total"] == 0


def test_create_checks_key_owner_and_permission(client, make_account):
    architect = make_account("architect")
    assert _create(client, architect).status_code == 201
    assert _create(client, architect).status_code == 409
    bad = _create(client, architect, key="Bad Key", owner="nobody")
    assert bad.status_code == 422 and [e["field"] for e in bad.json()["errors"]] == ["key"]
    unknown_owner = _create(client, architect, key="other", owner="nobody")
    assert unknown_owner.status_code == 422
    assert unknown_owner.json()["errors"][0]["field"] == "owner"
    engineer = make_account("engineer")
    assert _create(client, engineer, key="mine").status_code == 403
    assert client.get(BASE, headers=engineer.headers).json()["total"] == 1
    kinds = client.get(f"{BASE}/rule-kinds", headers=engineer.headers).json()
    coverage = next(k for k in kinds if k["name"] == "coverage")
    assert coverage["params_schema"]["properties"]["threshold"]["default"] == 80
    assert client.get(f"{BASE}/nope", headers=engineer.headers).status_code == 404
