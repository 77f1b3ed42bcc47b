"""Each service's gate rules: the defaults until set, set with the version read, a refused rule
named by its field, and only for those who may write standards."""

from __future__ import annotations

from tests.helpers.devops import services
from tests.helpers.quality_uploads import cobertura, conditions, upload

GATE = "/api/v1/quality/gates/billing"


def test_a_service_has_the_default_rules_until_they_are_set(client, admin):
    services(client, admin, "billing")
    gate = client.get(GATE, headers=admin.headers).json()
    assert gate == {
        "service": "billing",
        "rules": {
            "line_coverage": 80,
            "new_code_coverage": 80,
            "branch_coverage": None,
            "failing_tests": 0,
            "skipped_tests": None,
        },
        "configured": {},
        "version": 0,
    }
    put = client.put(
        GATE,
        json={"rules": {"line_coverage": 60, "branch_coverage": 50, "new_code_coverage": None}},
        headers=admin.headers,
    )
    assert put.status_code == 200, put.text
    assert put.json()["version"] == 1
    assert put.json()["rules"] == {
        "line_coverage": 60,
        "new_code_coverage": None,
        "branch_coverage": 50,
        "failing_tests": 0,
        "skipped_tests": None,
    }
    # The next run is held against the new rules: 7 of 10 lines = 70% ≥ 60%; no branches
    # in the report, so branch coverage does not apply.
    run = upload(client, admin, ("c.xml", cobertura(10, 7))).json()
    assert conditions(run)["line_coverage"]["status"] == "passed"
    assert conditions(run)["branch_coverage"]["status"] == "not-applicable"
    assert "new_code_coverage" not in conditions(run)
    assert run["rules"]["line_coverage"] == 60


def test_a_refused_rule_names_its_field_and_a_stale_version_conflicts(client, admin):
    services(client, admin, "billing")
    for rules, field in [
        ({"line_coverage": 120}, "rules.line_coverage"),
        ({"line_coverage": "80"}, "rules.line_coverage"),
        ({"failing_tests": 1.5}, "rules.failing_tests"),
        ({"speed": 1}, "rules.speed"),
    ]:
        answer = client.put(GATE, json={"rules": rules}, headers=admin.headers)
        assert answer.status_code == 422, rules
        assert [e["field"] for e in answer.json()["errors"]] == [field]
    assert client.get(GATE, headers=admin.headers).json()["version"] == 0
    client.put(GATE, json={"rules": {"line_coverage": 70}, "version": 0}, headers=admin.headers)
    stale = client.put(GATE, json={"rules": {"line_coverage": 75}}, headers=admin.headers)
    assert stale.status_code == 409
    assert client.get(GATE, headers=admin.headers).json()["rules"]["line_coverage"] == 70
    unknown = client.put("/api/v1/quality/gates/nobody", json={"rules": {}}, headers=admin.headers)
    assert [e["field"] for e in unknown.json()["errors"]] == ["service"]


def test_only_those_who_write_standards_set_the_rules(client, admin, make_account):
    services(client, admin, "billing")
    engineer, viewer = make_account("engineer"), make_account("viewer")
    for account in (engineer, viewer):
        denied = client.put(GATE, json={"rules": {"line_coverage": 1}}, headers=account.headers)
        assert denied.status_code == 403
    assert client.get(GATE, headers=viewer.headers).json()["version"] == 0
    architect = make_account("architect")
    put = client.put(GATE, json={"rules": {"line_coverage": 1}}, headers=architect.headers)
    assert put.status_code == 200
