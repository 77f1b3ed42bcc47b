"""The baseline story through the API: create, sign by the wrong user and by the approver,
verify, change a requirement behind the baseline's back, diff against now and against another
baseline; and no route that could alter a baseline."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from tests.helpers import Account
from tests.helpers.baselines import seed_requirements
from tmse.app import create_app
from tmse.core.audit import AuditEntry
from tmse.core.db import Database
from tmse.requirements.baselines.models import Baseline
from tmse.requirements.models import Requirement
from tmse.settings import Settings


@dataclass
class Story:
    """The people, the seeded requirements and what earlier steps leave for later ones."""

    client: TestClient
    db: Database
    approver: Account
    creator: Account
    engineer: Account
    project_id: int
    a: int
    b: int
    c: int
    body: dict[str, Any] = field(default_factory=dict)
    first: Any = None
    second: Any = None
    d: int = 0


def test_baseline_story(client: TestClient, db: Database, make_account) -> None:  # type: ignore[no-untyped-def]
    approver = make_account("product_manager")
    creator = make_account("product_manager")
    engineer = make_account("engineer")
    project_id, a, b, c = seed_requirements(db)
    story = Story(client, db, approver, creator, engineer, project_id, a, b, c)
    _bad_input_is_refused_and_stores_nothing(story)
    _a_draft_is_signed_by_its_approver_only(story)
    _diffs_against_now_and_another_baseline(story)
    _discarded_drafts_holdings_and_lists(story)
    _tampering_is_detected(story)


def _bad_input_is_refused_and_stores_nothing(story: Story) -> None:
    """Bad input names every field at fault and stores nothing."""
    client = story.client
    db = story.db
    approver = story.approver
    creator = story.creator
    engineer = story.engineer
    a = story.a
    selection = {"project_id": story.project_id, "statuses": ["approved"]}
    body = {"name": "Payments R1", "approver": approver.username, **selection}
    assert client.post("/api/v1/baselines", json=body, headers=engineer.headers).status_code == 403

    # Bad input names every field at fault and stores nothing.
    bad = client.post(
        "/api/v1/baselines",
        json={
            "name": "X",
            "approver": "nobody",
            "requirement_ids": [a, 987654],
            "statuses": ["approved", "shipped"],
        },
        headers=creator.headers,
    )
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    fields = {e["field"] for e in bad.json()["errors"]}
    assert fields == {"approver", "statuses[1]"}
    bad = client.post(
        "/api/v1/baselines",
        json={"name": "X", "approver": approver.username, "requirement_ids": [a, 987654]},
        headers=creator.headers,
    )
    assert [e["field"] for e in bad.json()["errors"]] == ["requirement_ids[1]"]
    no_rights = client.post(
        "/api/v1/baselines",
        json={"name": "X", "approver": engineer.username, "requirement_ids": [a]},
        headers=creator.headers,
    )
    assert [e["field"] for e in no_rights.json()["errors"]] == ["approver"]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Baseline)) == 0
    story.body = body


def _a_draft_is_signed_by_its_approver_only(story: Story) -> None:
    """A draft is taken, then signed by its approver only; signing makes it final."""
    client = story.client
    approver = story.approver
    creator = story.creator
    engineer = story.engineer
    a, b = story.a, story.b
    body = story.body
    created = client.post("/api/v1/baselines", json=body, headers=creator.headers)
    assert created.status_code == 201, created.text
    first = created.json()
    assert (first["status"], first["item_count"], first["approver"]) == (
        "draft",
        2,
        approver.username,
    )
    assert first["created_by"] == creator.username and first["signature"] is None
    duplicate = client.post("/api/v1/baselines", json=body, headers=creator.headers)
    assert duplicate.status_code == 422 and duplicate.json()["errors"][0]["field"] == "name"

    page = client.get(
        f"/api/v1/baselines/{first['id']}?limit=1&offset=1", headers=engineer.headers
    ).json()
    assert page["items_total"] == 2 and [i["requirement_id"] for i in page["items"]] == [b]
    assert page["items"][0]["links"] == [
        {
            "direction": "in",
            "link_type": "derives",
            "type": "requirement",
            "id": a,
            "state": "valid",
        }
    ]
    unsigned = client.get(f"/api/v1/baselines/{first['id']}/verify", headers=engineer.headers)
    assert unsigned.json()["signed"] is False and unsigned.json()["valid"] is False

    sign = f"/api/v1/baselines/{first['id']}/sign"
    assert client.post(sign, headers=creator.headers).status_code == 403
    assert client.post(sign, headers=engineer.headers).status_code == 403
    signed = client.post(sign, headers=approver.headers)
    assert signed.status_code == 200, signed.text
    assert signed.json()["status"] == "approved" and len(signed.json()["signature"]) == 64
    assert client.post(sign, headers=approver.headers).status_code == 409
    discard = f"/api/v1/baselines/{first['id']}/discard"
    assert client.post(discard, headers=approver.headers).status_code == 409
    verified = client.get(f"/api/v1/baselines/{first['id']}/verify", headers=engineer.headers)
    assert verified.json()["valid"] is True
    assert verified.json()["computed_digest"] == signed.json()["digest"]
    story.first = first


def _diffs_against_now_and_another_baseline(story: Story) -> None:
    """The diff against now and against another baseline."""
    client = story.client
    db = story.db
    approver = story.approver
    creator = story.creator
    engineer = story.engineer
    project_id = story.project_id
    a = story.a
    b = story.b
    first = story.first
    # Nothing changed yet: the diff against now is empty.
    same = client.get(f"/api/v1/baselines/{first['id']}/diff", headers=engineer.headers).json()
    assert same["counts"] == {"added": 0, "removed": 0, "changed": 0, "unchanged": 2}

    # Requirements change behind the baseline: a's title and effort, a new approved one in the
    # project, the link a → b removed.
    with db.session() as session:
        req = session.get(Requirement, a)
        assert req is not None
        req.title, req.effort_days = "Refunds v2", 8
        late = Requirement(title="Payouts", project_id=project_id, status="approved")
        session.add(late)
        session.flush()
        d = late.id
        session.execute(text("DELETE FROM trace_links"))
    now = client.get(
        f"/api/v1/baselines/{first['id']}/diff?against=now", headers=engineer.headers
    ).json()
    assert [x["requirement_id"] for x in now["added"]] == [d]
    assert now["removed"] == []
    changed = {x["requirement_id"]: x for x in now["changed"]}
    assert set(changed) == {a, b}
    assert changed[a]["fields"] == {
        "title": {"before": "Refunds", "after": "Refunds v2"},
        "effort_days": {"before": 5, "after": 8},
    }
    assert changed[a]["links_removed"][0]["id"] == b
    assert changed[b]["fields"] == {} and changed[b]["links_removed"][0]["direction"] == "in"

    # A second baseline, by ids; baseline ↔ baseline.
    second = client.post(
        "/api/v1/baselines",
        json={"name": "Payments R2", "approver": approver.username, "requirement_ids": [a, d]},
        headers=creator.headers,
    ).json()
    assert client.post(
        f"/api/v1/baselines/{second['id']}/sign", headers=approver.headers
    ).is_success
    between = client.get(
        f"/api/v1/baselines/{first['id']}/diff?against={second['id']}", headers=engineer.headers
    ).json()
    assert [x["requirement_id"] for x in between["added"]] == [d]
    assert [x["requirement_id"] for x in between["removed"]] == [b]
    assert [x["requirement_id"] for x in between["changed"]] == [a]
    assert between["changed"][0]["fields"]["title"]["after"] == "Refunds v2"
    for against in ("latest", "999999"):
        wrong = client.get(
            f"/api/v1/baselines/{first['id']}/diff?against={against}", headers=engineer.headers
        )
        assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "against"
    story.d = d
    story.second = second


def _discarded_drafts_holdings_and_lists(story: Story) -> None:
    """A draft discarded by its creator; which baselines hold a requirement; lists."""
    client = story.client
    approver = story.approver
    creator = story.creator
    engineer = story.engineer
    project_id = story.project_id
    a, c = story.a, story.c
    first = story.first
    second = story.second
    # A third, discarded by its creator; which baselines hold a requirement.
    third = client.post(
        "/api/v1/baselines",
        json={"name": "Scratch", "approver": approver.username, "requirement_ids": [c]},
        headers=creator.headers,
    ).json()
    assert (
        client.post(
            f"/api/v1/baselines/{third['id']}/discard", headers=engineer.headers
        ).status_code
        == 403
    )
    gone = client.post(f"/api/v1/baselines/{third['id']}/discard", headers=creator.headers)
    assert gone.json()["status"] == "discarded"
    assert (
        client.post(f"/api/v1/baselines/{third['id']}/sign", headers=approver.headers).status_code
        == 409
    )
    holding = client.get(f"/api/v1/requirements/{a}/baselines", headers=engineer.headers).json()
    assert [(x["id"], x["status"]) for x in holding] == [
        (second["id"], "approved"),
        (first["id"], "approved"),
    ]
    assert (
        client.get("/api/v1/requirements/987654/baselines", headers=engineer.headers).status_code
        == 404
    )

    listed = client.get("/api/v1/baselines?status=approved&sort=name", headers=engineer.headers)
    assert [x["name"] for x in listed.json()["items"]] == ["Payments R1", "Payments R2"]
    by_project = client.get(f"/api/v1/baselines?project_id={project_id}", headers=engineer.headers)
    assert by_project.json()["total"] == 1


def _tampering_is_detected(story: Story) -> None:
    """Tampering with the stored snapshot underneath the application is detected."""
    client = story.client
    db = story.db
    engineer = story.engineer
    b = story.b
    first = story.first
    second = story.second
    # Tampering with the stored snapshot underneath the application is detected.
    with db.session() as session:
        session.execute(
            text("UPDATE requirement_baseline_items SET fields = :f WHERE requirement_id = :r"),
            {"f": '{"title": "forged"}', "r": b},
        )
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity_type == "baseline")
        ).all()
    assert sorted(actions) == ["create", "create", "create", "discard", "sign", "sign"]
    tampered = client.get(f"/api/v1/baselines/{first['id']}/verify", headers=engineer.headers)
    assert tampered.json()["valid"] is False and tampered.json()["digest_matches"] is False
    intact = client.get(f"/api/v1/baselines/{second['id']}/verify", headers=engineer.headers)
    assert intact.json()["valid"] is True


def _baseline_routes() -> dict[str, set[str]]:
    """Every path mentioning baselines (API and pages) with its methods."""
    app = create_app(Settings(database_url="sqlite://", secret_key="walk"))
    found: dict[str, set[str]] = {}
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute) and "baselines" in context.path:
            found.setdefault(context.path, set()).update(context.methods or ())
    return found


def test_no_route_alters_a_baseline(client: TestClient, admin) -> None:  # type: ignore[no-untyped-def]
    allowed_posts = {
        "/api/v1/baselines",
        "/api/v1/baselines/{baseline_id}/sign",
        "/api/v1/baselines/{baseline_id}/discard",
        "/baselines",
        "/baselines/{baseline_id}/sign",
        "/baselines/{baseline_id}/discard",
    }
    routes = _baseline_routes()
    assert {
        "/api/v1/baselines/{baseline_id}",
        "/api/v1/baselines/{baseline_id}/diff",
        "/api/v1/requirements/{requirement_id}/baselines",
        "/baselines/{baseline_id}",
        "/baselines/{baseline_id}/diff",
    } <= set(routes)
    for path, methods in routes.items():
        assert methods <= {"GET", "HEAD", "POST"}, path
        if "POST" in methods:
            assert path in allowed_posts, path
        concrete = path.replace("{baseline_id}", "1").replace("{requirement_id}", "1")
        for method in ("PUT", "PATCH", "DELETE"):
            response = client.request(method, concrete, headers=admin.headers)
            assert response.status_code == 405, (method, concrete)
