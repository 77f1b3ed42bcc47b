"""The canary report page in both languages: stages, the score chart and per-metric evidence."""

from __future__ import annotations

import json
import re

from tests.helpers import login
from tests.helpers.canary import API, BASELINE, DOUBLED, ERRORS, judged, metric, setup


def chart_option(html: str) -> dict:
    found = re.search(r"id=\"chart-canary-scores\"[^>]*data-chart='([^']*)'", html, re.S)
    assert found, "no score chart"
    return json.loads(found.group(1).replace("&#34;", '"').replace("&quot;", '"'))


def test_a_run_page_shows_each_stage_and_its_evidence(client, admin):
    run = setup(client, admin, metric("latency", critical=True), metric("errors"))
    login(client, "admin")
    empty = client.get(f"/devops/canary/{run['id']}")
    assert empty.status_code == 200 and 'id="canary-empty"' in empty.text
    judged(client, admin, run["id"], {"latency": (BASELINE, BASELINE), "errors": (ERRORS, ERRORS)})
    judged(
        client,
        admin,
        run["id"],
        {"latency": (BASELINE, DOUBLED), "errors": (ERRORS, ERRORS)},
        traffic=50,
    )
    client.post(
        f"{API}/runs/{run['id']}/decision", json={"decision": "roll back"}, headers=admin.headers
    )
    page = client.get(f"/devops/canary/{run['id']}")
    assert page.status_code == 200
    text = page.text
    assert 'data-stage="1"' in text and 'data-stage="2"' in text
    assert "Stage 2: 50% of traffic for 30 minutes" in text
    assert "Score 0: critical metric latency is High" in text
    assert 'data-testid="decision">roll back' in text
    option = chart_option(text)
    # Stage 1 scored 100 (both Pass), stage 2 was forced to 0 by the critical latency.
    assert option["xAxis"]["data"] == ["1 · 10%", "2 · 50%"]
    assert [bar["value"] for bar in option["series"][0]["data"]] == [100.0, 0.0]
    assert [line["yAxis"] for line in option["series"][0]["markLine"]["data"]] == [75.0, 50.0]
    client.cookies.set("tmse_locale", "zh_CN")
    chinese = client.get(f"/devops/canary/{run['id']}").text
    assert "阶段 2：50% 流量，持续 30 分钟" in chinese
    assert "得分 0：关键指标 latency 的判定为 偏高" in chinese
    assert 'data-testid="decision">回滚' in chinese


def test_an_unknown_run_is_not_found(client, admin):
    login(client, "admin")
    for path in ("/devops/canary/999", "/devops/canary/x", "/devops/canary/99999999999"):
        assert client.get(path).status_code == 404, path


def test_the_runs_page_lists_runs_by_service(client, admin):
    run = setup(client, admin)
    judged(client, admin, run["id"], {"latency": (BASELINE, BASELINE), "errors": (ERRORS, ERRORS)})
    login(client, "admin")
    page = client.get("/devops/canary")
    assert page.status_code == 200
    assert f'href="/devops/canary/{run["id"]}"' in page.text
    assert 'id="canary-runs-empty"' not in page.text
    assert 'href="/devops/canary"' in page.text  # in the navigation
    unknown = client.get("/devops/canary", params={"service": "nope"})
    assert "is-invalid" in unknown.text and 'id="canary-runs-empty"' in unknown.text
    client.cookies.set("tmse_locale", "zh_CN")
    chinese = client.get("/devops/canary", params={"service": "pay"}).text
    assert "金丝雀分析" in chinese and f'data-run="{run["id"]}"' in chinese
