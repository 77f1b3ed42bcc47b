"""Joint review as a story: request review (reviewers notified, queued), the product manager and
the architect approve (→ approved), one person cannot fill both capacities, an edit after approval
resets every approval, changes requested, withdrawal, then delivery; the HTML forms too."""

from __future__ import annotations

from sqlalchemy import select

from tests.helpers import login
from tests.helpers.pages import post_form
from tests.helpers.requirement_review import add_requirement, move, state
from tmse.core.audit import AuditEntry
from tmse.requirements.review.models import RequirementApproval


def _queue(client, account):  # type: ignore[no-untyped-def]
    page = client.get("/api/v1/requirements/review-queue", headers=account.headers).json()
    return [item["id"] for item in page["items"]], page["total"]


def _unread(client, account) -> int:  # type: ignore[no-untyped-def]
    page = client.get("/api/v1/notifications?unread=true", headers=account.headers).json()
    return int(page["total"])


def test_joint_review_story(client, db, make_account):
    pm = make_account("product_manager")
    architect = make_account("architect")
    lead = make_account("tech_lead")
    both = make_account("product_manager", "architect")
    admin = make_account("admin")
    engineer = make_account("engineer")
    rid = add_requirement(db, "Refunds in one click", product_manager_id=pm.id)
    assert move(client, pm.headers, rid, "accept").status_code == 200

    # Reviewers must cover both capacities with two different people.
    before = state(db, rid)
    for reviewers in ([], [pm.id], [architect.id, lead.id], [both.id], [pm.id, engineer.id]):
        refused = move(client, lead.headers, rid, "request-review", reviewers=reviewers)
        assert refused.status_code == 422, reviewers
        assert refused.json()["errors"][0]["field"] == "reviewers"
    assert state(db, rid) == before

    requested = move(client, lead.headers, rid, "request-review", reviewers=[both.id, architect.id])
    assert requested.json()["status"] == "in-review"
    # Each reviewer is notified in-app and finds it in their queue; others do not.
    assert _unread(client, both) == 1 and _unread(client, architect) == 1
    assert _unread(client, pm) == 0
    assert _queue(client, both) == ([rid], 1) and _queue(client, architect) == ([rid], 1)
    assert _queue(client, pm) == ([], 0)
    bell = client.get("/notifications/bell", headers=architect.headers)
    assert bell.status_code == 200 and 'data-unread="1"' in bell.text
    counts = client.get("/api/v1/requirements/review-queue/counts", headers=architect.headers)
    assert counts.json() == {
        "awaiting_me": 1,
        "in_review": 1,
        "missing_product": 1,
        "missing_technical": 1,
    }

    # An administrator never counts as a reviewer.
    refused = move(client, admin.headers, rid, "approve", capacity="product")
    assert refused.status_code == 403 and refused.json()["action"] == "approve"
    # Someone holding both roles must say which capacity; an engineer cannot approve at all.
    ambiguous = move(client, both.headers, rid, "approve")
    assert ambiguous.status_code == 422 and ambiguous.json()["errors"][0]["field"] == "capacity"
    # An architect cannot approve as the product reviewer.
    wrong = move(client, architect.headers, rid, "approve", capacity="product")
    assert wrong.status_code == 403 and "product_manager" in wrong.json()["detail"]

    first = move(client, both.headers, rid, "approve", capacity="product", comment="Valuable")
    assert first.status_code == 200 and first.json()["status"] == "in-review"
    # The same person cannot fill the other capacity too; nothing changes.
    before = state(db, rid)
    again = move(client, both.headers, rid, "approve", capacity="technical")
    assert again.status_code == 409 and "one capacity" in again.json()["detail"]
    taken = move(client, pm.headers, rid, "approve", capacity="product")
    assert taken.status_code == 409
    assert state(db, rid) == before
    # A stale page cannot approve: the first approval moved the version.
    stale = move(client, architect.headers, rid, "approve", version=requested.json()["version"])
    assert stale.status_code == 409 and stale.json()["type"].endswith("stale-version")

    approved = move(client, architect.headers, rid, "approve")  # capacity inferred: technical
    assert approved.json()["status"] == "approved"
    panel = client.get(f"/api/v1/requirements/{rid}/approvals", headers=pm.headers).json()
    assert [(c["capacity"], c["approved"], c["by_id"]) for c in panel["capacities"]] == [
        ("product", True, both.id),
        ("technical", True, architect.id),
    ]
    assert panel["capacities"][0]["comment"] == "Valuable" and panel["pending_reviewers"] == []
    assert _queue(client, architect) == ([], 0)
    # The product manager and the requester hear that it is approved.
    assert _unread(client, pm) == 1 and _unread(client, lead) == 1

    # Any content edit after approval resets every approval and asks the reviewers again.
    version = panel["version"]
    edit = client.patch(
        f"/api/v1/requirements/{rid}",
        json={"version": version, "acceptance_criteria": "Refund within 5 seconds"},
        headers=pm.headers,
    )
    assert edit.status_code == 200, edit.text
    panel = client.get(f"/api/v1/requirements/{rid}/approvals", headers=pm.headers).json()
    assert panel["status"] == "in-review"
    assert [c["approved"] for c in panel["capacities"]] == [False, False]
    assert sorted(p["id"] for p in panel["pending_reviewers"]) == sorted([both.id, architect.id])
    assert [h["void_reason"] for h in panel["history"]] == [
        "content changed: acceptance_criteria"
    ] * 2
    assert _unread(client, architect) == 2 and _queue(client, architect) == ([rid], 1)
    with db.session() as session:
        live = session.scalars(
            select(RequirementApproval).where(RequirementApproval.voided_at.is_(None))
        ).all()
        assert live == []
        reset = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "reset-approvals")
        ).one()
        assert reset.changes["approvals_voided"] == 2
        assert reset.changes["status"] == {"before": "approved", "after": "in-review"}

    # Changes requested need a comment, send it back to accepted and clear approvals.
    assert move(client, both.headers, rid, "approve", capacity="product").status_code == 200
    missing = move(client, architect.headers, rid, "request-changes")
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "comment"
    sent_back = move(client, architect.headers, rid, "request-changes", comment="Name the PSP")
    assert sent_back.json()["status"] == "accepted"
    assert sent_back.json()["status_reason"] == "Name the PSP"
    panel = client.get(f"/api/v1/requirements/{rid}/approvals", headers=pm.headers).json()
    assert not any(c["approved"] for c in panel["capacities"])
    assert panel["history"][0]["decision"] == "changes-requested"
    assert _queue(client, architect) == ([], 0)

    # Withdrawal: a tech lead who did not request this round may not; the product manager may.
    assert move(client, pm.headers, rid, "request-review", reviewers=[pm.id, lead.id]).is_success
    other_lead = make_account("tech_lead")
    refused = move(client, other_lead.headers, rid, "withdraw-review")
    assert refused.status_code == 403 and refused.json()["action"] == "withdraw-review"
    assert move(client, pm.headers, rid, "withdraw-review").json()["status"] == "accepted"

    # Round three, through the pages: the forms post to the same transitions.
    assert move(client, pm.headers, rid, "request-review", reviewers=[pm.id, lead.id]).is_success
    login(client, lead.username)
    queue_page = client.get("/requirements/reviews")
    assert queue_page.status_code == 200 and f'data-requirement-id="{rid}"' in queue_page.text
    version = state(db, rid)["version"]
    bad = post_form(
        client,
        f"/requirements/{rid}/transitions",
        {"action": "request-changes", "version": version, "comment": ""},
    )
    assert bad.status_code == 422 and 'data-field-error="comment"' in bad.text
    ok = post_form(
        client,
        f"/requirements/{rid}/transitions",
        {"action": "approve", "version": version, "next": "/requirements/reviews"},
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/requirements/reviews?saved=1"
    forbidden = post_form(
        client, f"/requirements/{rid}/transitions", {"action": "accept", "version": version + 1}
    )
    assert forbidden.status_code == 403 and 'id="review-error"' in forbidden.text
    page = client.get(f"/requirements/{rid}/review")
    assert 'data-capacity="technical" data-approved="yes"' in page.text
    assert move(client, pm.headers, rid, "approve").json()["status"] == "approved"

    # Delivery: the engineer starts and completes; the product manager may not.
    assert move(client, pm.headers, rid, "start").status_code == 403
    assert move(client, engineer.headers, rid, "start").json()["status"] == "in-progress"
    assert move(client, engineer.headers, rid, "complete").json()["status"] == "done"
