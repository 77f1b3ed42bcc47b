"""Scorecards over the API on a small catalog whose roll-ups are worked out by hand."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from tests.helpers.scorecards import seed
from tmse.catalog.models import Service
from tmse.standards.scorecards.models import ScorecardLevel, ScoreSnapshot


def snapshot(client, account):
    return client.post("/api/v1/scorecards/snapshots", headers=account.headers)


def test_list_shows_levels_scores_and_filters(client, admin, db):
    seed(client, admin, db)
    taken = snapshot(client, admin)
    assert taken.status_code == 200
    assert taken.json() | {"taken_on": None} == {
        "taken_on": None,
        "services": 3,
        "created": 3,
        "updated": 0,
    }
    page = client.get("/api/v1/scorecards", headers=admin.headers).json()
    rows = {
        r["service"]: (r["owner"], r["level"], r["score"], r["passed"], r["total"])
        for r in page["items"]
    }
    assert rows == {
        "svc-a": ("Alpha", "gold", 100.0, 4, 4),
        "svc-b": ("Alpha", "silver", 55.6, 2, 4),
        "svc-c": ("Beta", "bronze", 66.7, 2, 4),
    }
    alpha = client.get("/api/v1/scorecards?team=Alpha&sort=-score", headers=admin.headers).json()
    assert [r["service"] for r in alpha["items"]] == ["svc-a", "svc-b"]
    silver = client.get("/api/v1/scorecards?level=silver", headers=admin.headers).json()
    assert [r["service"] for r in silver["items"]] == ["svc-b"]
    by_level = client.get("/api/v1/scorecards?sort=-level&limit=1", headers=admin.headers).json()
    assert (by_level["total"], by_level["items"][0]["service"]) == (3, "svc-a")
    shop = client.get("/api/v1/scorecards?system=shop&layer=business", headers=admin.headers)
    assert shop.json()["total"] == 2


def test_snapshot_twice_a_day_replaces_and_change_compares_with_30_days_ago(client, admin, db):
    seed(client, admin, db)
    snapshot(client, admin)
    again = snapshot(client, admin).json()
    assert (again["created"], again["updated"]) == (0, 3)
    today = dt.datetime.now(dt.UTC).date()
    with db.session() as session:
        assert session.scalar(select(func.count(ScoreSnapshot.id))) == 3
        a = session.scalar(select(Service.id).where(Service.name == "svc-a"))
        for days, score in ((45, 40.0), (31, 70.0), (30, 80.0), (10, 90.0)):
            session.add(
                ScoreSnapshot(
                    service_id=a,
                    taken_on=today - dt.timedelta(days=days),
                    score=score,
                    level="bronze",
                    passed=1,
                    total=2,
                    by_standard={},
                )
            )
    row = client.get("/api/v1/scorecards?team=Alpha", headers=admin.headers).json()["items"][0]
    assert (row["service"], row["change"]) == ("svc-a", 20.0)  # 100 now, 80 thirty days ago
    trend = client.get("/api/v1/scorecards/svc-a/trend?days=31", headers=admin.headers).json()
    assert [p["score"] for p in trend["points"]] == [70.0, 80.0, 90.0, 100.0]
    assert trend["points"][-1]["level"] == "gold"
    bad = client.get("/api/v1/scorecards/svc-a/trend?days=0", headers=admin.headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "days"


def test_one_service_groups_rules_by_level_and_names_what_blocks_the_next(client, admin, db):
    seed(client, admin, db)
    card = client.get("/api/v1/scorecards/svc-c", headers=admin.headers).json()
    assert (card["level"], card["next_level"], card["score"]) == ("bronze", "silver", 66.7)
    assert [(g["level"], g["passed"], g["total"], g["held"]) for g in card["levels"]] == [
        ("bronze", 1, 1, True),
        ("silver", 0, 1, False),
        ("gold", 1, 2, False),
    ]
    [blocker] = card["blocking_next_level"]
    assert (blocker["rule"], blocker["fix_hint"]) == ("described", "Write what the service does.")
    assert card["by_standard"] == {"docs": [1, 3], "ops": [1, 1]}
    # Gold: failing rules come first within the level.
    assert [r["rule"] for r in card["levels"][2]["rules"]] == ["has-repo", "runtime-recorded"]
    missing = client.get("/api/v1/scorecards/nope", headers=admin.headers)
    assert missing.status_code == 404


def test_levels_default_then_edited_versioned_and_audited(client, admin, db, make_account):
    levels = client.get("/api/v1/scorecards/levels", headers=admin.headers).json()
    assert [(lv["key"], lv["rank"], lv["version"]) for lv in levels] == [
        ("bronze", 1, 1),
        ("silver", 2, 1),
        ("gold", 3, 1),
    ]
    renamed = client.patch(
        "/api/v1/scorecards/levels/silver",
        json={"version": 1, "name": "Argent"},
        headers=admin.headers,
    )
    assert renamed.status_code == 200 and renamed.json()["version"] == 2
    stale = client.patch(
        "/api/v1/scorecards/levels/silver", json={"version": 1, "name": "X"}, headers=admin.headers
    )
    assert stale.status_code == 409
    added = client.post(
        "/api/v1/scorecards/levels",
        json={"key": "platinum", "name": "Platinum", "rank": 4, "color": "#5f7a8a"},
        headers=admin.headers,
    )
    assert added.status_code == 201
    same_rank = client.post(
        "/api/v1/scorecards/levels",
        json={"key": "diamond", "name": "Diamond", "rank": 4},
        headers=admin.headers,
    )
    assert same_rank.status_code == 409 and same_rank.json()["field"] == "rank"
    bad = client.post(
        "/api/v1/scorecards/levels",
        json={"key": "Not A Key", "name": "", "rank": 0},
        headers=admin.headers,
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"key", "name", "rank"}
    assert (
        client.delete("/api/v1/scorecards/levels/platinum", headers=admin.headers).status_code
        == 204
    )
    with db.session() as session:
        assert session.scalar(select(func.count(ScorecardLevel.id))) == 3
    audit = client.get("/api/v1/audit?entity=scorecard-level", headers=admin.headers).json()
    assert {e["action"] for e in audit["items"]} == {"create", "update", "delete"}
    viewer = make_account("viewer")
    assert (
        client.post(
            "/api/v1/scorecards/levels",
            json={"key": "x", "name": "X", "rank": 9},
            headers=viewer.headers,
        ).status_code
        == 403
    )
    assert snapshot(client, viewer).status_code == 403
    assert client.post("/api/v1/scorecards/snapshots").status_code == 401


def test_no_snapshot_yet_lists_services_unscored(client, admin, db):
    seed(client, admin, db)
    page = client.get("/api/v1/scorecards?level=none", headers=admin.headers).json()
    assert page["total"] == 3
    assert {(r["score"], r["level"], r["change"]) for r in page["items"]} == {(None, None, None)}
