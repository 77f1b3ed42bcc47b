"""The architecture stage gate: the latest review of a service (or of its proposal) decides."""

from __future__ import annotations

import pytest

from tests.helpers import SYSTEM
from tests.helpers.review_world import World, new_service_request, seed_world
from tmse.catalog import service as catalog
from tmse.catalog.schemas import ServiceCreate
from tmse.standards.reviews.gate import architecture_gate

URL = "/api/v1/reviews"


@pytest.fixture
def world(db, make_account) -> World:  # type: ignore[no-untyped-def]
    return seed_world(db, make_account)


def _request(client, world, body):  # type: ignore[no-untyped-def]
    response = client.post(URL, json=body, headers=world.engineer.headers)
    assert response.status_code == 201, response.text
    return response.json()


def _decide(client, world, review, **body):  # type: ignore[no-untyped-def]
    response = client.post(
        f"{URL}/{review['id']}/decision",
        json={"version": review["version"], **body},
        headers=world.architect.headers,
    )
    assert response.status_code == 200, response.text
    return response.json()


def _gate(client, world, name):  # type: ignore[no-untyped-def]
    response = client.get(f"{URL}/gate/{name}", headers=world.engineer.headers)
    assert response.status_code == 200
    return response.json()


def test_no_review_means_the_gate_is_closed(client, world):
    gate = _gate(client, world, "orders")
    assert gate == {
        "service": "orders",
        "passed": False,
        "review_id": None,
        "status": None,
        "open_conditions": [],
        "reason": "'orders' has no architecture review",
    }


def test_an_approved_proposal_opens_the_gate_for_the_service_built_from_it(client, world, db):
    proposal = {"name": "loyalty", "layer": "business", "owner": "Orders"}
    review = _request(client, world, new_service_request(proposal=proposal, reviewers=["ada"]))
    assert _gate(client, world, "loyalty")["status"] == "requested"
    _decide(client, world, review, status="approved")
    with db.session() as session:
        catalog.create_service(
            session, SYSTEM, ServiceCreate(name="loyalty", layer="business", owner="Orders")
        )
    with db.session() as session:
        result = architecture_gate(session, "loyalty")
    assert result.passed and result.review_id == review["id"] and result.status == "approved"


def test_conditions_keep_the_gate_closed_until_all_are_done(client, world):
    review = _request(client, world, new_service_request(reviewers=["ada"]))
    decided = _decide(
        client,
        world,
        review,
        status="approved-with-conditions",
        conditions=[
            {"text": "Read through orders-api", "addresses": ["layering:data-store:orders-db"]},
            "Dashboards first",
        ],
    )
    gate = _gate(client, world, "storefront")
    assert not gate["passed"]
    assert gate["open_conditions"] == ["Read through orders-api", "Dashboards first"]
    assert gate["reason"] == f"review {review['id']} approved with 2 open condition(s)"
    ticked = client.post(
        f"{URL}/{review['id']}/conditions/1",
        json={"version": decided["version"]},
        headers=world.architect.headers,
    ).json()
    assert ticked["conditions"][1]["done"] and ticked["conditions"][1]["done_by"] == "ada"
    assert _gate(client, world, "storefront")["open_conditions"] == ["Read through orders-api"]
    # A requester cannot tick conditions: that is the architects' confirmation.
    denied = client.post(
        f"{URL}/{review['id']}/conditions/0",
        json={"version": ticked["version"]},
        headers=world.engineer.headers,
    )
    assert denied.status_code == 403
    missing = client.post(
        f"{URL}/{review['id']}/conditions/5",
        json={"version": ticked["version"]},
        headers=world.architect.headers,
    )
    assert missing.status_code == 404
    client.post(
        f"{URL}/{review['id']}/conditions/0",
        json={"version": ticked["version"]},
        headers=world.architect.headers,
    )
    gate = _gate(client, world, "storefront")
    assert gate["passed"] and gate["open_conditions"] == []


def test_the_latest_review_decides_and_withdrawn_ones_do_not_count(client, world):
    change = {"title": "Orders change", "kind": "significant-change", "service": "orders",
              "reviewers": ["ada"]}  # fmt: skip
    first = _request(client, world, change)
    _decide(client, world, first, status="approved")
    assert _gate(client, world, "orders")["passed"]
    second = _request(client, world, change)
    gate = _gate(client, world, "orders")
    assert not gate["passed"] and gate["review_id"] == second["id"]
    assert gate["reason"] == f"review {second['id']} is still requested"
    client.post(
        f"{URL}/{second['id']}/withdraw",
        json={"version": second["version"]},
        headers=world.engineer.headers,
    )
    assert _gate(client, world, "orders")["review_id"] == first["id"]
    third = _request(client, world, change)
    _decide(client, world, third, status="rejected")
    gate = _gate(client, world, "orders")
    assert not gate["passed"] and gate["reason"] == f"review {third['id']} was rejected"
