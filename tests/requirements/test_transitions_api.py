"""Transitions through the API: every forbidden (role, action) pair refused with 403 and nothing
changed; wrong statuses and stale versions 409; the triage rules (reason, date, duplicate)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tests.helpers.requirement_review import add_requirement, move, state
from tests.helpers.requirement_workflow import EXPECTED
from tmse.core.audit import AuditEntry
from tmse.core.links.models import TraceLink
from tmse.core.permissions import Role


def tomorrow() -> str:
    """Tomorrow as the server sees it, read when asked: a run may cross midnight."""
    return (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)).isoformat()


def test_every_forbidden_transition_is_refused_and_changes_nothing(client, db, make_account):
    accounts = {role.value: make_account(role.value) for role in Role}
    other = add_requirement(db, "The original")
    requirement = add_requirement(db)
    # A payload each action would accept, so only the role can be the reason for refusal.
    payloads = {
        "reject": {"reason": "out of scope"},
        "snooze": {"until": tomorrow()},
        "mark-duplicate": {"original_id": other},
        "request-review": {"reviewers": [accounts["product_manager"].id, accounts["architect"].id]},
        "approve": {"capacity": "technical"},
        "request-changes": {"comment": "split it"},
    }
    before = state(db, requirement)
    refused = 0
    for action, (_, _, owners) in sorted(EXPECTED.items()):
        for role, account in sorted(accounts.items()):
            if role in owners:
                continue
            body = {"version": before["version"], **payloads.get(action, {})}
            response = move(client, account.headers, requirement, action, **body)
            assert response.status_code == 403, (role, action, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            problem = response.json()
            if role == "viewer":
                # Viewers own no transition: the route refuses them before the workflow does.
                assert problem["permission"] == "requirements:write"
            else:
                assert problem["action"] == action
                assert problem["allowed_roles"] == sorted(owners)
                assert action in problem["detail"] and role in problem["detail"]
            refused += 1
    # 8 roles × 12 actions = 96 pairs, of which the table allows 30.
    assert refused == 96 - sum(len(owners) for _, _, owners in EXPECTED.values()) == 66
    assert state(db, requirement) == before

    # An owner, but from the wrong status: 409 naming where the action starts; nothing changes.
    pm = accounts["product_manager"]
    for action in ("unsnooze", "reopen", "request-review", "approve", "withdraw-review"):
        response = move(client, pm.headers, requirement, action, version=before["version"])
        assert response.status_code == 409, action
        assert response.json()["status_now"] == "pending"
        assert response.json()["allowed_from"] == sorted(EXPECTED[action][0])
    for action in ("start", "complete"):
        response = move(client, accounts["engineer"].headers, requirement, action, version=1)
        assert response.status_code == 409
    # A stale version is a 409 too; an unknown action a 422 naming `action`.
    stale = move(client, pm.headers, requirement, "accept", version=before["version"] + 7)
    assert stale.status_code == 409 and stale.json()["type"].endswith("stale-version")
    unknown = move(client, pm.headers, requirement, "promote", version=before["version"])
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "action"
    missing = client.post(
        "/api/v1/requirements/999999/transitions",
        json={"action": "accept", "version": 1},
        headers=pm.headers,
    )
    assert missing.status_code == 404
    assert state(db, requirement) == before


def test_triage_rules_reason_date_duplicate_and_reopen(client, db, make_account):
    pm = make_account("product_manager")
    admin = make_account("admin")
    original = add_requirement(db, "Pay by card")
    rid = add_requirement(db, "Pay by debit card")

    # Reject needs a reason: 422 naming `reason`, nothing stored.
    before = state(db, rid)
    for reason in (None, "", "   "):
        response = move(client, pm.headers, rid, "reject", reason=reason)
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == ["reason"]
    assert state(db, rid) == before
    rejected = move(client, pm.headers, rid, "reject", reason="We only take cards via PSP")
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["status_reason"] == "We only take cards via PSP"
    assert rejected.json()["version"] == before["version"] + 1
    reopened = move(client, admin.headers, rid, "reopen")  # an administrator may triage
    assert reopened.json()["status"] == "pending" and reopened.json()["status_reason"] == ""

    # Snooze needs a future date.
    today = dt.datetime.now(dt.UTC).date()
    before = state(db, rid)
    for until in (None, "next week", today.isoformat(), (today - dt.timedelta(days=3)).isoformat()):
        response = move(client, pm.headers, rid, "snooze", until=until)
        assert response.status_code == 422, until
        assert [e["field"] for e in response.json()["errors"]] == ["until"]
    assert state(db, rid) == before
    snoozed = move(client, pm.headers, rid, "snooze", until=tomorrow(), reason="after the launch")
    assert snoozed.json()["status"] == "snoozed" and snoozed.json()["snoozed_until"] == tomorrow()
    woken = move(client, pm.headers, rid, "unsnooze")
    assert woken.json()["status"] == "pending" and woken.json()["snoozed_until"] is None

    # Mark as duplicate: the original must exist and differ; the link is kept.
    before = state(db, rid)
    for original_id in (None, rid, 987654):
        response = move(client, pm.headers, rid, "mark-duplicate", original_id=original_id)
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == ["original_id"]
    assert state(db, rid) == before
    duplicate = move(client, pm.headers, rid, "mark-duplicate", original_id=original)
    assert duplicate.status_code == 200
    assert duplicate.json()["status"] == "duplicate"
    assert duplicate.json()["duplicate_of_id"] == original
    with db.session() as session:
        links = session.scalars(select(TraceLink).where(TraceLink.link_type == "duplicates")).all()
        assert [(x.source_type, x.source_id, x.target_type, x.target_id) for x in links] == [
            ("requirement", rid, "requirement", original)
        ]
    links_api = client.get(f"/api/v1/links?source=requirement:{rid}", headers=pm.headers).json()
    assert [item["link_type"] for item in links_api["items"]] == ["duplicates"]

    # Reopening a duplicate drops the link with the reference.
    reopened = move(client, pm.headers, rid, "reopen")
    assert reopened.json()["status"] == "pending" and reopened.json()["duplicate_of_id"] is None
    assert state(db, rid)["links"] == 0

    # Accept from pending; each transition left one audit entry naming its action.
    assert move(client, pm.headers, rid, "accept").json()["status"] == "accepted"
    with db.session() as session:
        entries = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_type == "requirement", AuditEntry.entity_id == str(rid))
            .order_by(AuditEntry.id)
        ).all()
        assert [e.action for e in entries] == [
            "reject",
            "reopen",
            "snooze",
            "unsnooze",
            "mark-duplicate",
            "reopen",
            "accept",
        ]
        assert entries[0].changes["status"] == {"before": "pending", "after": "rejected"}
        assert entries[0].changes["status_reason"]["after"] == "We only take cards via PSP"
        assert entries[2].changes["snoozed_until"] == {"before": None, "after": tomorrow()}
