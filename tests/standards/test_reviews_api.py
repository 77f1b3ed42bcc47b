"""Architecture reviews over the API: hand-computed checklists, reviewers, the state machine,
decisions and conditions, permissions, and bad input that stores nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from tests.helpers import SYSTEM
from tests.helpers.pages import audit_entries
from tests.helpers.review_world import World, new_service_request, seed_world
from tmse.catalog.models import Service
from tmse.core.links.models import TraceLink
from tmse.core.messages import Message
from tmse.standards.registry.builtin import seed_builtin_standards
from tmse.standards.registry.evaluation import evaluate_services
from tmse.standards.reviews import inputs
from tmse.standards.reviews.models import ArchitectureReview, ReviewReviewer

URL = "/api/v1/reviews"


@pytest.fixture
def world(db, make_account) -> World:  # type: ignore[no-untyped-def]
    return seed_world(db, make_account)


def _request(client, account, body):  # type: ignore[no-untyped-def]
    return client.post(URL, json=body, headers=account.headers)


def _count(db, model) -> int:  # type: ignore[no-untyped-def]
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_frontend_reading_a_data_store_fails_the_skips_layer_item(client, world):
    response = _request(client, world.engineer, new_service_request())
    assert response.status_code == 201, response.text
    review = response.json()
    assert review["status"] == "requested"
    assert review["subject"] == "storefront" and review["service"] is None
    items = {item["key"]: item for item in review["checklist"]}
    assert list(items) == [
        "catalog:owner",
        "catalog:name",
        "catalog:similar-names",
        "layering:data-store:orders-db",
        "layering:service:api-gateway",
        "layering:cycles",
    ]
    store = items["layering:data-store:orders-db"]
    assert store["passed"] is False and store["blocking"] is True
    assert store["severity"] == "error" and store["source"] == "layering"
    assert store["details"] == "skips-layer: frontend → data skips gateway, business"
    gateway = items["layering:service:api-gateway"]
    assert gateway["passed"] and not gateway["blocking"]
    assert gateway["details"] == "frontend → gateway is allowed"
    assert all(items[k]["passed"] for k in ("catalog:owner", "catalog:name", "layering:cycles"))
    assert review["blocking_failures"] == 1
    # Default reviewers: the architects of the owner's department (Platform), not Retail's.
    assert review["reviewers"] == ["ada"]


def test_a_change_that_closes_a_loop_reports_the_cycle_and_the_upward_edge(client, world):
    body = {
        "title": "Payments calls back into the shop",
        "kind": "significant-change",
        "service": "payments",
        "dependencies": [{"target": "web-shop"}],
        "reviewers": ["ada", "grace"],
    }
    review = _request(client, world.engineer, body).json()
    items = {item["key"]: item for item in review["checklist"]}
    assert review["service"] == "payments" and review["reviewers"] == ["ada", "grace"]
    upward = items["layering:service:web-shop"]
    assert upward["blocking"]
    assert upward["details"] == "upward: business must not depend on the higher layer frontend"
    cycles = items["layering:cycles"]
    assert cycles["blocking"]
    assert cycles["details"] == (
        "cycles through payments: api-gateway → orders → payments → web-shop → api-gateway"
    )
    # A change has no name check; its owner is the service's.
    assert "catalog:name" not in items and items["catalog:owner"]["passed"]
    assert review["blocking_failures"] == 2


def test_a_similar_name_warns_without_blocking_and_a_taken_name_blocks(client, world):
    proposal = {"name": "orders-service", "layer": "business", "owner": "Orders"}
    review = _request(client, world.engineer, new_service_request(proposal=proposal)).json()
    items = {item["key"]: item for item in review["checklist"]}
    similar = items["catalog:similar-names"]
    assert similar["passed"] is False and similar["severity"] == "warning"
    assert not similar["blocking"]
    assert similar["details"].startswith("possible duplicates: orders (100%)")
    assert review["blocking_failures"] == 0

    taken = {"name": "payments", "layer": "business", "owner": "Nobody"}
    review = _request(client, world.engineer, new_service_request(proposal=taken)).json()
    items = {item["key"]: item for item in review["checklist"]}
    assert items["catalog:name"]["blocking"] and items["catalog:owner"]["blocking"]
    assert items["catalog:owner"]["details"].startswith("no team named 'Nobody'")
    # An unknown owner has no area: every architect reviews.
    assert review["reviewers"] == ["ada", "grace"]


def test_an_unknown_dependency_target_is_a_blocking_item(client, world):
    proposal = {
        "name": "ledger",
        "layer": "business",
        "owner": "Orders",
        "dependencies": [
            {"target": "ghost", "kind": "service"},
            {"target": "orders-api", "kind": "api"},
        ],
    }
    review = _request(client, world.engineer, new_service_request(proposal=proposal)).json()
    items = {item["key"]: item for item in review["checklist"]}
    assert items["layering:service:ghost"]["blocking"]
    assert items["layering:service:ghost"]["details"] == "no service named 'ghost' in the catalog"
    # An API is judged by its provider's layer: business → business is fine.
    assert items["layering:api:orders-api"]["passed"]


def test_failed_error_rules_of_a_standard_block(client, world, monkeypatch):
    @dataclass(frozen=True)
    class Result:
        standard: str
        standard_version: int
        rule: str
        title: str
        level: str
        severity: str
        passed: bool
        message: str
        fix_hint: str
        location: str | None

        @property
        def finding(self) -> Message:
            return Message(self.message)

        @property
        def hint(self) -> Message:
            return Message(self.fix_hint)

    results = [
        Result("log-format", 2, "json-lines", "Logs are JSON", "bronze", "error", False,
               "3 of 10 lines are not JSON", "log with a JSON encoder", "line 4"),
        Result("log-format", 2, "trace-id", "Trace id present", "silver", "warning", False,
               "no trace_id", "", None),
        Result("ownership", 1, "has-owner", "Has an owner", "bronze", "error", True, "ok", "",
               None),
    ]  # fmt: skip
    monkeypatch.setattr(inputs, "rule_results", lambda session, service_id: results)
    body = {"title": "Orders moves to events", "kind": "significant-change", "service": "orders"}
    review = _request(client, world.engineer, body).json()
    items = {item["key"]: item for item in review["checklist"]}
    failing = items["standard:log-format:json-lines"]
    assert failing["source"] == "log-format@v2" and failing["blocking"]
    assert failing["details"] == "3 of 10 lines are not JSON — log with a JSON encoder (line 4)"
    assert not items["standard:log-format:trace-id"]["blocking"]
    assert items["standard:ownership:has-owner"]["passed"]
    assert review["blocking_failures"] == 1


def test_links_to_the_service_are_made_and_an_adr_can_be_linked(client, world, db, admin):
    adr = client.post(
        "/api/v1/decisions",
        json={"title": "Use events for orders", "status": "accepted"},
        headers=admin.headers,
    )
    assert adr.status_code == 201, adr.text
    number = adr.json()["number"]
    body = {"title": "Orders change", "kind": "significant-change", "service": "orders",
            "adrs": [number]}  # fmt: skip
    review = _request(client, world.engineer, body).json()
    links = {
        (link["ref"].split(":")[0], link["label"], link["link_type"]) for link in review["links"]
    }
    assert ("service", "orders", "reviews") in links
    assert ("adr", "Use events for orders", "references") in links
    bad = client.post(
        f"{URL}/{review['id']}/adrs", json={"number": 999}, headers=world.engineer.headers
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "number"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (new_service_request(reviewers=["ada", "eve"]), "reviewers[1]"),
        (new_service_request(reviewers=["nobody"]), "reviewers[0]"),
        (new_service_request(proposal=None), "proposal"),
        (new_service_request(service="orders"), "service"),
        ({"title": "x change", "kind": "significant-change", "service": "ghost"}, "service"),
        ({"title": "x change", "kind": "significant-change"}, "service"),
        (new_service_request(adrs=[42]), "adrs[0]"),
        (
            new_service_request(
                proposal={
                    "name": "dup",
                    "layer": "business",
                    "owner": "Web",
                    "dependencies": [{"target": "orders"}, {"target": "orders"}],
                }
            ),
            "proposal.dependencies[1].target",
        ),
        (new_service_request(kind="brand-new"), "kind"),
        (
            new_service_request(proposal={"name": "Bad Name", "layer": "frontend", "owner": "Web"}),
            "proposal.name",
        ),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(client, world, db, body, field):
    before = _count(db, ArchitectureReview), len(audit_entries(db, "review", "create"))
    response = _request(client, world.engineer, body)
    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]]
    assert (_count(db, ArchitectureReview), len(audit_entries(db, "review", "create"))) == before
    assert _count(db, ReviewReviewer) == 0 and _count(db, TraceLink) == 0


def test_a_non_architect_reviewer_is_refused_by_name(client, world):
    response = _request(client, world.engineer, new_service_request(reviewers=["ada", "eve"]))
    error = response.json()["errors"][0]
    assert error == {"field": "reviewers[1]", "message": "'eve' is not an active architect"}


def _review(client, world, **overrides):  # type: ignore[no-untyped-def]
    response = _request(client, world.engineer, new_service_request(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


def _decide(client, account, review, **body):  # type: ignore[no-untyped-def]
    payload = {"version": review["version"], **body}
    return client.post(f"{URL}/{review['id']}/decision", json=payload, headers=account.headers)


def test_opinions_move_the_review_in_review_and_only_assigned_reviewers_give_them(client, world):
    review = _review(client, world, reviewers=["ada"])
    outsider = client.post(
        f"{URL}/{review['id']}/opinion",
        json={"opinion": "approve"},
        headers=world.other_architect.headers,
    )
    assert outsider.status_code == 403
    response = client.post(
        f"{URL}/{review['id']}/opinion",
        json={"opinion": "reject", "comment": "Go through the gateway."},
        headers=world.architect.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "in-review"
    assert body["reviewer_opinions"][0]["opinion"] == "reject"
    assert body["reviewer_opinions"][0]["comment"] == "Go through the gateway."


def test_deciding_needs_the_architect_permission_and_an_assignment(client, world):
    review = _review(client, world, reviewers=["ada"])
    assert _decide(client, world.tech_lead, review, status="rejected").status_code == 403
    assert _decide(client, world.engineer, review, status="rejected").status_code == 403
    # An architect who is not assigned cannot decide; the committee may.
    assert _decide(client, world.other_architect, review, status="rejected").status_code == 403
    response = _decide(client, world.committee, review, status="rejected", note="Layering.")
    assert response.status_code == 200
    assert response.json()["decided_by"] == "carl"


def test_approval_with_blocking_failures_needs_conditions_that_address_them(client, world, db):
    review = _review(client, world, reviewers=["ada"])
    plain = _decide(client, world.architect, review, status="approved")
    assert plain.status_code == 422
    error = plain.json()["errors"][0]
    assert error["field"] == "status" and error["items"] == ["layering:data-store:orders-db"]
    assert "layering:data-store:orders-db" in error["message"]

    unaddressed = _decide(
        client, world.architect, review, status="approved-with-conditions",
        conditions=["Add monitoring"],
    )  # fmt: skip
    assert unaddressed.status_code == 422
    assert unaddressed.json()["errors"][0]["items"] == ["layering:data-store:orders-db"]
    empty = _decide(client, world.architect, review, status="approved-with-conditions")
    assert empty.json()["errors"][0]["field"] == "conditions"
    with db.session() as session:
        assert session.get(ArchitectureReview, review["id"]).status == "requested"

    response = _decide(
        client, world.architect, review, status="approved-with-conditions", note="OK if fixed.",
        conditions=[{"text": "Read orders through orders-api",
                     "addresses": ["layering:data-store:orders-db"]}, "Add monitoring"],
    )  # fmt: skip
    assert response.status_code == 200, response.text
    decided = response.json()
    assert decided["status"] == "approved-with-conditions"
    assert [c["text"] for c in decided["conditions"]] == [
        "Read orders through orders-api",
        "Add monitoring",
    ]
    assert decided["conditions"][0]["addresses"] == ["layering:data-store:orders-db"]
    assert len(audit_entries(db, "review", "decide")) == 1


def test_illegal_transitions_are_409_with_the_reason(client, world):
    review = _review(client, world, reviewers=["ada"])
    done = _decide(client, world.architect, review, status="rejected").json()
    again = _decide(client, world.architect, done, status="rejected")
    assert again.status_code == 409
    assert again.json()["detail"] == (
        f"Review {review['id']} is rejected; deciding is only possible while it is requested "
        "or in review."
    )
    withdraw = client.post(
        f"{URL}/{review['id']}/withdraw",
        json={"version": done["version"]},
        headers=world.engineer.headers,
    )
    assert withdraw.status_code == 409
    assert "cannot become withdrawn" in withdraw.json()["detail"]
    refresh = client.post(
        f"{URL}/{review['id']}/checklist/refresh", json={"version": done["version"]},
        headers=world.engineer.headers,
    )  # fmt: skip
    assert refresh.status_code == 409
    tick = client.post(
        f"{URL}/{review['id']}/conditions/0", json={"version": done["version"]},
        headers=world.architect.headers,
    )  # fmt: skip
    assert tick.status_code == 409


def test_a_stale_version_is_409_and_changes_nothing(client, world):
    review = _review(client, world, reviewers=["ada"])
    fresh = client.post(
        f"{URL}/{review['id']}/checklist/refresh", json={"version": review["version"]},
        headers=world.engineer.headers,
    )  # fmt: skip
    assert fresh.status_code == 200
    stale = _decide(client, world.architect, review, status="rejected")
    assert stale.status_code == 409 and stale.json()["type"].endswith("/stale-version")
    assert (
        client.get(f"{URL}/{review['id']}", headers=world.engineer.headers).json()["status"]
        == "requested"
    )


def test_only_the_requester_or_a_decider_withdraws(client, world, make_account):
    review = _review(client, world, reviewers=["ada"])
    stranger = make_account("engineer")
    denied = client.post(
        f"{URL}/{review['id']}/withdraw",
        json={"version": review["version"]},
        headers=stranger.headers,
    )
    assert denied.status_code == 403
    response = client.post(
        f"{URL}/{review['id']}/withdraw", json={"version": review["version"]},
        headers=world.engineer.headers,
    )  # fmt: skip
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    comment = client.post(
        f"{URL}/{review['id']}/comments", json={"body": "late"}, headers=world.engineer.headers
    )
    assert comment.status_code == 409


def test_refresh_picks_up_a_fixed_catalog(client, world, admin):
    body = {"title": "Shop change", "kind": "significant-change", "service": "web-shop"}
    review = _request(client, world.engineer, body).json()
    assert review["blocking_failures"] == 0
    client.post(
        "/api/v1/catalog/dependencies",
        json={"source": "web-shop", "target": "orders"},
        headers=admin.headers,
    )
    refreshed = client.post(
        f"{URL}/{review['id']}/checklist/refresh", json={"version": review["version"]},
        headers=world.engineer.headers,
    ).json()  # fmt: skip
    items = {item["key"]: item for item in refreshed["checklist"]}
    assert items["layering:service:orders"]["details"] == (
        "skips-layer: frontend → business skips gateway"
    )
    assert refreshed["blocking_failures"] == 1


def test_comments_are_kept_in_order_and_audited(client, world, db):
    review = _review(client, world, reviewers=["ada"])
    for account, text in ((world.engineer, "Why not the gateway?"), (world.architect, "Latency.")):
        response = client.post(
            f"{URL}/{review['id']}/comments", json={"body": text}, headers=account.headers
        )
        assert response.status_code == 201
    body = client.get(f"{URL}/{review['id']}", headers=world.engineer.headers).json()
    assert [(c["author"], c["body"]) for c in body["comments"]] == [
        ("eve", "Why not the gateway?"),
        ("ada", "Latency."),
    ]
    assert len(audit_entries(db, "review", "comment")) == 2


def test_the_queue_filters_by_status_kind_and_mine_and_counts_per_status(client, world):
    first = _review(client, world, reviewers=["ada"])
    _review(client, world, reviewers=["grace"])
    change = {"title": "Orders change", "kind": "significant-change", "service": "orders",
              "reviewers": ["grace"]}  # fmt: skip
    assert _request(client, world.architect, change).status_code == 201
    _decide(client, world.architect, first, status="rejected")
    headers = world.architect.headers
    assert client.get(f"{URL}?status=rejected", headers=headers).json()["total"] == 1
    assert client.get(f"{URL}?kind=significant-change", headers=headers).json()["total"] == 1
    assert client.get(f"{URL}?mine=assigned", headers=headers).json()["total"] == 1
    assert client.get(f"{URL}?mine=requested", headers=headers).json()["total"] == 1
    assert client.get(f"{URL}?service=orders", headers=headers).json()["total"] == 1
    counts = client.get(f"{URL}/counts", headers=headers).json()
    assert counts["total"] == 3
    assert counts["by_status"]["requested"] == 2 and counts["by_status"]["rejected"] == 1
    page = client.get(f"{URL}?limit=2", headers=headers).json()
    assert page["total"] == 3 and [r["id"] for r in page["items"]] == [3, 2]


def test_the_stored_layering_rules_are_the_ones_applied(client, world, admin):
    rules = {
        "order": ["frontend", "gateway", "business", "data", "infrastructure"],
        "allow": [["frontend", "data"]],
        "version": 0,
    }
    stored = client.put("/api/v1/catalog/layer-rules", json=rules, headers=admin.headers)
    assert stored.status_code == 200, stored.text
    review = _request(client, world.engineer, new_service_request()).json()
    items = {item["key"]: item for item in review["checklist"]}
    assert items["layering:data-store:orders-db"]["passed"]
    assert items["layering:data-store:orders-db"]["details"] == "frontend → data is allowed"
    assert review["blocking_failures"] == 0


def test_every_current_rule_result_of_the_service_is_an_item(client, world, db):
    with db.session() as session:
        seed_builtin_standards(session, SYSTEM)
    body = {"title": "Orders change", "kind": "significant-change", "service": "orders"}
    review = _request(client, world.engineer, body).json()
    with db.session() as session:
        orders_id = session.scalar(select(Service.id).where(Service.name == "orders"))
        results = evaluate_services(session, [orders_id])[orders_id]
    assert results, "the built-in standards have rules in force"
    items = {item["key"]: item for item in review["checklist"]}
    for result in results:
        item = items[f"standard:{result.standard}:{result.rule}"]
        assert item["source"] == f"{result.standard}@v{result.standard_version}"
        assert item["passed"] == result.passed
        assert item["blocking"] == (not result.passed and result.severity == "error")
    blocking = sum(1 for r in results if not r.passed and r.severity == "error")
    assert blocking > 0  # a bare catalog entry has no repository, description, ...
    assert review["blocking_failures"] == blocking


def test_consuming_an_api_counts_as_depending_on_its_provider_for_cycles(client, world):
    body = {
        "title": "Payments reads orders",
        "kind": "significant-change",
        "service": "payments",
        "dependencies": [{"target": "orders-api", "kind": "api"}],
    }
    review = _request(client, world.engineer, body).json()
    items = {item["key"]: item for item in review["checklist"]}
    assert items["layering:api:orders-api"]["passed"]  # business → business (its provider)
    assert (
        items["layering:cycles"]["details"] == "cycles through payments: orders → payments → orders"
    )
