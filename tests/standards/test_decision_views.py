"""Decision pages: the ADR list with status filter and paging, a record with its sections and
linked services, and the create/edit forms with their errors."""

from __future__ import annotations

import re

from tests.helpers import login
from tests.helpers.pages import audit_entries, post_form


def _decision(client, admin, **body):
    response = client.post("/api/v1/decisions", json=body, headers=admin.headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_list_shows_numbers_titles_status_badges_and_filters(client, admin, make_account):
    _decision(client, admin, title="Use PostgreSQL", status="accepted", date="2026-01-05")
    _decision(client, admin, title="Adopt gRPC internally", status="proposed")
    _decision(client, admin, title="Use MongoDB", status="superseded")
    viewer = make_account("viewer")
    login(client, viewer.username)

    page = client.get("/decisions")

    assert page.status_code == 200
    assert re.findall(r'<tr data-adr="(\d+)"', page.text) == ["3", "2", "1"]  # newest first
    first = page.text.split('data-adr="1"')[1].split("</tr>")[0]
    assert "Use PostgreSQL" in first and 'data-status="accepted"' in first
    assert "2026-01-05" in first
    assert 'id="new-decision"' not in page.text

    accepted = client.get("/decisions", params={"status": "accepted"})
    assert re.findall(r'<tr data-adr="(\d+)"', accepted.text) == ["1"]
    by_title = client.get("/decisions", params={"q": "use"})
    assert "Showing 1 to 2 of 2" in by_title.text
    none = client.get("/decisions", params={"q": "kafka"})
    assert "No decisions match these filters" in none.text
    ascending = client.get("/decisions", params={"sort": "number"})
    assert re.findall(r'<tr data-adr="(\d+)"', ascending.text) == ["1", "2", "3"]


def test_list_pages_and_empty_state(client, admin):
    login(client, "admin")
    empty = client.get("/decisions")
    assert "No decision records yet" in empty.text and "Record the first decision" in empty.text
    for n in range(55):
        _decision(client, admin, title=f"Decision {n}")
    second = client.get("/decisions", params={"offset": 50})
    assert "Showing 51 to 55 of 55" in second.text
    assert second.text.count("<tr data-adr=") == 5


def test_record_page_shows_sections_as_text_and_linked_services(client, admin):
    client.post("/api/v1/teams", json={"name": "Core"}, headers=admin.headers)
    client.post(
        "/api/v1/catalog/services",
        json={"name": "events", "layer": "infrastructure", "owner": "Core"},
        headers=admin.headers,
    )
    _decision(
        client,
        admin,
        title="Use Kafka",
        status="accepted",
        context="We need *ordered* events.\n\n- one\n- two <script>alert(1)</script>",
        decision="We will use Kafka.",
    )
    login(client, "admin")

    page = client.get("/decisions/1").text

    context = page.split('id="section-context"')[1].split("</pre>")[0]
    assert "We need *ordered* events.\n\n- one" in context  # kept as written, line breaks too
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in context
    assert "Not written yet." in page.split('id="section-consequences"')[1]
    assert 'data-empty="services"' in page

    linked = post_form(client, "/decisions/1/services", {"service": "events"})
    assert linked.status_code == 303
    page = client.get("/decisions/1").text
    assert 'data-service="events"' in page.split('id="linked-services"')[1]
    # The service's page shows the record back.
    assert 'data-adr="1"' in client.get("/catalog/services/events").text

    again = post_form(client, "/decisions/1/services", {"service": "events"})
    assert again.status_code == 409 and "This service is already linked." in again.text
    unknown = post_form(client, "/decisions/1/services", {"service": "nope"})
    assert unknown.status_code == 422 and "No service has this name." in unknown.text


def test_create_decision_through_the_form(client, db, make_account):
    architect = make_account("architect")
    login(client, architect.username)
    assert 'id="decision-form"' in client.get("/decisions/new").text

    created = post_form(
        client,
        "/decisions",
        {
            "title": "Use PostgreSQL",
            "status": "accepted",
            "date": "2026-03-01",
            "context": "Line one\r\nLine two",
            "decision": "We will.",
            "consequences": "",
        },
    )

    assert created.status_code == 303 and created.headers["location"] == "/decisions/1?saved=1"
    page = client.get("/decisions/1").text
    assert "Use PostgreSQL" in page and "2026-03-01" in page
    assert "Line one\nLine two" in page
    assert [e.actor_name for e in audit_entries(db, "decision", "create")] == [architect.username]


def test_bad_decision_input_stores_nothing(client, admin):
    login(client, "admin")
    bad = post_form(client, "/decisions", {"title": "", "status": "maybe", "date": "tomorrow"})
    assert bad.status_code == 422
    errors = dict(re.findall(r'data-field-error="(\w+)">([^<]+)<', bad.text))
    assert errors == {
        "title": "This field is required.",
        "status": "Choose one of the offered values.",
        "date": "Enter a date as YYYY-MM-DD.",
    }
    assert client.get("/api/v1/decisions", headers=admin.headers).json()["total"] == 0


def test_edit_decision_and_stale_version(client, admin):
    _decision(client, admin, title="Use Redis")
    login(client, "admin")
    form = client.get("/decisions/1/edit").text
    version = re.search(r'name="version" value="(\d+)"', form).group(1)

    saved = post_form(
        client,
        "/decisions/1/edit",
        {"title": "Use Redis for sessions", "status": "accepted", "version": version},
    )
    assert saved.status_code == 303
    record = client.get("/api/v1/decisions/1", headers=admin.headers).json()
    assert (record["title"], record["status"]) == ("Use Redis for sessions", "accepted")

    stale = post_form(
        client,
        "/decisions/1/edit",
        {"title": "Older edit", "status": "rejected", "version": version},
    )
    assert stale.status_code == 409
    assert "Someone else saved a change while you were editing" in stale.text
    assert client.get("/api/v1/decisions/1", headers=admin.headers).json()["status"] == "accepted"


def test_viewer_gets_403_on_decision_forms(client, admin, make_account):
    _decision(client, admin, title="Use Redis")
    viewer = make_account("viewer")
    login(client, viewer.username)
    assert client.get("/decisions/new").status_code == 403
    assert client.get("/decisions/1/edit").status_code == 403
    assert post_form(client, "/decisions", {"title": "x"}).status_code == 403
    assert post_form(client, "/decisions/1/services", {"service": "x"}).status_code == 403
    page = client.get("/decisions/1").text
    assert 'id="edit-decision"' not in page and 'id="link-service-form"' not in page


def test_unknown_record_and_chinese_page(client, admin):
    _decision(client, admin, title="Use Redis", status="proposed")
    login(client, "admin")
    assert client.get("/decisions/9").status_code == 404
    client.cookies.set("tmse_locale", "zh_CN")
    page = client.get("/decisions").text
    assert '<h2 class="page-title">架构决策' in page and "提议中" in page
