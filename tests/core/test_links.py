"""Trace links: a content change at either end makes a link Suspect until a reviewer clears it."""

from __future__ import annotations

from tmse.core.identity.models import Team


def _teams(client, headers, *names):
    return [client.post("/api/v1/teams", json={"name": n}, headers=headers).json() for n in names]


def test_link_starts_valid_and_is_listed_from_both_ends(client, admin, make_account):
    upstream, downstream = _teams(client, admin.headers, "Strategy", "Delivery")
    engineer = make_account("engineer")
    created = client.post(
        "/api/v1/links",
        json={
            "source": f"team:{upstream['id']}",
            "target": f"team:{downstream['id']}",
            "link_type": "serves",
        },
        headers=engineer.headers,
    )
    assert created.status_code == 201 and created.json()["state"] == "valid"
    for ref in (f"team:{upstream['id']}", f"team:{downstream['id']}"):
        page = client.get("/api/v1/links", params={"entity": ref}, headers=engineer.headers)
        assert [link["id"] for link in page.json()["items"]] == [created.json()["id"]]
    outgoing = client.get(
        "/api/v1/links",
        params={"entity": f"team:{downstream['id']}", "direction": "out"},
        headers=admin.headers,
    )
    assert outgoing.json()["total"] == 0


def test_content_change_at_either_end_makes_the_link_suspect(client, admin):
    a, b = _teams(client, admin.headers, "A", "B")
    link = client.post(
        "/api/v1/links",
        json={"source": f"team:{a['id']}", "target": f"team:{b['id']}"},
        headers=admin.headers,
    ).json()
    client.patch(
        f"/api/v1/teams/{b['id']}",
        json={"version": 1, "description": "rescoped"},
        headers=admin.headers,
    )
    after = client.get(f"/api/v1/links/{link['id']}", headers=admin.headers).json()
    assert after["state"] == "suspect"
    assert "description" in after["state_reason"]


def test_non_content_edit_keeps_the_link_valid(client, admin):
    parent, a, b = _teams(client, admin.headers, "Parent", "A", "B")
    link = client.post(
        "/api/v1/links",
        json={"source": f"team:{a['id']}", "target": f"team:{b['id']}"},
        headers=admin.headers,
    ).json()
    client.patch(
        f"/api/v1/teams/{b['id']}",
        json={"version": 1, "parent_id": parent["id"]},
        headers=admin.headers,
    )
    assert (
        client.get(f"/api/v1/links/{link['id']}", headers=admin.headers).json()["state"] == "valid"
    )


def test_only_reviewer_roles_clear_a_suspect_link_with_a_comment(client, admin, make_account):
    a, b = _teams(client, admin.headers, "A", "B")
    link = client.post(
        "/api/v1/links",
        json={"source": f"team:{a['id']}", "target": f"team:{b['id']}"},
        headers=admin.headers,
    ).json()
    client.patch(
        f"/api/v1/teams/{a['id']}", json={"version": 1, "name": "A2"}, headers=admin.headers
    )
    engineer, architect = make_account("engineer"), make_account("architect")
    denied = client.post(
        f"/api/v1/links/{link['id']}/clear",
        json={"comment": "looks fine"},
        headers=engineer.headers,
    )
    assert denied.status_code == 403
    no_comment = client.post(
        f"/api/v1/links/{link['id']}/clear", json={}, headers=architect.headers
    )
    assert no_comment.status_code == 422 and no_comment.json()["errors"][0]["field"] == "comment"
    cleared = client.post(
        f"/api/v1/links/{link['id']}/clear",
        json={"comment": "Rename only; scope unchanged"},
        headers=architect.headers,
    )
    assert cleared.status_code == 200
    body = cleared.json()
    assert body["state"] == "valid" and body["cleared_by"] == architect.username
    entry = client.get(
        f"/api/v1/audit?entity=trace_link:{link['id']}&action=clear", headers=admin.headers
    ).json()["items"][0]
    assert entry["changes"]["state"] == {"before": "suspect", "after": "valid"}
    assert entry["changes"]["comment"]["after"] == "Rename only; scope unchanged"
    # A later change makes it Suspect again.
    client.patch(
        f"/api/v1/teams/{a['id']}", json={"version": 2, "name": "A3"}, headers=admin.headers
    )
    assert (
        client.get(f"/api/v1/links/{link['id']}", headers=admin.headers).json()["state"]
        == "suspect"
    )


def test_deleting_an_end_makes_the_link_invalid(client, admin, db):
    a, b = _teams(client, admin.headers, "A", "B")
    link = client.post(
        "/api/v1/links",
        json={"source": f"team:{a['id']}", "target": f"team:{b['id']}"},
        headers=admin.headers,
    ).json()
    with db.session() as session:
        session.delete(session.get(Team, b["id"]))
    body = client.get(f"/api/v1/links/{link['id']}", headers=admin.headers).json()
    assert body["state"] == "invalid" and "deleted" in body["state_reason"]


def test_bad_references_are_reported_by_field(client, admin):
    (a,) = _teams(client, admin.headers, "A")
    unknown_type = client.post(
        "/api/v1/links",
        json={"source": "planet:1", "target": f"team:{a['id']}"},
        headers=admin.headers,
    )
    assert unknown_type.status_code == 422
    assert unknown_type.json()["errors"][0]["field"] == "source"
    missing = client.post(
        "/api/v1/links",
        json={"source": f"team:{a['id']}", "target": "team:999"},
        headers=admin.headers,
    )
    assert missing.json()["errors"][0]["field"] == "target"
    duplicate_body = {"source": f"team:{a['id']}", "target": "user:1"}
    assert (
        client.post("/api/v1/links", json=duplicate_body, headers=admin.headers).status_code == 201
    )
    assert (
        client.post("/api/v1/links", json=duplicate_body, headers=admin.headers).status_code == 409
    )
