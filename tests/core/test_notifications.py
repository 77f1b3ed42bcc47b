"""In-app notifications: sent once per user, listed newest first and paged, read one by one or
all at once, only by their addressee; the bell shows the unread count; the page lists them."""

from __future__ import annotations

from sqlalchemy import select

from tests.helpers import login
from tests.helpers.pages import post_form
from tmse.core.audit import AuditEntry
from tmse.core.notifications.service import notify


def test_notifications_story(client, db, make_account):
    alice = make_account("architect")
    bob = make_account("product_manager")
    with db.session() as session:
        people = [alice.id, alice.id, None, bob.id]
        title = "Review requested: REQ-1 Refunds"
        sent = notify(session, people, "review-requested", title, "/requirements/1", "please look")
        assert sent == 2  # one per distinct user, None skipped
        for number in range(2, 5):
            notify(
                session, [alice.id], "approvals-reset", f"REQ-{number} changed", "/requirements/2"
            )
        assert notify(session, [], "x", "nobody", "/") == 0

    page = client.get("/api/v1/notifications?limit=2", headers=alice.headers).json()
    assert page["total"] == 4 and len(page["items"]) == 2
    assert [i["title"] for i in page["items"]] == ["REQ-4 changed", "REQ-3 changed"]
    rest = client.get("/api/v1/notifications?limit=2&offset=2", headers=alice.headers).json()
    assert [i["title"] for i in rest["items"]] == [
        "REQ-2 changed",
        "Review requested: REQ-1 Refunds",
    ]
    oldest = rest["items"][1]
    assert oldest["body"] == "please look" and oldest["read"] is False

    # Only the addressee may read one; reading it again changes nothing.
    bobs_view = client.post(f"/api/v1/notifications/{oldest['id']}/read", headers=bob.headers)
    assert bobs_view.status_code == 404
    read = client.post(f"/api/v1/notifications/{oldest['id']}/read", headers=alice.headers)
    assert read.status_code == 200 and read.json()["read"] is True
    first_read_at = read.json()["read_at"]
    again = client.post(f"/api/v1/notifications/{oldest['id']}/read", headers=alice.headers)
    assert again.json()["read_at"] == first_read_at
    unread = client.get("/api/v1/notifications?unread=true", headers=alice.headers).json()
    assert unread["total"] == 3 and oldest["id"] not in [i["id"] for i in unread["items"]]
    count = client.get("/api/v1/notifications/unread-count", headers=alice.headers).json()
    assert count == {"unread": 3}

    # The bell: a badge with the count, none when all are read.
    bell = client.get("/notifications/bell", headers=alice.headers)
    assert bell.status_code == 200 and 'id="bell-count" data-unread="3">3<' in bell.text
    signed_out = client.get("/notifications/bell", follow_redirects=False)
    assert signed_out.status_code == 303

    marked = client.post("/api/v1/notifications/read-all", headers=alice.headers).json()
    assert marked == {"marked": 3, "unread": 0}
    assert "bell-count" not in client.get("/notifications/bell", headers=alice.headers).text
    assert client.get("/api/v1/notifications?unread=true", headers=bob.headers).json()["total"] == 1
    with db.session() as session:
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity_type == "notification")
        ).all()
        assert actions == ["read", "read-all"]

    # The page: listed, opened through the form (read, then followed), all read at once.
    login(client, bob.username)
    html = client.get("/notifications")
    assert html.status_code == 200 and "Review requested: REQ-1 Refunds" in html.text
    assert 'data-read="no"' in html.text and 'id="read-all"' in html.text
    bobs = client.get("/api/v1/notifications", headers=bob.headers).json()["items"][0]
    opened = post_form(client, f"/notifications/{bobs['id']}/read", {})
    assert opened.status_code == 303 and opened.headers["location"] == "/requirements/1"
    assert 'data-read="yes"' in client.get("/notifications").text
    with db.session() as session:
        notify(session, [bob.id], "review-requested", "Another", "https://example.com/phish")
    latest = client.get("/api/v1/notifications", headers=bob.headers).json()["items"][0]
    opened = post_form(client, f"/notifications/{latest['id']}/read", {})
    assert opened.headers["location"] == "/notifications"  # never another site
    zh = client.get("/notifications", headers={"Accept-Language": "zh-CN"})
    assert zh.status_code == 200
