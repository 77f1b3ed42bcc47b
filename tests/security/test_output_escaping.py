"""Escaping per output context: JSON in data attributes, Markdown, and user-supplied links."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import update

from tests.helpers import SYSTEM, login
from tests.helpers.html_audit import script_problems
from tests.helpers.pages import post_form
from tmse.catalog.backstage.service import import_backstage
from tmse.catalog.models import Service
from tmse.core.safe_url import is_safe_link, url_scheme
from tmse.standards.registry.markdown_text import render_markdown
from tmse.web.templating import environment

HOSTILE = 'x\'"<>&\\"</script>'


def test_jsondata_escapes_every_character_that_could_leave_the_attribute():
    value = {"name": HOSTILE, "nested": [HOSTILE, "ends in a backslash \\"], "n": 1}
    text = str(environment.from_string("{{ value | jsondata }}").render(value=value))
    assert not set("'<>&") & set(text)
    assert "\\u0027" in text and "\\u0022" in text and "\\u003c" in text and "\\u0026" in text
    # Only JSON's own quotes remain, and JSON.parse (here json.loads) reads the value back.
    assert json.loads(text) == value
    page = environment.from_string("<div data-chart='{{ value | jsondata }}'></div>")
    assert script_problems(page.render(value={"a": "' onmouseover='alert(1)"})) == []


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " \tjava\nscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
    ],
)
def test_script_links_are_refused_at_input_naming_the_field(client, admin, link):
    client.post("/api/v1/teams", json={"name": "payments"}, headers=admin.headers)
    response = client.post(
        "/api/v1/catalog/services",
        json={"name": "orders", "layer": "business", "owner": "payments", "repository": link},
        headers=admin.headers,
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["repository"]
    fact = client.post(
        "/api/v1/standards/facts",
        json={"service": "orders", "kind": "coverage", "value": {"percent": 1}, "source": link},
        headers=admin.headers,
    )
    assert fact.status_code == 422
    assert "source" in [e["field"] for e in fact.json()["errors"]]


def test_ordinary_repository_addresses_are_kept(client, admin):
    client.post("/api/v1/teams", json={"name": "payments"}, headers=admin.headers)
    for index, link in enumerate(
        ("https://git.example/a", "git@github.com:acme/orders.git", "ssh://git@host/x", "")
    ):
        response = client.post(
            "/api/v1/catalog/services",
            json={
                "name": f"s{index}",
                "layer": "business",
                "owner": "payments",
                "repository": link,
            },
            headers=admin.headers,
        )
        assert response.status_code == 201, response.text


def test_the_service_form_names_a_refused_link_in_the_readers_language(client, admin):
    client.post("/api/v1/teams", json={"name": "payments"}, headers=admin.headers)
    login(client, admin.username)
    data = {"name": "orders", "layer": "business", "owner": "payments"}
    refused = post_form(client, "/catalog/services", data | {"repository": "javascript:alert(1)"})
    assert refused.status_code == 422
    errors = dict(re.findall(r'data-field-error="(\w+)">([^<]+)<', refused.text))
    assert list(errors) == ["repository"]
    assert "javascript:" in errors["repository"]
    assert script_problems(refused.text) == []


def test_a_stored_script_link_is_never_a_live_link(client, admin, db):
    """A value that reached the database another way (an old import, a restore) stays text."""
    client.post("/api/v1/teams", json={"name": "payments"}, headers=admin.headers)
    body = {"name": "orders", "layer": "business", "owner": "payments"}
    assert client.post("/api/v1/catalog/services", json=body, headers=admin.headers).is_success
    with db.session() as session:
        session.execute(update(Service).values(repository="javascript:alert(1)"))
    login(client, admin.username)
    page = client.get("/catalog/services/orders").text
    assert "javascript:alert(1)" in page
    assert script_problems(page) == []


@pytest.mark.parametrize(
    "markdown",
    [
        "[x](javascript:alert(1))",
        "[x](java\tscript:alert(1))",
        "<javascript:alert(1)>",
        "![x](data:image/svg+xml;base64,PHN2Zz4=)",
        "[x](data:text/html,<script>alert(1)</script>)",
        "<img src=x onerror=alert(1)>",
        "<script>alert(1)</script>",
    ],
)
def test_markdown_never_writes_live_script(markdown):
    html = str(render_markdown(markdown))
    assert script_problems(html) == []
    assert "<img" not in html and "<script" not in html


def test_markdown_keeps_ordinary_links():
    html = str(
        render_markdown("[docs](https://tmse.example/a) [here](/standards) [m](mailto:a@b.c)")
    )
    assert html.count("<a href=") == 3


def test_url_scheme_reads_as_a_browser_does():
    assert url_scheme("\x01 JAVA\tSCRIPT:x") == "javascript"
    assert url_scheme("git@github.com:acme/x.git") is None
    assert url_scheme("/relative:path") is None
    assert not is_safe_link("data:text/html,x")
    assert is_safe_link("https://a.example") and is_safe_link("/catalog")


def test_a_backstage_import_refuses_a_script_repository_link(db):
    groups = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: core}\n"
    groups += "spec: {type: team, children: []}\n"
    component = """apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: orders
  annotations: {tmse.io/repository: "javascript:alert(1)"}
spec: {type: service, lifecycle: production, owner: core}
"""
    with db.session() as session:
        report = import_backstage(session, SYSTEM, {"g.yaml": groups, "c.yaml": component})
    assert [e["field"] for e in report.errors] == ["metadata.annotations.tmse.io/repository"]
    assert "javascript:" in report.errors[0]["message"]
    with db.session(write=False) as session:
        assert session.query(Service).count() == 0
