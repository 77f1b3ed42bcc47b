"""A requirement completed through the API reaches delivery by `requirement.status_changed`: its
iteration item records when, and leaving done clears it again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from tmse.core.db import utcnow
from tmse.core.events import DomainEvent, subscribe, unsubscribe
from tmse.delivery.models import IterationItem
from tmse.requirements.models import Requirement
from tmse.requirements.status_events import STATUS_CHANGED, set_status

API = "/api/v1/delivery"


def _completed_at(db, requirement_id):  # type: ignore[no-untyped-def]
    with db.session() as session:
        return session.scalar(
            select(IterationItem.completed_at).where(IterationItem.requirement_id == requirement_id)
        )


def test_completion_through_the_api_lands_in_the_iteration_item(client, db, make_account):  # type: ignore[no-untyped-def]
    pm = make_account("product_manager")
    engineer = make_account("engineer")
    today, day = utcnow().date(), dt.timedelta(days=1)
    project = client.post(
        f"{API}/projects",
        json={"key": "EVT", "name": "Events", "owner_id": pm.id},
        headers=pm.headers,
    ).json()
    phase = client.post(
        f"{API}/projects/{project['id']}/phases",
        json={
            "name": "Build",
            "kind": "iterative",
            "start_on": str(today - 5 * day),
            "end_on": str(today + 20 * day),
        },
        headers=pm.headers,
    ).json()
    sprint = client.post(
        f"{API}/phases/{phase['id']}/iterations",
        json={"name": "Sprint 1", "start_on": str(today - 5 * day), "end_on": str(today + 5 * day)},
        headers=pm.headers,
    ).json()
    with db.session() as session:
        requirement = Requirement(
            title="Card vault",
            project_id=project["id"],
            moscow="must",
            effort_days=Decimal("3"),
            status="approved",
            custom={},
        )
        session.add(requirement)
        session.flush()
        rid = requirement.id
    added = client.post(
        f"{API}/iterations/{sprint['id']}/items", json={"requirement_id": rid}, headers=pm.headers
    )
    assert added.status_code == 201, added.text

    heard: list[DomainEvent] = []

    def probe(_session, event):  # type: ignore[no-untyped-def]
        heard.append(event)

    subscribe(STATUS_CHANGED, probe)
    try:
        for action, version in (("start", 1), ("complete", 2)):
            moved = client.post(
                f"/api/v1/requirements/{rid}/transitions",
                json={"action": action, "version": version},
                headers=engineer.headers,
            )
            assert moved.status_code == 200, moved.text
    finally:
        unsubscribe(STATUS_CHANGED, probe)

    assert [(e.payload["old_status"], e.payload["new_status"]) for e in heard] == [
        ("approved", "in-progress"),
        ("in-progress", "done"),
    ]
    assert {e.payload["requirement_id"] for e in heard} == {rid}
    completed = _completed_at(db, rid)
    assert completed is not None
    assert completed.date() == heard[-1].payload["at"].date()
    detail = client.get(f"{API}/iterations/{sprint['id']}", headers=pm.headers).json()
    assert [(i["requirement_id"], i["completed"]) for i in detail["items"]] == [(rid, True)]
    assert detail["velocity"]["completed_effort"] == 3.0

    # Leaving done (here by the service, as no API action leaves it) clears the record.
    with db.session() as session:
        set_status(session, session.get(Requirement, rid), "in-progress")
    assert _completed_at(db, rid) is None
