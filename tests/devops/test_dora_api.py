"""GET /api/v1/dora: the four figures of a service or team over a range, hand-computed, with
the sample behind each, its tier, and the reason when a figure cannot be computed."""

from __future__ import annotations

from tests.helpers.devops import deliver, deployment, incident, services

RANGE = {"from": "2026-03-02", "to": "2026-03-15"}  # two 7-day weeks, Monday to Sunday


def sha(n: int) -> str:
    return f"{n:040x}"


def world(client, admin) -> None:
    """Service `pay` (team Payments) and `ledger` (team Books), delivered as a CI tool would."""
    services(client, admin, "pay")
    services(client, admin, "ledger", team="Books")
    deliveries = [
        # d1: two changes, 2 h and 24 h old when it finished.
        deployment("d1", "2026-03-02T10:00:00Z", (sha(1), "2026-03-02T08:00:00Z"),
                   (sha(2), "2026-03-01T10:00:00Z")),
        deployment("d2", "2026-03-02T16:00:00Z", (sha(3), "2026-03-02T15:00:00Z")),  # 1 h
        # A failed deployment: a failure, but no change reached production.
        deployment("d3", "2026-03-04T12:00:00Z", (sha(4), "2026-03-04T11:30:00Z"),
                   result="failure"),
        deployment("d4", "2026-03-10T09:00:00Z", (sha(5), "2026-03-09T09:00:00Z"),
                   (sha(6), "2026-03-10T08:00:00Z")),  # 24 h and 1 h
        # Not production, and not in the range: counted nowhere.
        deployment("d5", "2026-03-12T09:00:00Z", (sha(7), "2026-03-12T08:00:00Z"),
                   environment="staging"),
        deployment("d6", "2026-03-16T09:00:00Z", (sha(8), "2026-03-16T08:00:00Z")),
        deployment("l1", "2026-03-03T09:00:00Z", (sha(9), "2026-03-03T08:00:00Z"),
                   service="ledger"),
    ]  # fmt: skip
    for body in deliveries:
        assert deliver(client, admin, "deployments", body).status_code == 201
    incidents = [
        # Names d2: counts against it, whatever happened in between. Restored in 90 min.
        incident("i1", "2026-03-10T10:00:00Z", "2026-03-10T11:30:00Z", deployment_id="d2"),
        # Names nothing: the latest successful production deployment of pay within 24 h (d4).
        incident("i2", "2026-03-10T12:00:00Z", "2026-03-10T12:30:00Z"),
        # Names nothing, and pay shipped nothing in the 24 h before: linked to no deployment.
        incident("i3", "2026-03-14T00:00:00Z"),
        # Names d2 again: d2 is one failed deployment, not two.
        incident("i4", "2026-03-11T10:00:00Z", "2026-03-11T10:30:00Z", deployment_id="d2"),
    ]
    for body in incidents:
        assert deliver(client, admin, "incidents", body).status_code == 201


def dora(client, account, **params):
    response = client.get("/api/v1/dora", params=RANGE | params, headers=account.headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_service_figures_by_hand(client, admin):
    world(client, admin)
    got = dora(client, admin, service="pay")
    # Successful production deployments: d1, d2 (03-02), d4 (03-10) → 3. Deploy days per week:
    # week 1 has 03-02 (d3 failed on 03-04), week 2 has 03-10 → [1, 1], median 1.
    assert got["deployment_frequency"] == {
        "deploy_days_per_week_median": 1.0,
        "deployments": 3,
        "deploy_days": 2,
        "weeks": 2,
        "tier": "high",  # 2024: at least one deploy day a week is "daily to weekly"
        "reason": None,
        "reason_message": None,
    }
    # Changes of successful deployments, minutes: d1 120, 1440; d2 60; d4 1440, 60.
    # Sorted 60 60 120 1440 1440: median rank 2 → 120; P75 rank 3 → 1440; mean 3120 / 5 = 624.
    lead = got["lead_time"]
    assert (lead["median_minutes"], lead["p75_minutes"], lead["mean_minutes"]) == (120, 1440, 624)
    assert (lead["sample_size"], lead["tier"]) == (5, "elite")  # under a day
    # Production deployments d1..d4 = 4; failed: d3 (result), d2 (i1, i4), d4 (i2) = 3.
    cfr = got["change_failure_rate"]
    assert (cfr["value"], cfr["failed_deployments"], cfr["deployments"]) == (0.75, 3, 4)
    assert (cfr["unlinked_incidents"], cfr["tier"]) == (1, "low")  # i3
    # Resolved incidents opened in range: i1 90, i2 30, i4 30 → sorted 30 30 90: median 30,
    # P75 rank 1.5 → 30 + 0.5 × 60 = 60, mean 50; i3 still open.
    ttr = got["time_to_restore"]
    assert (ttr["median_minutes"], ttr["p75_minutes"], ttr["mean_minutes"]) == (30, 60, 50)
    assert (ttr["sample_size"], ttr["open_incidents"], ttr["tier"]) == (3, 1, "elite")
    assert got["definitions"] == {
        "production_environments": ["production", "prod"],
        "failed_deployments_count": True,
        "rolled_back_canaries_count": True,
        "incident_window_hours": 24,
        "median_rule": "interpolated",
        "benchmark": "2024",
        "rework_keywords": ["hotfix", "revert", "rollback", "roll back"],
        "rework_window_hours": 24,
    }
    assert got["scope"] == {
        "service": "pay",
        "team": None,
        "from": "2026-03-02",
        "to": "2026-03-15",
    }


def test_definitions_change_the_figures_as_documented(client, admin):
    world(client, admin)
    # Failed deployments not counted: d2 and d4 remain → 2 / 4.
    lenient = dora(client, admin, service="pay", failed_deployments_count="false")
    assert lenient["change_failure_rate"]["value"] == 0.5
    # A 1 h window: i2 (3 h after d4) links to nothing → d3 and d2 → 2 / 4, 2 unlinked.
    narrow = dora(client, admin, service="pay", incident_window_hours=1)
    cfr = narrow["change_failure_rate"]
    assert (cfr["value"], cfr["unlinked_incidents"]) == (0.5, 2)
    # Staging counted as production too: d5 joins (03-12, week 2: days 03-10 and 03-12).
    wide = dora(client, admin, service="pay", production=["production", "staging"])
    assert wide["deployment_frequency"]["deployments"] == 4
    assert wide["deployment_frequency"]["deploy_days_per_week_median"] == 1.5  # [1, 2]
    # The lower median of the lead times 60 60 120 1440 1440 is still 120; of [1, 1] still 1.
    assert dora(client, admin, service="pay", median="lower")["lead_time"]["median_minutes"] == 120


def test_a_team_adds_up_its_services_and_the_organisation_everything(client, admin):
    world(client, admin)
    books = dora(client, admin, team="Books")
    assert books["deployment_frequency"]["deployments"] == 1
    assert books["lead_time"]["median_minutes"] == 60
    everyone = dora(client, admin)  # pay's 3 and ledger's 1
    assert everyone["deployment_frequency"]["deployments"] == 4
    # Deploy days: week 1 has 03-02 and 03-03, week 2 has 03-10 → [2, 1], median 1.5.
    assert everyone["deployment_frequency"]["deploy_days_per_week_median"] == 1.5


def test_a_figure_that_cannot_be_computed_says_why(client, admin):
    world(client, admin)
    quiet = dora(client, admin, service="ledger", **{"from": "2026-04-01", "to": "2026-04-30"})
    for metric in ("deployment_frequency", "lead_time", "change_failure_rate"):
        assert quiet[metric]["tier"] is None
        assert quiet[metric]["reason"] == "No production deployments from 2026-04-01 to 2026-04-30"
    assert quiet["change_failure_rate"]["value"] is None
    assert quiet["time_to_restore"]["reason"] == "No incidents opened from 2026-04-01 to 2026-04-30"
    assert (
        quiet["time_to_restore"]["reason_message"]["id"]
        == "No incidents opened from {start} to {end}"
    )


def test_change_failure_rate_never_passes_one_hundred_percent(client, admin):
    services(client, admin, "pay")
    deliver(client, admin, "deployments", deployment("only", "2026-03-03T10:00:00Z"))
    for n in range(5):
        body = incident(f"x{n}", f"2026-03-03T1{n}:30:00Z", deployment_id="only")
        deliver(client, admin, "incidents", body)
    cfr = dora(client, admin, service="pay")["change_failure_rate"]
    assert (cfr["value"], cfr["failed_deployments"], cfr["deployments"]) == (1.0, 1, 1)


def test_bad_queries_name_the_parameter(client, admin):
    world(client, admin)
    cases = [
        ({"service": "ghost"}, "service"),
        ({"team": "Nobody"}, "team"),
        ({"service": "pay", "team": "Payments"}, "team"),
        ({"from": "2026-03-20", "to": "2026-03-01"}, "from"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "to"),
        ({"from": "yesterday"}, "from"),
        ({"benchmark": "2019"}, "benchmark"),
        ({"incident_window_hours": 0}, "incident_window_hours"),
        ({"median": "mode"}, "median"),
    ]
    for params, field in cases:
        response = client.get("/api/v1/dora", params=RANGE | params, headers=admin.headers)
        assert response.status_code == 422, (params, response.text)
        assert field in [e["field"] for e in response.json()["errors"]], (params, response.json())


def test_a_department_adds_up_the_teams_below_it(client, admin):
    money = client.post(
        "/api/v1/teams", json={"name": "Money", "kind": "department"}, headers=admin.headers
    ).json()
    for team in ("Payments", "Books"):
        created = client.post(
            "/api/v1/teams", json={"name": team, "parent_id": money["id"]}, headers=admin.headers
        )
        assert created.status_code == 201, created.text
    world(client, admin)
    department = dora(client, admin, team="Money")
    assert department["deployment_frequency"]["deployments"] == 4  # pay's 3 and ledger's 1
    assert department["change_failure_rate"]["deployments"] == 5  # and d3, which failed
    assert dora(client, admin, team="Payments")["deployment_frequency"]["deployments"] == 3


def test_rework_rate_counts_hotfixes_reverts_and_fixes_right_after_a_failure(client, admin):
    services(client, admin, "pay")
    deliveries = [
        deployment("r1", "2026-03-03T10:00:00Z", ref="main", title="Release 1.4"),
        deployment("r2", "2026-03-03T12:00:00Z", result="failure"),
        deployment("r3", "2026-03-03T14:00:00Z"),  # 2 h after r2 failed: a fix
        deployment("r4", "2026-03-05T10:00:00Z", title="HOTFIX card timeout"),
        deployment("r5", "2026-03-06T10:00:00Z", ref="revert-123"),
        deployment("r6", "2026-03-07T10:00:00Z", environment="staging", ref="hotfix/x"),
    ]
    for body in deliveries:
        assert deliver(client, admin, "deployments", body).status_code == 201
    # Production deployments r1..r5 = 5; unplanned r3, r4, r5 = 3.
    rework = dora(client, admin, service="pay")["rework_rate"]
    assert (rework["value"], rework["rework_deployments"], rework["deployments"]) == (0.6, 3, 5)
    # A 1 h window: r3 (2 h later) is planned → r4, r5.
    assert dora(client, admin, service="pay", rework_window_hours=1)["rework_rate"]["value"] == 0.4
    # Only the word hotfix: r3 (after a failure) and r4.
    only = dora(client, admin, service="pay", rework=["hotfix"])["rework_rate"]
    assert only["rework_deployments"] == 2
    quiet = dora(client, admin, service="pay", **{"from": "2026-05-01", "to": "2026-05-31"})
    assert quiet["rework_rate"]["value"] is None and quiet["rework_rate"]["reason"]


def test_efficiency_before_and_after_a_date_with_the_numbers_behind(client, admin):
    world(client, admin)
    params = {"service": "pay", "since": "2026-03-09", "days": 7}
    response = client.get("/api/v1/dora/efficiency", params=params, headers=admin.headers)
    assert response.status_code == 200, response.text
    got = response.json()
    before, after = got["before"], got["after"]
    assert (before["start"], before["end"]) == ("2026-03-02", "2026-03-08")
    assert (after["start"], after["end"]) == ("2026-03-09", "2026-03-15")
    # Before: d1 (120, 1440) and d2 (60) shipped → median 120, 3 changes, 2 deployments in one
    # week; d3 failed and d2 has incidents → 2 of 3 production deployments failed; no incident
    # opened that week.
    lead_before = before["lead_time_median_minutes"]
    assert (lead_before, before["changes"], before["deployments"]) == (120, 3, 2)
    assert (before["failed_deployments"], before["production_deployments"]) == (2, 3)
    assert before["restore_median_minutes"] is None
    # After: d4 (1440, 60) → median 750; d4 failed (i2) → 1 of 1; restores 90, 30, 30 → 30.
    assert (after["lead_time_median_minutes"], after["changes"], after["deployments"]) == (
        750,
        2,
        1,
    )
    assert (after["change_failure_rate"], after["restore_median_minutes"]) == (1.0, 30)
    changes = {c["metric"]: c for c in got["changes"]}
    # (750 − 120) ÷ 120 = +525 %: lead time rose, which is worse.
    assert (
        changes["lead_time_median_minutes"]["percent"],
        changes["lead_time_median_minutes"]["improved"],
    ) == (525.0, False)
    assert changes["changes_per_week"]["percent"] == -33.3  # 3 → 2
    assert changes["deployments_per_week"]["percent"] == -50.0  # 2 → 1
    assert changes["deploy_days_per_week_median"]["improved"] is None  # 1 → 1
    assert changes["change_failure_rate"]["percent"] == 50.0  # 2/3 → 1
    assert changes["restore_median_minutes"]["percent"] is None  # nothing before
    future = client.get(
        "/api/v1/dora/efficiency", params={"since": "2999-01-01"}, headers=admin.headers
    )
    assert [e["field"] for e in future.json()["errors"]] == ["since"]


def test_breakdown_by_team_and_week_by_hand(client, admin):
    world(client, admin)
    response = client.get("/api/v1/dora/breakdown", params=RANGE, headers=admin.headers)
    assert response.status_code == 200, response.text
    cells = [
        (c["group"], c["start"], c["deployments"], c["deploy_days"], c["production_deployments"],
         c["failed_deployments"], c["changes"], c["lead_time_median_minutes"],
         c["lead_time_p75_minutes"], c["restores"], c["restore_median_minutes"],
         c["restore_p75_minutes"])
        for c in response.json()["cells"]
    ]  # fmt: skip
    assert cells == [
        # ledger's l1 on 03-03: one change of 60 min.
        ("Books", "2026-03-02", 1, 1, 1, 0, 1, 60, 60, 0, None, None),
        # Week 1: d1, d2 shipped on 03-02, d3 failed; d2 has incidents → 2 of 3 failed. Changes
        # 60 120 1440: median 120, P75 at rank 1.5 → 120 + 0.5 × 1320 = 780.
        ("Payments", "2026-03-02", 2, 1, 3, 2, 3, 120, 780, 0, None, None),
        # Week 2: d4 (failed by i2). Changes 60 1440: median 750, P75 60 + 0.75 × 1380 = 1095.
        # Restores 30 30 90: median 30, P75 at rank 1.5 → 60.
        ("Payments", "2026-03-09", 1, 1, 1, 1, 2, 750, 1095, 3, 30, 60),
    ]
    # One bucket for the whole range gives the same figures as the summary.
    month = client.get(
        "/api/v1/dora/breakdown",
        params=RANGE | {"by": "service", "bucket": "month", "service": "pay"},
        headers=admin.headers,
    ).json()["cells"]
    summary = dora(client, admin, service="pay")
    assert len(month) == 1 and month[0]["group"] == "pay"
    assert month[0]["lead_time_median_minutes"] == summary["lead_time"]["median_minutes"]
    assert month[0]["lead_time_p75_minutes"] == summary["lead_time"]["p75_minutes"]
    assert month[0]["restore_p75_minutes"] == summary["time_to_restore"]["p75_minutes"]
    assert month[0]["change_failure_rate"] == summary["change_failure_rate"]["value"]


def test_a_rolled_back_canary_fails_its_deployment_unless_told_otherwise(client, admin):
    services(client, admin, "pay")
    for external_id, day in (("c1", "03"), ("c2", "04")):
        body = deployment(
            external_id, f"2026-03-{day}T10:00:00Z", (sha(int(day)), f"2026-03-{day}T09:00:00Z")
        )
        assert deliver(client, admin, "deployments", body).status_code == 201
    config = {"name": "web", "metrics": [{"name": "latency"}]}
    assert (
        client.post("/api/v1/canary/configs", json=config, headers=admin.headers).status_code == 201
    )
    run = client.post(
        "/api/v1/canary/runs",
        json={"service": "pay", "config": "web", "deployment_source": "generic",
              "deployment_id": "c2"},
        headers=admin.headers,
    )  # fmt: skip
    assert run.status_code == 201, run.text
    decided = client.post(
        f"/api/v1/canary/runs/{run.json()['id']}/decision",
        json={"decision": "roll back"},
        headers=admin.headers,
    )
    assert decided.status_code == 200, decided.text
    cfr = dora(client, admin, service="pay")["change_failure_rate"]
    assert (cfr["failed_deployments"], cfr["deployments"]) == (1, 2)  # c2, rolled back
    kept = dora(client, admin, service="pay", rolled_back_canaries_count="false")
    assert kept["change_failure_rate"]["failed_deployments"] == 0
