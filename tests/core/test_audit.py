"""The audit log: every write recorded with before/after in the same transaction, hash-chained."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, text

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.audit import AuditEntry, entry_hash, hashed_fields, save_checkpoint, verify

SYSTEM_ACTOR = Actor.system("test")


def test_update_records_before_and_after_of_changed_fields_only(client, admin):
    team = client.post(
        "/api/v1/teams", json={"name": "Core", "description": "old"}, headers=admin.headers
    ).json()
    client.patch(
        f"/api/v1/teams/{team['id']}",
        json={"version": 1, "description": "new"},
        headers={**admin.headers, "X-Request-ID": "req-42"},
    )
    entry = client.get(
        f"/api/v1/audit?entity=team:{team['id']}&action=update", headers=admin.headers
    ).json()["items"][0]
    assert entry["changes"] == {"description": {"before": "old", "after": "new"}}
    assert entry["request_id"] == "req-42"
    assert entry["actor_name"] == "admin"
    assert entry["entity_type"] == "team" and entry["entity_id"] == str(team["id"])


def test_failed_write_leaves_no_audit_entry(client, admin):
    before = client.get("/api/v1/audit", headers=admin.headers).json()["total"]
    client.post("/api/v1/users", json={"username": "x", "team_ids": [42]}, headers=admin.headers)
    assert client.get("/api/v1/audit", headers=admin.headers).json()["total"] == before


def test_audit_filters_by_actor_and_time(client, admin, make_account):
    client.post("/api/v1/teams", json={"name": "A"}, headers=admin.headers)
    now = dt.datetime.now(dt.UTC)
    by_admin = client.get("/api/v1/audit?actor=admin", headers=admin.headers).json()
    assert by_admin["total"] >= 1 and {e["actor_name"] for e in by_admin["items"]} == {"admin"}
    later = (now + dt.timedelta(hours=1)).isoformat()
    assert (
        client.get("/api/v1/audit", params={"since": later}, headers=admin.headers).json()["total"]
        == 0
    )
    everything = client.get("/api/v1/audit", headers=admin.headers).json()["total"]
    assert (
        client.get("/api/v1/audit", params={"until": later}, headers=admin.headers).json()["total"]
        == everything
    )
    earlier = (now - dt.timedelta(hours=1)).isoformat()
    assert (
        client.get("/api/v1/audit", params={"until": earlier}, headers=admin.headers).json()[
            "total"
        ]
        == 0
    )


def test_audit_api_needs_audit_permission(client, make_account):
    engineer = make_account("engineer")
    assert client.get("/api/v1/audit", headers=engineer.headers).status_code == 403
    committee = make_account("committee")
    assert client.get("/api/v1/audit", headers=committee.headers).status_code == 200


def test_chain_verifies_and_names_the_first_altered_row(client, admin, db):
    for name in ("One", "Two", "Three"):
        client.post("/api/v1/teams", json={"name": name}, headers=admin.headers)
    with db.session(write=False) as session:
        report = verify(session)
    assert report.intact and report.checked >= 5
    with db.session() as session:
        target = session.execute(
            text("SELECT id FROM audit_log WHERE entity_type = 'team' ORDER BY id LIMIT 1 OFFSET 1")
        ).scalar_one()
        session.execute(
            text("UPDATE audit_log SET actor_name = 'mallory' WHERE id = :id"), {"id": target}
        )
    with db.session(write=False) as session:
        report = verify(session)
    assert not report.intact
    assert report.first_bad_id == target


def test_deleting_a_row_breaks_the_chain(client, admin, db):
    for name in ("One", "Two"):
        client.post("/api/v1/teams", json={"name": name}, headers=admin.headers)
    with db.session() as session:
        session.execute(text("DELETE FROM audit_log WHERE id = 2"))
    with db.session(write=False) as session:
        report = verify(session)
    assert not report.intact and report.first_bad_id == 2


def test_checkpoint_reveals_removed_tail_entries(client, admin, db):
    for name in ("One", "Two", "Three"):
        client.post("/api/v1/teams", json={"name": name}, headers=admin.headers)
    with db.session() as session:
        report = verify(session)
        save_checkpoint(session, report)
    head = report.head_id
    with db.session() as session:  # cutting the newest entries leaves a chain that links up
        session.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": head})
    with db.session(write=False) as session:
        after = verify(session)
    assert not after.intact
    assert after.first_bad_id == head and "removed" in after.reason


def test_checkpoint_reveals_a_rewritten_chain(client, admin, db):
    for name in ("One", "Two"):
        client.post("/api/v1/teams", json={"name": name}, headers=admin.headers)
    with db.session() as session:
        save_checkpoint(session, verify(session))
    # An attacker edits entry 2 and recomputes every hash after it, so the links all hold.
    with db.session() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        entries[1].actor_name = "mallory"
        prev = entries[0].hash
        for entry in entries[1:]:
            entry.prev_hash = prev
            entry.hash = entry_hash(prev, hashed_fields(entry))
            prev = entry.hash
    with db.session(write=False) as session:
        after = verify(session)
    assert not after.intact and "rewritten" in after.reason


def test_record_many_chains_like_record_and_verifies(db):
    """A bulk append continues the chain: verify passes, and a later single entry follows it."""
    with db.session() as session:
        audit.record(session, SYSTEM_ACTOR, "create", "thing", 1, None, {"name": "a"})
        appended = audit.record_many(
            session,
            SYSTEM_ACTOR,
            [
                audit.Change("create", "thing", n, {"name": {"before": None, "after": f"t{n}"}})
                for n in range(2, 6)
            ],
        )
        audit.record(session, SYSTEM_ACTOR, "update", "thing", 5, {"name": "t5"}, {"name": "u"})
    assert appended == 4
    with db.session() as session:
        report = audit.verify(session)
        entries = session.scalars(select(audit.AuditEntry).order_by(audit.AuditEntry.id)).all()
    assert report.intact and report.checked == 6
    assert [e.entity_id for e in entries] == ["1", "2", "3", "4", "5", "5"]
    assert entries[3].changes == {"name": {"before": None, "after": "t4"}}
