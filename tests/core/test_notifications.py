"""In-app notifications: sent once per user, listed newest first and paged, read one by one or
all at once, only by their addressee; the bell shows the unread count; the page lists them."""

from __future__ import annotations

from sqlalchemy import select

from tests.helpers import login
from tests.helpers.pages import post_form
from tmse.core.actor import Actor
from tmse.core.audit import AuditEntry
from tmse.core.identity.service import set_locale
from tmse.core.messages import message
from tmse.core.notifications.service import notify


def _reset(number: int):  # type: ignore[no-untyped-def]
    return message(
        "{key} changed; approvals were reset: {title}", key=f"REQ-{number}", title="Refunds"
    )


def test_notifications_story(client, db, make_account):
    alice = make_account("architect")
    bob = make_account("product_manager")
    with db.session() as session:
        people = [alice.id, alice.id, None, bob.id]
        title = message("Review requested: {key} {title}", key="REQ-1", title="Refunds")
        note = message("{note}", note="please look")
        sent = notify(session, people, "review-requested", title, "/requirements/1", note)
        assert sent == 2  # one per distinct user, None skipped
        for number in range(2, 5):
            notify(session, [alice.id], "approvals-reset", _reset(number), "/requirements/2")
        assert notify(session, [], "x", message("nobody"), "/") == 0

    page = client.get("/api/v1/notifications?limit=2", headers=alice.headers).json()
    assert page["total"] == 4 and len(page["items"]) == 2
    assert [i["title"] for i in page["items"]] == [
        "REQ-4 changed; approvals were reset: Refunds",
        "REQ-3 changed; approvals were reset: Refunds",
    ]
    rest = client.get("/api/v1/notifications?limit=2&offset=2", headers=alice.headers).json()
    assert [i["title"] for i in rest["items"]] == [
        "REQ-2 changed; approvals were reset: Refunds",
        "Review requested: REQ-1 Refunds",
    ]
    oldest = rest["items"][1]
    assert oldest["body"] == "please look" and oldest["read"] is False
    assert oldest["title_message"] == {
        "id": "Review requested: {key} {title}",
        "params": {"key": "REQ-1", "title": "Refunds"},
    }
    assert rest["items"][0]["body"] == "" and rest["items"][0]["body_message"] is None

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
        phish = message("Review requested: {key} {title}", key="REQ-9", title="Phish")
        notify(session, [bob.id], "review-requested", phish, "https://example.com/phish")
    latest = client.get("/api/v1/notifications", headers=bob.headers).json()["items"][0]
    opened = post_form(client, f"/notifications/{latest['id']}/read", {})
    assert opened.headers["location"] == "/notifications"  # never another site


def test_a_chinese_reader_reads_notifications_in_chinese_whoever_caused_them(
    client, db, make_account
):
    reader = make_account("architect")
    with db.session() as session:
        title = message("Review requested: {key} {title}", key="REQ-7", title="退款")
        notify(session, [reader.id], "review-requested", title, "/requirements/7")
        notify(session, [reader.id], "from-a-newer-module", message("Notifications"), "/")
    english = client.get("/api/v1/notifications", headers=reader.headers).json()["items"]
    assert [i["title"] for i in english] == ["Notifications", "Review requested: REQ-7 退款"]

    with db.session() as session:
        set_locale(session, Actor(user_id=reader.id, username=reader.username), "zh_CN")
    chinese = client.get("/api/v1/notifications", headers=reader.headers).json()["items"]
    assert [i["title"] for i in chinese] == ["通知", "请求评审：REQ-7 退款"]

    login(client, reader.username)
    page = client.get("/notifications").text
    assert "请求评审：REQ-7 退款" in page
    assert 'data-kind="review-requested">请求评审<' in page
    # A kind this version has no badge for still reads as a word, not as its slug.
    assert 'data-kind="from-a-newer-module">通知<' in page
    assert "Review requested" not in page
