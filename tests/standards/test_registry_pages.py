"""Standards pages: the registry, creating and publishing through forms, a standard's page
(safe Markdown, rules with failing services, diff) and the rule results, in en and zh-CN."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from tests.helpers import SYSTEM, login
from tests.helpers.pages import post_form
from tmse.catalog.schemas import ServiceCreate
from tmse.catalog.service import create_service
from tmse.core.identity import service as identity
from tmse.core.identity.schemas import TeamCreate
from tmse.standards.registry.models import StandardVersion

RULES = [
    {"key": "described", "check": "description", "params": {"min_length": 20},
     "severity": "warning", "level": "bronze", "title": "Described", "fix_hint": "describe it"},
]  # fmt: skip
BODY = "# Docs\n\nWrite **docs**.\n\n<script>alert('x')</script>\n"


def _services(db) -> None:  # type: ignore[no-untyped-def]
    with db.session() as session:
        identity.create_team(session, SYSTEM, TeamCreate(name="payments"))
        for name, description in (("orders", "Takes and tracks orders"), ("billing", "Bills")):
            create_service(
                session,
                SYSTEM,
                ServiceCreate(name=name, layer="business", owner="payments",
                              description=description),
            )  # fmt: skip


def test_architect_creates_publishes_and_reads_a_standard(client, db, make_account):
    _services(db)
    architect = make_account("architect")
    login(client, architect.username)
    empty = client.get("/standards")
    assert "No standards yet" in empty.text and 'id="seed-standards"' in empty.text
    created = post_form(
        client, "/standards", {"key": "docs", "name": "Documentation", "category": "ownership"}
    )
    assert created.status_code == 303
    assert created.headers["location"] == "/standards/docs/publish?created=1"
    form = client.get(created.headers["location"])
    assert 'id="created-note"' in form.text and 'id="rule-kinds"' in form.text
    # Broken JSON, then a bad threshold: each shown, nothing published.
    broken = post_form(client, "/standards/docs/publish", {"version": "1", "rules": "[{"})
    assert broken.status_code == 422 and "Not valid JSON" in broken.text
    bad_rules = [{**RULES[0], "params": {"min_length": 0}}]
    bad = post_form(
        client, "/standards/docs/publish", {"version": "1", "rules": json.dumps(bad_rules)}
    )
    assert bad.status_code == 422
    assert 'data-field="rules[0].params.min_length"' in bad.text
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(StandardVersion)) == 0
    published = post_form(
        client,
        "/standards/docs/publish",
        {"version": "1", "body": BODY, "rules": json.dumps(RULES), "change_note": "first"},
    )
    assert published.status_code == 303
    page = client.get("/standards/docs")
    assert "<h1>Docs</h1>" in page.text and "<strong>docs</strong>" in page.text
    assert "<script>alert" not in page.text and "&lt;script&gt;" in page.text
    rule_row = page.text.split('data-rule="described"')[1].split("</tr>")[0]
    # orders' description has 23 characters (passes), billing's 5 (fails).
    assert "data-passing>1<" in rule_row and "data-failing>1<" in rule_row
    assert 'href="/catalog/services/billing"' in rule_row
    listing = client.get("/standards")
    row = listing.text.split('data-standard="docs"')[1].split("</tr>")[0]
    assert 'data-pass-rate="50.0"' in row and "v1" in row
    # A second version: the page compares it with the first.
    second = [*RULES, {"key": "owned", "check": "owner", "level": "bronze"}]
    post_form(
        client,
        "/standards/docs/publish",
        {"version": "2", "body": BODY, "rules": json.dumps(second)},
    )
    compared = client.get("/standards/docs")
    assert 'data-diff="added"' in compared.text and "The text did not change." in compared.text
    old = client.get("/standards/docs?version=1")
    assert 'id="old-version-note"' in old.text


def test_results_page_shows_failures_with_fix_hints(client, db, make_account):
    _services(db)
    architect = make_account("architect")
    login(client, architect.username)
    post_form(
        client, "/standards", {"key": "docs", "name": "Documentation", "category": "ownership"}
    )
    post_form(client, "/standards/docs/publish", {"version": "1", "rules": json.dumps(RULES)})
    failing = client.get("/standards/results")
    assert 'data-service="billing"' in failing.text and 'data-service="orders"' not in failing.text
    assert "describe it" in failing.text and "service:description" in failing.text
    everything = client.get("/standards/results", params={"outcome": "all"})
    assert 'data-service="orders"' in everything.text
    nothing = client.get("/standards/results", params={"service_name": "nope"})
    assert "No results match these filters" in nothing.text


def test_viewers_read_but_cannot_write(client, db, make_account):
    viewer = make_account("viewer")
    login(client, viewer.username)
    assert client.get("/standards").status_code == 200
    assert 'id="new-standard"' not in client.get("/standards").text
    assert client.get("/standards/new").status_code == 403
    denied = post_form(client, "/standards", {"key": "x", "name": "X", "category": "custom"})
    assert denied.status_code == 403
    assert post_form(client, "/standards/seed", {}).status_code == 403
    assert client.get("/standards/nope").status_code == 404


def test_seed_button_and_chinese_page(client, db, admin):
    login(client, "admin")
    assert post_form(client, "/standards/seed", {}).status_code == 303
    post_form(client, "/language", {"locale": "zh_CN", "next": "/standards"})
    page = client.get("/standards")
    assert "标准库" in page.text and "安全策略" in page.text and "接口命名" in page.text
    detail = client.get("/standards/security-policy")
    # The shipped text reads in Chinese while unchanged: name, body, rule titles and hints.
    assert "版本历史" in detail.text and "<h1>安全策略</h1>" in detail.text
    assert "代码仓库中没有密钥" in detail.text and "Security policy" not in detail.text


def test_a_shipped_standard_reworded_by_the_organisation_reads_as_written(client, db, admin):
    login(client, "admin")
    assert post_form(client, "/standards/seed", {}).status_code == 303
    standard = client.get("/api/v1/standards/registry/quality", headers=admin.headers).json()
    body = "# Qualität\n\nUnsere eigene Fassung."
    rule = {"key": "coverage", "check": "coverage", "params": {"threshold": 70}}
    rule |= {"level": "bronze", "severity": "error", "title": "Coverage at least 70% here"}
    published = client.post(
        "/api/v1/standards/registry/quality/versions",
        json={"version": standard["version"], "body": body, "rules": [rule], "change_note": "ours"},
        headers=admin.headers,
    )
    assert published.status_code == 201, published.text
    post_form(client, "/language", {"locale": "zh_CN", "next": "/standards"})
    detail = client.get("/standards/quality").text
    assert "<h1>Qualität</h1>" in detail and "Coverage at least 70% here" in detail
    assert "覆盖率至少 80%" not in detail
