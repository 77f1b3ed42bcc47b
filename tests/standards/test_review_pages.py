"""The review pages: queue with counts and filters, the request form, a review's page with its
checklist, opinions, decision and conditions — in English and Chinese."""

from __future__ import annotations

import re

import pytest

from tests.helpers import login
from tests.helpers.pages import post_form
from tests.helpers.review_world import World, new_service_request, seed_world
from tmse.standards.reviews.models import ArchitectureReview


@pytest.fixture
def world(db, make_account) -> World:  # type: ignore[no-untyped-def]
    return seed_world(db, make_account)


def _request(client, world, **overrides):  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/reviews", json=new_service_request(**overrides), headers=world.engineer.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_empty_queue_invites_a_first_request(client, world):
    login(client, "eve")
    page = client.get("/reviews")
    assert page.status_code == 200
    assert "No architecture reviews yet" in page.text
    assert 'href="/reviews/new"' in page.text
    assert 'data-nav="reviews"' in page.text


def test_queue_counts_per_status_and_filters(client, world):
    first = _request(client, world, reviewers=["ada"])
    _request(client, world, reviewers=["grace"])
    client.post(
        f"/api/v1/reviews/{first['id']}/decision",
        json={"version": first["version"], "status": "rejected"},
        headers=world.architect.headers,
    )
    login(client, "ada")
    page = client.get("/reviews").text
    assert re.search(r'data-count="requested">1<', page)
    assert re.search(r'data-count="rejected">1<', page)
    assert page.count("data-review-id=") == 2
    rejected = client.get("/reviews?status=rejected").text
    assert rejected.count("data-review-id=") == 1 and f'data-review-id="{first["id"]}"' in rejected
    mine = client.get("/reviews?mine=assigned").text
    assert mine.count("data-review-id=") == 1
    none = client.get("/reviews?mine=requested").text
    assert "No reviews match these filters" in none


def test_requesting_through_the_form_stores_the_review_and_its_checklist(client, world, db):
    login(client, "eve")
    assert client.get("/reviews/new").status_code == 200
    response = post_form(
        client,
        "/reviews",
        {
            "title": "Storefront",
            "kind": "new-service",
            "name": "storefront",
            "layer": "frontend",
            "owner": "Web",
            "dependencies": "orders-db data-store sql\napi-gateway",
            "reviewers": "ada",
        },
    )
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    page = client.get(location).text
    assert 'data-item="layering:data-store:orders-db" class="table-danger"' in page
    assert 'data-result="blocking"' in page
    assert "1 blocking item fails" in page
    assert 'data-reviewer="ada"' in page


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"dependencies": "orders-db database"}, "dependencies"),
        ({"name": "Not A Name"}, "name"),
        ({"title": ""}, "title"),
        ({"adrs": "three"}, "adrs"),
    ],
)
def test_form_errors_are_marked_and_nothing_is_stored(client, world, db, fields, field):
    login(client, "eve")
    data = {"title": "Storefront", "kind": "new-service", "name": "storefront",
            "layer": "frontend", "owner": "Web", **fields}  # fmt: skip
    response = post_form(client, "/reviews", data)
    assert response.status_code == 422
    assert f'data-field-error="{field}"' in response.text
    with db.session() as session:
        assert session.query(ArchitectureReview).count() == 0


def test_a_non_architect_reviewer_is_shown_at_the_reviewers_field(client, world, db):
    login(client, "eve")
    data = {"title": "Storefront", "kind": "new-service", "name": "storefront",
            "layer": "frontend", "owner": "Web", "reviewers": "eve"}  # fmt: skip
    response = post_form(client, "/reviews", data)
    assert response.status_code == 422
    assert "Reviewers must hold the architect role." in response.text
    assert 'data-field-error="reviewers"' in response.text


def test_opinion_decision_with_conditions_and_ticking_them(client, world):
    review = _request(client, world, reviewers=["ada"])
    login(client, "ada")
    page = client.get(f"/reviews/{review['id']}").text
    assert 'id="decision-form"' in page and 'id="opinion-form"' in page
    assert (
        post_form(
            client, f"/reviews/{review['id']}/opinion", {"opinion": "approve-with-conditions"}
        ).status_code
        == 303
    )
    # Approving while a blocking item fails is refused, with the reason on the page.
    refused = post_form(
        client,
        f"/reviews/{review['id']}/decision",
        {"version": review["version"] + 1, "status": "approved"},
    )
    assert refused.status_code == 422
    assert "Blocking checklist items fail" in refused.text
    decided = post_form(
        client,
        f"/reviews/{review['id']}/decision",
        {
            "version": review["version"] + 1,
            "status": "approved-with-conditions",
            "condition:layering:data-store:orders-db": "Read orders through orders-api",
            "conditions": "Dashboards before launch",
        },
    )
    assert decided.status_code == 303, decided.text
    page = client.get(f"/reviews/{review['id']}").text
    assert page.count('data-done="0"') == 2
    assert 'data-gate="blocked"' in page
    version = int(re.search(r'name="version" value="(\d+)"', page).group(1))
    for index in (0, 1):
        ticked = post_form(
            client, f"/reviews/{review['id']}/conditions/{index}", {"version": version, "done": "1"}
        )
        assert ticked.status_code == 303
        version += 1
    page = client.get(f"/reviews/{review['id']}").text
    assert page.count('data-done="1"') == 2 and 'data-gate="passed"' in page


def test_the_requester_sees_no_decision_form_and_comments(client, world):
    review = _request(client, world, reviewers=["ada"])
    login(client, "eve")
    page = client.get(f"/reviews/{review['id']}").text
    assert 'id="decision-form"' not in page and 'id="opinion-form"' not in page
    assert (
        post_form(client, f"/reviews/{review['id']}/comments", {"body": "Any news?"}).status_code
        == 303
    )
    assert "Any news?" in client.get(f"/reviews/{review['id']}").text
    assert (
        post_form(client, f"/reviews/{review['id']}/decision", {"status": "approved"}).status_code
        == 403
    )


def test_pages_in_chinese(client, world):
    review = _request(client, world, reviewers=["ada"])
    login(client, "ada")
    client.cookies.set("tmse_locale", "zh_CN")
    queue = client.get("/reviews", headers={"accept-language": "zh-CN"}).text
    assert "架构评审" in queue
    page = client.get(f"/reviews/{review['id']}", headers={"accept-language": "zh-CN"}).text
    assert "检查清单" in page and "阻断" in page
    # The generated checklist reads in Chinese too, whoever's request produced it.
    assert "不产生依赖环" in page and "Creates no dependency cycle" not in page


def test_an_architect_not_assigned_may_not_decide_but_the_committee_may(client, world):
    review = _request(client, world, reviewers=["ada"])
    login(client, "grace")
    page = client.get(f"/reviews/{review['id']}").text
    assert 'id="decision-form"' not in page and 'id="opinion-form"' not in page
    refused = post_form(
        client,
        f"/reviews/{review['id']}/decision",
        {"version": review["version"], "status": "rejected", "note": "no"},
    )
    assert refused.status_code == 403
    login(client, "carl")
    assert 'id="decision-form"' in client.get(f"/reviews/{review['id']}").text


def test_unknown_review_is_a_404_page(client, world):
    login(client, "eve")
    response = client.get("/reviews/999")
    assert response.status_code == 404 and "This review does not exist." in response.text
