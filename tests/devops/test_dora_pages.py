"""The DORA pages: the dashboard's tiles, trends and definitions, and the drill-down lists, in
both languages, empty when there is nothing, readable by a viewer, hostile names escaped."""

from __future__ import annotations

import pytest

from tests.helpers import login
from tests.helpers.devops import deliver, deployment, incident, services
from tests.helpers.dora_world import RANGE, build

QUERY = "?service=pay&from=2026-03-02&to=2026-03-15"


@pytest.fixture
def browser(client, admin):
    build(client, admin)
    login(client, "admin")
    return client


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.text
    return response.text


def test_dashboard_shows_the_four_figures(browser):
    text = page(browser, "/devops/dora" + QUERY)
    # As /api/v1/dora computes them for pay: 1 deploy day a week (high); lead time median
    # 120 min (elite; "120 min" is two hours, shown "2 h"); 3 of 4 failed (75 %, low); restores
    # 30 30 90 180 → median 60 min (elite), 1 still open.
    assert 'data-metric="deployment_frequency"' in text and 'data-tier="high"' in text
    assert ">2 h<" in text
    assert ">75 %<" in text and 'data-tier="low"' in text
    assert ">60 min<" in text
    assert 'id="chart-trend-lead-time"' not in text  # the charts carry their own ids
    assert 'id="trend-lead-time"' in text and 'id="trend-restore"' in text
    assert "Definitions in force" in text and "<code>production</code>, <code>prod</code>" in text
    assert (
        'href="/devops/dora/changes?service=pay&amp;from=2026-03-02&amp;to=2026-03-15&amp;"' in text
    )
    assert 'data-nav="dora"' in text


def test_a_figure_that_cannot_be_computed_says_why(browser):
    text = page(browser, "/devops/dora?service=ledger&from=2026-04-01&to=2026-04-30")
    assert "No production deployments from 2026-04-01 to 2026-04-30" in text
    assert 'data-tier="none"' in text and 'id="dora-empty"' in text


def test_chinese_pages(browser):
    browser.cookies.set("tmse_locale", "zh_CN")
    text = page(browser, "/devops/dora" + QUERY + "&bucket=month")
    assert "变更失败率" in text and "当前生效的定义" in text and ">75 %<" in text
    assert "DORA 指标" in text
    incidents = page(browser, "/devops/dora/incidents" + QUERY)
    assert "指向部署 ghost-deploy，但该部署未被上报" in incidents
    assert "此前 24 小时内 pay 没有成功的生产部署" in incidents


def test_drill_down_pages_list_the_records(browser):
    deployments = page(browser, "/devops/dora/deployments" + QUERY + "&failed=true")
    assert 'data-deployment="d4"' in deployments and 'data-deployment="d1"' not in deployments
    assert "Incident i2 opened within the window after it." in deployments
    assert "Incident i1 names it." in deployments and "Its result is failure." in deployments
    changes = page(browser, "/devops/dora/changes" + QUERY + "&sort=lead_time&limit=2")
    assert changes.index('data-minutes="60.0"') < changes.index("Showing 1 to 2 of 5")
    incidents = page(browser, "/devops/dora/incidents" + QUERY + "&linked=false")
    assert 'data-incident="i3"' in incidents and 'data-incident="i1"' not in incidents
    assert "names deployment ghost-deploy, which was not delivered" in incidents
    # A hand-edited sort falls back to the default order.
    assert 'data-sha="' in page(browser, "/devops/dora/changes" + QUERY + "&sort=nonsense")


def test_empty_states_and_bad_fields(client, admin):
    login(client, "admin")
    text = page(client, "/devops/dora?from=2026-03-02&to=2026-03-15")
    assert 'id="dora-empty"' in text
    for path in ("deployments", "changes", "incidents"):
        assert 'class="empty"' in page(client, f"/devops/dora/{path}?from=2026-03-02")
    wrong = page(client, "/devops/dora?from=2026-03-20&to=2026-03-01")
    assert 'data-field-error="from"' in wrong and 'id="dora-tiles"' not in wrong
    assert 'data-field-error="to"' in page(client, "/devops/dora?to=2026-02-30")
    assert 'data-field-error="service"' in page(client, "/devops/dora/changes?service=ghost")


def test_a_viewer_reads_and_a_stranger_signs_in(client, admin, make_account):
    build(client, admin)
    assert client.get("/devops/dora", follow_redirects=False).status_code == 303
    make_account("viewer", username="vera")
    login(client, "vera")
    assert 'data-metric="lead_time"' in page(client, "/devops/dora" + QUERY)
    assert 'data-incident="i5"' in page(client, "/devops/dora/incidents" + QUERY)


def test_hostile_names_are_escaped(client, admin):
    """Service names are slugs; team names, deployment and incident ids and the deployment an
    incident names come from people and outside tools."""
    hostile = "<script>alert('x')</script>\"q"
    services(client, admin, "pay", team=hostile)
    body = deployment(hostile, "2026-03-03T10:00:00Z", environment="production")
    assert deliver(client, admin, "deployments", body).status_code == 201
    named = incident("x1", "2026-03-04T10:00:00Z", deployment_id=hostile + "-gone")
    named["severity"] = hostile
    assert deliver(client, admin, "incidents", named).status_code == 201
    login(client, "admin")
    for path in ("", "/deployments", "/changes", "/incidents"):
        response = client.get(f"/devops/dora{path}", params=RANGE | {"team": hostile})
        assert response.status_code == 200, response.text
        assert "<script>alert" not in response.text
        assert "&lt;script&gt;alert(" in response.text
