"""Scorecard pages in both languages: list, one service, heat map, campaigns, levels, forms."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.helpers import login
from tests.helpers.scorecards import seed


def today() -> dt.date:
    """Today as the server sees it, read when asked: a run may cross midnight."""
    return dt.datetime.now(dt.UTC).date()


@pytest.fixture
def browser_client(client, admin, db):
    seed(client, admin, db)
    login(client, "admin")
    return client


def csrf(client) -> str:
    return client.cookies.get("tmse_csrf", "")


def test_pages_render_empty_then_scored(browser_client):
    client = browser_client
    before = client.get("/scorecards")
    assert before.status_code == 200 and 'id="no-snapshot"' in before.text
    assert client.get("/scorecards/heatmap").text.count('id="chart-heatmap"') == 0
    taken = client.post(
        "/scorecards/snapshots", data={"csrf_token": csrf(client)}, follow_redirects=False
    )
    assert taken.status_code == 303
    page = client.get("/scorecards?sort=-score")
    assert 'id="chart-levels"' in page.text
    assert page.text.index('data-service="svc-a"') < page.text.index('data-service="svc-c"')
    filtered = client.get("/scorecards?team=Beta&standard=docs")
    assert 'data-service="svc-c"' in filtered.text and 'data-service="svc-a"' not in filtered.text
    assert 'data-testid="standard-column"' in filtered.text
    card = client.get("/scorecards/svc-c")
    assert card.status_code == 200
    assert (
        'data-blocking="docs/described"' in card.text
        and "Write what the service does." in card.text
    )
    panel = client.get("/scorecards/svc-c/panel")
    assert 'id="scorecard-panel"' in panel.text and 'data-level="bronze"' in panel.text
    heat = client.get("/scorecards/heatmap")
    assert 'data-rate="83.3"' in heat.text and 'id="chart-heatmap"' in heat.text
    assert client.get("/scorecards/nope").status_code == 404


def test_chinese_pages(browser_client):
    client = browser_client
    client.post("/scorecards/snapshots", data={"csrf_token": csrf(client)})
    client.cookies.set("tmse_locale", "zh_CN")
    for path, text in (
        ("/scorecards", "评分卡"),
        ("/scorecards/svc-b", "阻碍"),
        ("/scorecards/heatmap", "热力图"),
        ("/scorecards/campaigns", "专项行动"),
        ("/scorecards/levels", "等级"),
        ("/scorecards/campaigns/new", "目标等级"),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert text in response.text, path


def test_campaign_form_creates_shows_and_rejects_bad_input(browser_client, db):
    client = browser_client
    client.post("/scorecards/snapshots", data={"csrf_token": csrf(client)})
    bad = client.post(
        "/scorecards/campaigns",
        data={
            "csrf_token": csrf(client),
            "name": "",
            "target_level": "gold",
            "due_on": "",
            "layer": "middleware",
        },
    )
    assert bad.status_code == 422
    assert 'data-field-error="name"' in bad.text and 'data-field-error="due_on"' in bad.text
    assert 'data-field-error="layer"' in bad.text
    made = client.post(
        "/scorecards/campaigns",
        data={
            "csrf_token": csrf(client),
            "name": "Gold for all",
            "target_level": "gold",
            "due_on": str(today() + dt.timedelta(days=20)),
        },
        follow_redirects=False,
    )
    assert made.status_code == 303
    page = client.get(made.headers["location"])
    assert 'data-lagging="svc-c"' in page.text and 'data-lagging="svc-b"' in page.text
    assert 'id="chart-burn-up"' in page.text and 'data-status="on-track"' in page.text
    again = client.post(
        "/scorecards/campaigns",
        data={
            "csrf_token": csrf(client),
            "name": "Gold for all",
            "target_level": "gold",
            "due_on": str(today()),
        },
    )
    assert again.status_code == 409 and 'data-field-error="name"' in again.text
    listed = client.get("/scorecards/campaigns")
    assert "Gold for all" in listed.text


def test_level_forms(browser_client):
    client = browser_client
    assert 'data-level-row="gold"' in client.get("/scorecards/levels").text
    created = client.post(
        "/scorecards/levels",
        data={
            "csrf_token": csrf(client),
            "key": "platinum",
            "name": "Platinum",
            "rank": "4",
            "color": "#5f7a8a",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    clash = client.post(
        "/scorecards/levels",
        data={"csrf_token": csrf(client), "key": "diamond", "name": "Diamond", "rank": "4"},
    )
    assert clash.status_code == 409 and 'data-field-error="rank"' in clash.text
    edit = client.get("/scorecards/levels/silver/edit")
    assert 'name="version" value="1"' in edit.text
    saved = client.post(
        "/scorecards/levels/silver/edit",
        data={
            "csrf_token": csrf(client),
            "name": "Argent",
            "rank": "2",
            "color": "",
            "version": "1",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert "Argent" in client.get("/scorecards/levels").text


def test_viewer_cannot_use_the_forms(client, make_account):
    make_account("viewer", username="vera")
    login(client, "vera")
    assert client.get("/scorecards").status_code == 200
    assert client.get("/scorecards/campaigns/new").status_code == 403
    posted = client.post("/scorecards/snapshots", data={"csrf_token": csrf(client)})
    assert posted.status_code == 403
