"""GET /api/v1/dora/deployments, /changes, /incidents and /trend: the records behind each
figure, hand-listed for a small world, agreeing with GET /api/v1/dora."""

from __future__ import annotations

from tests.helpers.dora_world import RANGE, build, sha


def get(client, account, path, **params):
    response = client.get(f"/api/v1/dora/{path}", params=RANGE | params, headers=account.headers)
    assert response.status_code == 200, response.text
    return response.json()


def figures(client, account):
    """GET /api/v1/dora for service pay."""
    response = client.get(
        "/api/v1/dora", params=RANGE | {"service": "pay"}, headers=account.headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_deployments_say_why_each_failed(client, admin):
    build(client, admin)
    page = get(client, admin, "deployments", service="pay")
    # Production deployments of pay in the range, newest first; d5 (staging), d6 (after) left out.
    assert [d["external_id"] for d in page["items"]] == ["d4", "d3", "d2", "d1"]
    assert page["total"] == 4
    by_id = {d["external_id"]: d for d in page["items"]}
    assert by_id["d4"]["failed"] and by_id["d4"]["incidents"] == [
        {"external_id": "i2", "rule": "window"}
    ]
    assert by_id["d3"]["failed_by_result"] and by_id["d3"]["incidents"] == []
    assert by_id["d3"]["result"] == "failure"
    assert [i["external_id"] for i in by_id["d2"]["incidents"]] == ["i1", "i4"]
    assert {i["rule"] for i in by_id["d2"]["incidents"]} == {"id"}
    assert not by_id["d1"]["failed"] and by_id["d1"]["changes"] == 2
    assert (by_id["d1"]["service"], by_id["d1"]["environment"]) == ("pay", "production")
    # failed=true is the change failure rate's numerator, failed=false the rest.
    failed = get(client, admin, "deployments", service="pay", failed="true")
    assert [d["external_id"] for d in failed["items"]] == ["d4", "d3", "d2"]
    cfr = figures(client, admin)["change_failure_rate"]
    assert (failed["total"], page["total"]) == (cfr["failed_deployments"], cfr["deployments"])
    others = get(client, admin, "deployments", service="pay", failed="false")
    assert [d["external_id"] for d in others["items"]] == ["d1"]


def test_failed_results_can_be_left_out_by_definition(client, admin):
    build(client, admin)
    lenient = get(
        client, admin, "deployments", service="pay", failed="true", failed_deployments_count="false"
    )
    assert [d["external_id"] for d in lenient["items"]] == ["d4", "d2"]


def test_changes_sorted_by_lead_time(client, admin):
    build(client, admin)
    # Successful production changes of pay: c1 120, c2 1440 (d1); c3 60 (d2); c5 1440, c6 60
    # (d4); c4 rode the failed d3. Longest first, equal ones in the order delivered.
    longest = get(client, admin, "changes", service="pay")
    assert [(c["sha"], c["lead_time_minutes"]) for c in longest["items"]] == [
        (sha(2), 1440), (sha(5), 1440), (sha(1), 120), (sha(3), 60), (sha(6), 60)
    ]  # fmt: skip
    assert longest["total"] == 5
    assert longest["items"][0]["deployment"] == "d1"
    shortest = get(client, admin, "changes", service="pay", sort="lead_time", limit=2)
    assert [c["sha"] for c in shortest["items"]] == [sha(3), sha(6)]
    assert shortest["total"] == 5
    everyone = get(client, admin, "changes")
    assert everyone["total"] == 6  # ledger's l1 joins
    assert get(client, admin, "changes", team="Books")["items"][0]["service"] == "ledger"


def test_incidents_with_their_deployment_or_why_none(client, admin):
    build(client, admin)
    page = get(client, admin, "incidents", service="pay")
    rows = [
        (i["external_id"], i["restore_minutes"], i["deployment"], i["rule"], i["reason"])
        for i in page["items"]
    ]
    assert rows == [
        ("i3", None, None, None,
         "no successful production deployment of pay in the 24 h before it"),
        ("i5", 180, None, None, "names deployment ghost-deploy, which was not delivered"),
        ("i4", 30, "d2", "id", None),
        ("i2", 30, "d4", "window", None),
        ("i1", 90, "d2", "id", None),
    ]  # fmt: skip
    assert page["items"][1]["reason_message"] == {
        "id": "names deployment {ref}, which was not delivered",
        "params": {"ref": "ghost-deploy"},
    }
    unlinked = get(client, admin, "incidents", service="pay", linked="false")
    assert [i["external_id"] for i in unlinked["items"]] == ["i3", "i5"]
    assert unlinked["total"] == figures(client, admin)["change_failure_rate"]["unlinked_incidents"]
    # A 1 h window: i2 (3 h after d4) no longer counts against it.
    narrow = get(client, admin, "incidents", service="pay", linked="false", incident_window_hours=1)
    assert [i["external_id"] for i in narrow["items"]] == ["i3", "i5", "i2"]
    assert "in the 1 h before it" in narrow["items"][2]["reason"]
    first = get(client, admin, "incidents", service="pay", limit=2, offset=2)
    assert ([i["external_id"] for i in first["items"]], first["total"]) == (["i4", "i2"], 5)


def test_trend_by_week_and_by_month(client, admin):
    build(client, admin)
    weeks = get(client, admin, "trend", service="pay", bucket="week")
    assert [(w["start"], w["end"]) for w in weeks] == [
        ("2026-03-02", "2026-03-08"), ("2026-03-09", "2026-03-15")
    ]  # fmt: skip
    one, two = weeks
    # Week 1: d1, d2 shipped on 03-02 (1 deploy day); lead 120 1440 60 → median 120; production
    # d1 d2 d3, failed d3 (result) and d2 (i1, i4) → 2 / 3; no incident opened.
    assert (one["deployments"], one["deploy_days"]) == (2, 1)
    assert (one["lead_time_median_minutes"], one["lead_time_sample"]) == (120, 3)
    assert (one["failed_deployments"], one["production_deployments"]) == (2, 3)
    assert (one["restore_median_minutes"], one["restore_sample"]) == (None, 0)
    # Week 2: d4; lead 1440 60 → median 750; d4 failed (i2) → 1 / 1; restores 90 30 30 180,
    # sorted 30 30 90 180 → median (30 + 90) / 2 = 60 (i3 still open).
    assert (two["deployments"], two["lead_time_median_minutes"]) == (1, 750)
    assert two["change_failure_rate"] == 1.0
    assert (two["restore_median_minutes"], two["restore_sample"]) == (60, 4)
    months = get(client, admin, "trend", service="pay", bucket="month", **{"from": "2026-02-20"})
    assert [(m["start"], m["end"]) for m in months] == [
        ("2026-02-20", "2026-02-28"), ("2026-03-01", "2026-03-15")
    ]  # fmt: skip
    march = months[1]
    # All of the range: 3 shipped on 2 days; lead median 120 of 5; 3 / 4 failed.
    assert (march["deployments"], march["deploy_days"], march["lead_time_sample"]) == (3, 2, 5)
    assert (march["change_failure_rate"], months[0]["deployments"]) == (0.75, 0)


def test_a_viewer_reads_and_bad_input_names_the_parameter(client, admin, make_account):
    build(client, admin)
    viewer = make_account("viewer")
    assert get(client, viewer, "incidents", team="Payments")["total"] == 5
    cases = [
        ("deployments", {"service": "ghost"}, "service"),
        ("changes", {"team": "Nobody"}, "team"),
        ("incidents", {"service": "pay", "team": "Payments"}, "team"),
        ("trend", {"from": "2026-03-20", "to": "2026-03-01"}, "from"),
        ("trend", {"from": "2020-01-01", "to": "2026-01-01"}, "to"),
        ("trend", {"bucket": "year"}, "bucket"),
        ("deployments", {"failed": "maybe"}, "failed"),
        ("changes", {"sort": "sha"}, "sort"),
        ("incidents", {"incident_window_hours": 0}, "incident_window_hours"),
        ("deployments", {"limit": 0}, "limit"),
    ]
    for path, params, field in cases:
        response = client.get(f"/api/v1/dora/{path}", params=RANGE | params, headers=admin.headers)
        assert response.status_code == 422, (path, params, response.text)
        assert field in [e["field"] for e in response.json()["errors"]], (params, response.json())
    assert client.get("/api/v1/dora/deployments").status_code == 401
