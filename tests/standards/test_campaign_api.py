"""Campaigns: progress towards a target level, the lagging services and what blocks them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from tests.helpers.scorecards import seed
from tmse.core.audit import AuditEntry
from tmse.standards.scorecards.models import Campaign


def today() -> dt.date:
    """Today as the server sees it, read when asked: a run may cross midnight."""
    return dt.datetime.now(dt.UTC).date()


def create(client, account, **body):
    payload = {
        "name": "Gold everywhere",
        "target_level": "gold",
        "due_on": str(today() + dt.timedelta(days=30)),
    }
    return client.post("/api/v1/scorecards/campaigns", json=payload | body, headers=account.headers)


def test_progress_lists_lagging_services_lowest_level_first_with_their_blockers(client, admin, db):
    seed(client, admin, db)
    client.post("/api/v1/scorecards/snapshots", headers=admin.headers)
    created = create(client, admin, owner="Alpha")
    assert created.status_code == 201, created.text
    body = client.get(
        f"/api/v1/scorecards/campaigns/{created.json()['id']}", headers=admin.headers
    ).json()
    assert (body["in_scope"], body["at_target"], body["progress"]) == (3, 1, 33.3)
    assert body["owner"] == "Alpha" and body["days_left"] == 30
    # Started today: the straight line expects 0 %, so any progress is on track.
    assert (body["expected"], body["status"]) == (0.0, "on-track")
    lagging = [
        (s["service"], s["level"], [r["rule"] for r in s["blocking"]]) for s in body["lagging"]
    ]
    assert lagging == [
        ("svc-c", "bronze", ["described", "has-repo"]),
        ("svc-b", "silver", ["has-repo", "runtime-recorded"]),
    ]
    assert [(p["at_target"], p["in_scope"], p["progress"]) for p in body["series"]] == [
        (1, 3, 33.3)
    ]


def test_scope_and_a_reached_target_is_done(client, admin, db):
    seed(client, admin, db)
    client.post("/api/v1/scorecards/snapshots", headers=admin.headers)
    created = create(
        client, admin, name="Silver for Alpha", target_level="silver", scope={"team": "Alpha"}
    )
    body = client.get(
        f"/api/v1/scorecards/campaigns/{created.json()['id']}", headers=admin.headers
    ).json()
    assert (body["in_scope"], body["at_target"], body["status"], body["lagging"]) == (
        2,
        2,
        "done",
        [],
    )
    listed = client.get("/api/v1/scorecards/campaigns", headers=admin.headers).json()
    assert [(c["name"], c["progress"]) for c in listed["items"]] == [("Silver for Alpha", 100.0)]


def test_overdue_and_at_risk(client, admin, db):
    seed(client, admin, db)
    client.post("/api/v1/scorecards/snapshots", headers=admin.headers)
    late = create(client, admin, name="Late", due_on=str(today() - dt.timedelta(days=1))).json()
    with db.session() as session:
        # Started 20 days ago, due in 10: two thirds of the way, only a third done.
        campaign = session.get(
            Campaign,
            create(
                client, admin, name="Behind", due_on=str(today() + dt.timedelta(days=10))
            ).json()["id"],
        )
        campaign.created_at = campaign.created_at - dt.timedelta(days=20)
        behind_id = campaign.id
    got = client.get(f"/api/v1/scorecards/campaigns/{late['id']}", headers=admin.headers).json()
    assert (got["status"], got["days_left"]) == ("overdue", -1)
    behind = client.get(f"/api/v1/scorecards/campaigns/{behind_id}", headers=admin.headers).json()
    assert (behind["expected"], behind["progress"], behind["status"]) == (66.7, 33.3, "at-risk")


def test_bad_input_names_each_field_and_stores_nothing(client, admin, db):
    seed(client, admin, db)
    entries_before = _audit_count(db)
    unknown = create(
        client,
        admin,
        target_level="platinum",
        scope={"team": "Nobody", "system": "nope"},
        owner="Ghosts",
    )
    assert unknown.status_code == 422
    assert [e["field"] for e in unknown.json()["errors"]] == [
        "target_level",
        "scope.team",
        "scope.system",
        "owner",
    ]
    malformed = client.post(
        "/api/v1/scorecards/campaigns",
        json={
            "name": "",
            "target_level": "gold",
            "due_on": "next week",
            "scope": {"layer": "middleware", "colour": 1},
        },
        headers=admin.headers,
    )
    assert malformed.status_code == 422
    assert {e["field"] for e in malformed.json()["errors"]} == {
        "name",
        "due_on",
        "scope.layer",
        "scope.colour",
    }
    with db.session() as session:
        assert session.scalar(select(func.count(Campaign.id))) == 0
    assert _audit_count(db) == entries_before


def test_update_is_versioned_audited_and_delete_frees_the_level(client, admin, db, make_account):
    seed(client, admin, db)
    created = create(client, admin).json()
    update = client.patch(
        f"/api/v1/scorecards/campaigns/{created['id']}",
        json={
            "version": created["version"],
            "scope": {"layer": "business"},
            "due_on": str(today() + dt.timedelta(days=60)),
        },
        headers=admin.headers,
    )
    assert update.status_code == 200 and update.json()["scope"]["layer"] == "business"
    stale = client.patch(
        f"/api/v1/scorecards/campaigns/{created['id']}",
        json={"version": created["version"], "closed": True},
        headers=admin.headers,
    )
    assert stale.status_code == 409
    blocked = client.delete("/api/v1/scorecards/levels/gold", headers=admin.headers)
    assert blocked.status_code == 409 and "Gold everywhere" in blocked.json()["detail"]
    viewer = make_account("viewer")
    assert create(client, viewer, name="Sneaky").status_code == 403
    assert (
        client.delete(
            f"/api/v1/scorecards/campaigns/{created['id']}", headers=viewer.headers
        ).status_code
        == 403
    )
    assert (
        client.delete(
            f"/api/v1/scorecards/campaigns/{created['id']}", headers=admin.headers
        ).status_code
        == 204
    )
    assert (
        client.get(
            f"/api/v1/scorecards/campaigns/{created['id']}", headers=admin.headers
        ).status_code
        == 404
    )
    actions = [
        e["action"]
        for e in client.get("/api/v1/audit?entity=campaign", headers=admin.headers).json()["items"]
    ]
    assert sorted(actions) == ["create", "delete", "update"]


def _audit_count(db) -> int:
    with db.session() as session:
        return session.scalar(select(func.count(AuditEntry.id))) or 0
