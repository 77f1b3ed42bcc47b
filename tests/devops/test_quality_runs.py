"""A pipeline uploads its coverage and test reports and gets the gate back: each condition with
its numbers, the status in the body and a header, the run kept as history and its line coverage
as the service's coverage fact; refused uploads name the field and store nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.helpers.devops import services
from tests.helpers.quality_uploads import (
    RUNS,
    cobertura,
    conditions,
    fixture,
    junit,
    set_rules,
    upload,
)
from tests.helpers.xml_bombs import LAUGHS
from tmse.catalog.queries import service_id_named
from tmse.core.identity.models import User
from tmse.devops.quality_gates.models import QualityRun
from tmse.devops.quality_gates.queries import latest_gate
from tmse.standards.facts.models import ServiceFact

PAIR = (("coverage.xml", fixture("coverage-py.xml")), ("junit.xml", fixture("junit-pytest.xml")))


@pytest.fixture
def billing(client, admin) -> None:  # type: ignore[no-untyped-def]
    services(client, admin, "billing")


def stored(db) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with db.session() as session:
        runs = session.scalar(select(func.count()).select_from(QualityRun)) or 0
        facts = session.scalar(select(func.count()).select_from(ServiceFact)) or 0
        return runs, facts


def test_a_cobertura_and_junit_pair_gets_the_hand_computed_verdict(client, admin, billing):
    answer = upload(client, admin, *PAIR)
    assert answer.status_code == 200, answer.text
    assert answer.headers["X-Tmse-Gate"] == "failed"
    body = answer.json()
    assert (body["status"], body["outcome"], body["formats"]) == (
        "failed",
        "created",
        ["cobertura", "junit"],
    )
    assert body["coverage"] == {
        "lines_valid": 24,
        "lines_covered": 18,
        "line_percent": 75.0,
        "branches_valid": 12,
        "branches_covered": 7,
    }
    assert body["tests"] == {"total": 5, "failed": 1, "errors": 1, "skipped": 1}
    found = conditions(body)
    # Lines: 18 of 24 = 75% < 80%.
    lines = found["line_coverage"]
    assert (lines["status"], lines["numerator"], lines["denominator"]) == ("failed", 18, 24)
    assert (lines["actual"], lines["threshold"], lines["operator"]) == (75.0, 80, ">=")
    assert lines["reason"] == "18 of 24 lines covered (75.0%), at least 80% required"
    assert lines["message"]["params"] == {
        "covered": 18,
        "valid": 24,
        "actual": 75.0,
        "threshold": 80,
    }
    # Failing tests: 1 failure + 1 error = 2 of 5, at most 0 allowed.
    failing = found["failing_tests"]
    assert (failing["status"], failing["numerator"], failing["denominator"]) == ("failed", 2, 5)
    # No changed lines were sent: new-code coverage has no data (the failures decide the gate).
    new_code = found["new_code_coverage"]
    assert (new_code["status"], new_code["missing_inputs"]) == ("no-data", ["changed lines"])
    assert body["reason"] == "2 of 3 conditions failed: line_coverage, failing_tests"


@pytest.mark.parametrize(("covered", "status"), [(800, "passed"), (799, "failed")])
def test_exactly_80_percent_passes_and_79_9_fails(client, admin, billing, covered, status):
    # Only line coverage counts here: 800/1000 = 80.0% meets 80%, 799/1000 = 79.9% does not.
    assert set_rules(
        client, admin, "billing", new_code_coverage=None, failing_tests=None
    ).is_success
    answer = upload(client, admin, ("coverage.xml", cobertura(1000, covered)))
    assert answer.json()["status"] == status
    assert answer.headers["X-Tmse-Gate"] == status
    line = conditions(answer.json())["line_coverage"]
    assert (line["numerator"], line["denominator"], line["status"]) == (covered, 1000, status)
    assert list(conditions(answer.json())) == ["line_coverage"]


def test_new_code_coverage_comes_from_the_diff(client, admin, billing):
    set_rules(client, admin, "billing", line_coverage=70)
    diff = (
        b"diff --git a/src/billing/invoice.py b/src/billing/invoice.py\n"
        b"--- a/src/billing/invoice.py\n+++ b/src/billing/invoice.py\n"
        b"@@ -6,2 +6,5 @@ def total(items):\n"
        b"     if country:\n+        rate = vat(country)\n+        x = 1\n+        y = 2\n"
        b"     return rate\n"
        b"diff --git a/src/billing/tax.py b/src/billing/tax.py\n"
        b"--- a/src/billing/tax.py\n+++ b/src/billing/tax.py\n"
        b"@@ -1,1 +1,3 @@\n import math\n+\n+# rates\n"
    )
    reports = (PAIR[0], ("junit.xml", junit(3)))
    answer = upload(client, admin, *reports, changed_lines=diff).json()
    # Added: invoice.py 7, 8, 9 (all coverable: 7 and 9 ran, 8 did not) and tax.py 2, 3 (not
    # coverable). New code: 2 of 3 = 66.66…% < 80%; lines 18/24 = 75% ≥ 70%; 0 of 3 tests fail.
    new_code = conditions(answer)["new_code_coverage"]
    assert (new_code["numerator"], new_code["denominator"], new_code["status"]) == (2, 3, "failed")
    assert new_code["message"]["params"]["actual"] == 66.66
    assert answer["changed_lines"] == 5
    assert (answer["status"], conditions(answer)["line_coverage"]["status"]) == ("failed", "passed")
    assert answer["reason"] == "1 of 3 conditions failed: new_code_coverage"

    # The same run with the changed lines as JSON, only the lines that ran: 2 of 2, passed.
    mapping = b'{"src/billing/invoice.py": [7, 9]}'
    again = upload(client, admin, *reports, changed_lines=mapping).json()
    assert (again["status"], again["outcome"]) == ("passed", "replaced")
    assert conditions(again)["new_code_coverage"]["denominator"] == 2


def test_one_failing_test_fails_a_gate_that_otherwise_passes(client, admin, billing):
    set_rules(client, admin, "billing", new_code_coverage=None)
    coverage = ("coverage.xml", cobertura(10, 9))
    assert upload(client, admin, coverage, ("junit.xml", junit(40))).json()["status"] == "passed"
    failed = upload(client, admin, coverage, ("junit.xml", junit(40, 1)), run_id="run-2").json()
    assert failed["status"] == "failed"
    failing = conditions(failed)["failing_tests"]
    assert (failing["numerator"], failing["denominator"], failing["status"]) == (1, 40, "failed")


def test_a_reupload_of_the_same_run_replaces_it_and_history_is_newest_first(
    client, admin, billing, db
):
    first = upload(client, admin, ("c.xml", cobertura(10, 5)), run_id="run-1").json()
    upload(client, admin, ("c.xml", cobertura(10, 6)), run_id="run-2")
    upload(client, admin, ("c.xml", cobertura(10, 7)), run_id="run-3")
    replaced = upload(client, admin, ("c.xml", cobertura(10, 9)), run_id="run-1").json()
    assert (replaced["outcome"], replaced["id"]) == ("replaced", first["id"])
    assert stored(db)[0] == 3
    page = client.get(RUNS, params={"service": "billing"}, headers=admin.headers).json()
    # run-1 was uploaded again last, so it is the newest; its figures are the new ones.
    assert [run["run_id"] for run in page["items"]] == ["run-1", "run-3", "run-2"]
    assert page["items"][0]["coverage"]["lines_covered"] == 9
    assert page["total"] == 3
    one = client.get(f"{RUNS}/{first['id']}", headers=admin.headers).json()
    assert (one["run_id"], one["coverage"]["lines_covered"]) == ("run-1", 9)
    assert client.get(f"{RUNS}/999999", headers=admin.headers).status_code == 404
    with db.session() as session:
        service_id = service_id_named(session, "billing")
        assert service_id is not None
        # 9 of 10 = 90% passes lines, but tests and changed lines are missing: no data.
        assert latest_gate(session, service_id) == ("no-data", first["id"])


def test_a_service_without_runs_has_no_latest_gate(billing, db):
    with db.session() as session:
        service_id = service_id_named(session, "billing")
        assert service_id is not None
        assert latest_gate(session, service_id) is None


def test_the_coverage_becomes_the_service_fact(client, admin, billing):
    upload(client, admin, *PAIR)
    facts = client.get(
        "/api/v1/standards/facts",
        params={"service": "billing", "kind": "coverage"},
        headers=admin.headers,
    ).json()["items"]
    assert len(facts) == 1
    assert facts[0]["value"]["percent"] == 75.0  # 18 of 24
    assert (facts[0]["value"]["run_id"], facts[0]["value"]["gate"]) == ("run-1", "failed")


@pytest.mark.parametrize(
    ("second", "field"),
    [(LAUGHS.encode(), "reports.1"), (b"PK\x03\x04 not a report", "reports.1")],
    ids=["billion-laughs", "not-xml"],
)
def test_a_hostile_file_is_refused_naming_its_field_and_nothing_is_stored(
    client, admin, billing, db, second, field
):
    answer = upload(client, admin, PAIR[0], ("evil.xml", second))
    assert answer.status_code == 422, answer.text
    errors = answer.json()["errors"]
    assert [error["field"] for error in errors] == [field]
    assert errors[0]["message"].startswith("evil.xml")
    assert "lol" not in answer.text
    assert stored(db) == (0, 0)


def test_bad_fields_are_refused_by_name(client, admin, billing, db):
    unknown = upload(client, admin, *PAIR, service="nobody")
    assert [e["field"] for e in unknown.json()["errors"]] == ["service"]
    no_run = client.post(
        RUNS,
        data={"service": "billing", "sha": "abc", "branch": "main"},
        files=[("reports", ("c.xml", fixture("coverage-py.xml"), "text/xml"))],
        headers=admin.headers,
    )
    assert [e["field"] for e in no_run.json()["errors"]] == ["run_id"]
    bad_diff = upload(client, admin, *PAIR, changed_lines=b"@@ -1 +1 @@\n+x\n")
    assert [e["field"] for e in bad_diff.json()["errors"]] == ["changed_lines"]
    none = client.post(RUNS, data={"service": "billing"}, headers=admin.headers)
    assert none.status_code == 422
    assert stored(db) == (0, 0)


def test_a_viewer_reads_the_history_but_cannot_upload(client, admin, billing, make_account):
    viewer = make_account("viewer")
    assert upload(client, viewer, *PAIR).status_code == 403
    upload(client, admin, *PAIR)
    assert client.get(RUNS, headers=viewer.headers).json()["total"] == 1


def test_the_reasons_are_rendered_in_the_readers_language(client, admin, billing, db):
    with db.session() as session:
        session.execute(User.__table__.update().values(locale="zh_CN"))
    line = conditions(upload(client, admin, *PAIR).json())["line_coverage"]
    assert line["message"]["id"] == "{covered} of {valid} lines covered ({actual}%), at least " + (
        "{threshold}% required"
    )
    assert "18" in line["reason"] and "lines covered" not in line["reason"]


def test_the_json_variant_answers_the_same_gate(client, admin, billing):
    body = {
        "service": "billing",
        "sha": "a1b2c3d",
        "branch": "main",
        "run_id": "json-1",
        "reports": [
            {"filename": "coverage.xml", "content": fixture("coverage-py.xml").decode()},
            {"filename": "junit.xml", "content": fixture("junit-pytest.xml").decode()},
        ],
        "diff": "--- a/src/billing/invoice.py\n+++ b/src/billing/invoice.py\n@@ -8 +8 @@\n-a\n+b\n",
    }
    answer = client.post(f"{RUNS}/json", json=body, headers=admin.headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["X-Tmse-Gate"] == "failed"
    # Line 8 of invoice.py did not run: 0 of 1 changed lines covered.
    new_code = conditions(answer.json())["new_code_coverage"]
    assert (new_code["numerator"], new_code["denominator"]) == (0, 1)
    body["reports"][1]["content"] = "<testsuite"
    refused = client.post(f"{RUNS}/json", json=body, headers=admin.headers)
    assert [e["field"] for e in refused.json()["errors"]] == ["reports.1.content"]
