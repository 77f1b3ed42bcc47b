"""The audit page: who may see it, filters, the writes-per-day chart and chain verification."""

from __future__ import annotations

import ast
import datetime as dt
import html
import json
import re
from pathlib import Path

from sqlalchemy import select, update

from tests.helpers import SYSTEM, login
from tests.helpers.pages import post_form, seed_org
from tmse.core import audit
from tmse.core.audit import AuditEntry
from tmse.core.audit.activity import writes_per_day
from tmse.core.identity import service
from tmse.core.identity.schemas import TeamCreate
from tmse.requirements.workflow import Action
from tmse.web.labels import ACTION_LABELS

TMSE = Path(__file__).resolve().parents[2] / "tmse"


def _chart(page_html: str, element_id: str) -> dict:
    match = re.search(rf'id="{element_id}"[^>]*data-chart=\'([^\']*)\'', page_html)
    assert match, f"no chart {element_id}"
    return json.loads(html.unescape(match.group(1)))


def test_viewers_get_no_audit_page_and_no_nav_entry(client, make_account):
    viewer = make_account("viewer")
    login(client, viewer.username)
    assert 'data-nav="audit"' not in client.get("/").text
    refused = client.get("/audit")
    assert refused.status_code == 403
    assert "audit:read" in refused.text
    assert post_form(client, "/audit/verify", {}).status_code == 403


def _row(page_html: str, entry_id: int) -> str:
    return page_html.split(f'data-entry-id="{entry_id}"')[1].split("</tr>")[0]


def _last_entry(db, entity_type: str, entity_id: int) -> AuditEntry:
    with db.session() as session:
        return session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == str(entity_id))
            .order_by(AuditEntry.id.desc())
        ).first()


def test_committee_sees_entries_with_before_and_after(client, db, make_account):
    ids = seed_org(db)
    chair = make_account("committee", username="chair")
    login(client, "chair")
    assert client.get("/").text.count('data-nav="audit"') == 1
    post_form(client, "/language", {"locale": "zh_CN"})
    post_form(client, "/language", {"locale": "en"})  # an update: zh_CN -> en

    page = client.get("/audit")

    assert page.status_code == 200
    created = _row(page.text, _last_entry(db, "team", ids["gateway"]).id)
    assert 'data-action="create"' in created and "Created" in created
    assert f'href="/teams/{ids["gateway"]}"' in created and "API Gateway" in created
    switched = _row(page.text, _last_entry(db, "user", chair.id).id)
    assert "Updated" in switched and "chair" in switched
    assert (
        '<span class="tmse-change-before"><code>zh_CN</code></span> → '
        '<span class="tmse-change-after"><code>en</code></span>'
    ) in switched


def test_filters_by_actor_entity_action_and_dates(client, db, make_account):
    ids = seed_org(db)
    make_account("committee", username="chair")
    login(client, "chair")

    by_actor = client.get("/audit", params={"actor": "test"})
    assert (
        "Showing 1 to" in by_actor.text
        and "Signed in" not in by_actor.text.split('id="audit-table"')[1]
    )
    by_entity = client.get("/audit", params={"entity": f"team:{ids['build']}"})
    assert "Showing 1 to 1 of 1" in by_entity.text
    by_action = client.get("/audit", params={"action": "login"})
    assert "Showing 1 to 1 of 1" in by_action.text
    today = dt.datetime.now(dt.UTC).date()
    same_day = client.get(
        "/audit", params={"since": today.isoformat(), "until": today.isoformat(), "entity": "team"}
    )
    assert "Showing 1 to 4 of 4" in same_day.text
    future = client.get("/audit", params={"since": (today + dt.timedelta(days=1)).isoformat()})
    assert "No entries match these filters" in future.text
    bad = client.get("/audit", params={"since": "31/12/2025"})
    assert bad.status_code == 200
    assert 'data-field-error="since">Enter a date as YYYY-MM-DD.' in bad.text


def test_pagination_of_the_log(client, db, make_account):
    with db.session() as session:
        for n in range(55):
            service.create_team(session, SYSTEM, TeamCreate(name=f"T{n}"))
    make_account("admin", username="boss")
    login(client, "boss")
    page = client.get("/audit", params={"entity": "team"})
    assert "Showing 1 to 50 of 55" in page.text
    assert page.text.split('id="audit-table"')[1].count("data-entry-id=") == 50


def test_chart_counts_todays_writes_from_the_database(client, db, make_account):
    seed_org(db)  # four team creations
    make_account("committee", username="chair")  # one user creation, one token creation
    login(client, "chair")  # a sign-in: an access, not a write

    chart = _chart(client.get("/audit").text, "chart-audit-activity")

    data = chart["series"][0]["data"]
    assert len(data) == 30 and len(chart["xAxis"]["data"]) == 30
    assert data[-1] == 6 and sum(data) == 6
    assert chart["xAxis"]["data"][-1] == dt.datetime.now(dt.UTC).strftime("%m-%d")


def test_writes_per_day_buckets_by_utc_day_and_fills_gaps(db):
    with db.session() as session:
        entries = [
            audit.record(session, SYSTEM, action, "team", n)
            for n, action in enumerate(["create", "update", "update", "login", "create"])
        ]
        moments = [
            dt.datetime(2025, 3, 1, 0, 0, 0, tzinfo=dt.UTC),
            dt.datetime(2025, 3, 1, 23, 59, 59, tzinfo=dt.UTC),
            # 01:30 in Shanghai on 3 March is still 2 March in UTC.
            dt.datetime(2025, 3, 3, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))),
            dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC),  # a login: not counted
            dt.datetime(2025, 2, 1, 9, 0, tzinfo=dt.UTC),  # before the window
        ]
        for entry, moment in zip(entries, moments, strict=True):
            session.execute(update(AuditEntry).where(AuditEntry.id == entry.id).values(at=moment))
    with db.session(write=False) as session:
        series = writes_per_day(session, days=4, now=dt.datetime(2025, 3, 4, 12, tzinfo=dt.UTC))
    assert series == [
        (dt.date(2025, 3, 1), 2),
        (dt.date(2025, 3, 2), 1),
        (dt.date(2025, 3, 3), 0),
        (dt.date(2025, 3, 4), 0),
    ]


def test_verify_chain_reports_intact_then_the_first_bad_entry(client, db, make_account):
    seed_org(db)
    make_account("committee", username="chair")
    login(client, "chair")

    intact = client.post(
        "/audit/verify",
        headers={"HX-Request": "true", "X-CSRF-Token": client.cookies.get("tmse_csrf", "")},
    )
    assert intact.status_code == 200
    assert 'data-intact="true"' in intact.text and "The chain is intact" in intact.text
    assert "<html" not in intact.text  # htmx gets just the fragment

    with db.session() as session:
        session.execute(
            update(AuditEntry)
            .where(AuditEntry.id == 2)
            .values(changes={"name": {"before": None, "after": "Forged"}})
        )
    broken = post_form(client, "/audit/verify", {})  # without htmx: the whole page
    assert broken.status_code == 200
    assert 'data-intact="false"' in broken.text
    assert "First bad entry: #2" in broken.text
    assert 'id="audit-table"' in broken.text


def _actions_written_in_code() -> dict[str, str]:
    """Every constant action passed to audit.record / record_many's Change, with where."""
    found: dict[str, str] = {}
    for path in sorted(TMSE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else ""
            name = name or (node.func.id if isinstance(node.func, ast.Name) else "")
            position = {"record": 2, "Change": 0, "_record": 2}.get(name)
            if position is None or len(node.args) <= position:
                continue
            action = node.args[position]
            if isinstance(action, ast.Constant) and isinstance(action.value, str):
                found.setdefault(action.value, f"{path.relative_to(TMSE.parent)}:{node.lineno}")
    return found


def test_every_audit_action_written_anywhere_has_a_label():
    written = _actions_written_in_code() | {str(a): "workflow.Action" for a in Action}
    assert {"create", "login", "revoke", "sign", "approve"} <= set(written)  # the scan works
    unlabelled = {a: where for a, where in written.items() if a not in ACTION_LABELS}
    assert not unlabelled, f"audit actions without a label in tmse/web/labels.py: {unlabelled}"


def test_a_chinese_reader_sees_actions_in_chinese(client, db, make_account):
    seed_org(db)
    make_account("committee", username="chair")
    login(client, "chair")
    with db.session() as session:
        audit.record(session, SYSTEM, "approve", "requirement", 1)
        audit.record(session, SYSTEM, "from-a-newer-module", "requirement", 1)
    post_form(client, "/language", {"locale": "zh_CN"})

    table = client.get("/audit").text.split('id="audit-table"')[1]

    assert 'data-action="create">创建<' in table
    assert 'data-action="approve">批准<' in table
    # An action this version has no label for shows as the code it is stored as.
    assert 'data-action="from-a-newer-module">from-a-newer-module<' in table
    assert ">Created<" not in table and ">Approved<" not in table
