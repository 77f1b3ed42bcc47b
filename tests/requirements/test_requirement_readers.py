"""What each reader sees of requirements: review notifications and reset reasons in the reader's
language whoever caused them, and only the buttons and pages their permissions allow."""

from __future__ import annotations

from sqlalchemy import update

from tests.helpers.requirement_review import add_requirement, move
from tmse.core.db import Database
from tmse.core.identity.models import User


def _speaks_chinese(db: Database, user_id: int) -> None:
    with db.session() as session:
        session.execute(update(User).where(User.id == user_id).values(locale="zh_CN"))


def _titles(client, account) -> list[str]:  # type: ignore[no-untyped-def]
    page = client.get("/api/v1/notifications", headers=account.headers).json()
    return [item["title"] for item in page["items"]]


def test_review_notifications_are_worded_in_each_readers_language(client, db, make_account):
    pm = make_account("product_manager")
    architect = make_account("architect")
    lead = make_account("tech_lead")
    _speaks_chinese(db, architect.id)
    rid = add_requirement(db, "Refunds in one click", product_manager_id=pm.id)
    assert move(client, pm.headers, rid, "accept").status_code == 200

    sent = move(client, lead.headers, rid, "request-review", reviewers=[pm.id, architect.id])
    assert sent.status_code == 200, sent.text
    # One event, two readers: the English product manager and the Chinese architect.
    assert _titles(client, pm) == [f"Review requested: REQ-{rid} Refunds in one click"]
    assert _titles(client, architect) == [f"请求评审：REQ-{rid} Refunds in one click"]

    assert move(client, pm.headers, rid, "approve").status_code == 200
    assert move(client, architect.headers, rid, "approve").status_code == 200
    # The requester hears of the approval; the approving architect does not notify themself.
    assert _titles(client, lead)[0].startswith("Approved by product and technical review")
    assert len(_titles(client, architect)) == 1

    # A content edit resets the approvals: the architect reads why in Chinese, on the panel too.
    version = client.get(f"/api/v1/requirements/{rid}", headers=pm.headers).json()["version"]
    edited = client.patch(
        f"/api/v1/requirements/{rid}",
        json={"title": "Refunds in two clicks", "version": version},
        headers=pm.headers,
    )
    assert edited.status_code == 200, edited.text
    notes = client.get("/api/v1/notifications", headers=architect.headers).json()["items"]
    assert notes[0]["title"] == f"REQ-{rid} 已变更，批准已重置：Refunds in two clicks"
    assert notes[0]["body"] == "内容已变更：title"
    panel = client.get(f"/requirements/{rid}/review-panel", headers=architect.headers)
    assert "内容已变更：title" in panel.text
    # The history names statuses in the reader's words too ("pending" → "accepted" on accept).
    page = client.get(f"/requirements/{rid}", headers=architect.headers).text
    history = page[page.index('id="history"') : page.index("</table>", page.index('id="history"'))]
    assert "待处理" in history and "pending" not in history
    # The JSON keeps the stored English reason.
    approvals = client.get(f"/api/v1/requirements/{rid}/approvals", headers=pm.headers).json()
    assert approvals["history"][0]["void_reason"] == "content changed: title"


def test_pages_offer_and_accept_only_what_the_reader_may_do(client, db, make_account):
    pm = make_account("product_manager")
    viewer = make_account("viewer")
    admin = make_account("admin")
    rid = add_requirement(db, "Dark mode", product_manager_id=pm.id)

    backlog = client.get("/requirements", headers=viewer.headers)
    assert backlog.status_code == 200
    assert 'id="new-requirement"' not in backlog.text and 'id="import-link"' not in backlog.text
    assert 'id="new-requirement"' in client.get("/requirements", headers=pm.headers).text
    detail = client.get(f"/requirements/{rid}", headers=viewer.headers)
    assert detail.status_code == 200 and 'id="edit-requirement"' not in detail.text
    assert 'id="edit-requirement"' in client.get(f"/requirements/{rid}", headers=pm.headers).text
    # Proposing a change is the change board's rule, asked of its service, not the template's.
    assert 'id="propose-change"' not in detail.text
    assert 'id="propose-change"' in client.get(f"/requirements/{rid}", headers=pm.headers).text
    # Custom fields are configured by administrators; a product manager only reads them.
    fields = client.get("/requirements/custom-fields", headers=pm.headers)
    assert fields.status_code == 200 and 'name="label_en"' not in fields.text
    assert (
        'name="label_en"' in client.get("/requirements/custom-fields", headers=admin.headers).text
    )

    # The routes refuse what the buttons do not offer, whoever posts.
    for path in ("/requirements/new", f"/requirements/{rid}/edit", "/requirements/import"):
        assert client.get(path, headers=viewer.headers).status_code == 403, path
    refused = client.post("/requirements/new", data={"title": "Sneaky"}, headers=viewer.headers)
    assert refused.status_code == 403
    # The same post from a writer reaches the service (which wants a title).
    assert (
        client.post("/requirements/new", data={"title": ""}, headers=pm.headers).status_code == 422
    )
    field = {"key": "tier", "label_en": "Tier", "kind": "text"}
    assert (
        client.post("/requirements/custom-fields", data=field, headers=pm.headers).status_code
        == 403
    )
