"""/api/v1/canary: configurations, runs judged stage by stage with hand-built samples, the
decision that closes a run, and the deployments a rolled-back canary marks as failed."""

from __future__ import annotations

from sqlalchemy import select

from tests.helpers.canary import (
    API,
    BASELINE,
    DOUBLED,
    ERRORS,
    config,
    decide,
    fields,
    judged,
    metric,
    setup,
    stage,
    start,
)
from tests.helpers.devops import deliver, deployment, services
from tmse.core.actor import Actor
from tmse.core.identity.service import set_locale
from tmse.devops.canary.queries import rolled_back_deployment_ids
from tmse.devops.models import Deployment

# The request field of a stage's length: a datum of the stage, not a timing of the test.
STAGE_LENGTH_FIELD = "duration_minutes"


def test_identical_samples_pass_with_100_and_promote(client, admin):
    run = setup(client, admin)
    assert (run["status"], run["recommendation"], run["stages"]) == ("running", None, [])
    got = judged(
        client, admin, run["id"], {"latency": (BASELINE, BASELINE), "errors": (ERRORS, ERRORS)}
    )
    # Both metrics Pass (same values) → the one group scores 2/2 = 100 ≥ 75.
    assert (got["score"], got["verdict"], got["recommendation"]) == (100.0, "Pass", "promote")
    stage_shape = (got["index"], got["traffic_percent"], got["duration_minutes"])
    assert stage_shape == (1, 10.0, 30)  # the stage as declared: a datum, not a timing
    latency = got["metrics"][0]
    assert latency["classification"] == "Pass"
    assert latency["reason"]["text"] == "Pass: canary and baseline hold the same values"
    assert (latency["baseline_size"], latency["canary_size"]) == (20, 20)
    assert (latency["baseline_mean"], latency["canary_mean"], latency["effect_ratio"]) == (
        109.5,
        109.5,
        1.0,
    )
    assert got["groups"] == [
        {"name": "default", "weight": 1.0, "passes": 2, "counted": 2, "metrics": 2, "score": 100.0}
    ]
    assert got["reason"]["message"] == {
        "id": "Score of {groups} weighted groups",
        "params": {"groups": 1},
    }
    shown = client.get(f"{API}/runs/{run['id']}", headers=admin.headers).json()
    assert (shown["status"], shown["recommendation"]) == ("running", "promote")
    assert [s["score"] for s in shown["stages"]] == [100.0]


def test_a_critical_metric_twice_the_baseline_scores_0_and_rolls_back(client, admin):
    run = setup(
        client, admin, metric("latency", direction="increase", critical=True), metric("errors")
    )
    got = judged(
        client, admin, run["id"], {"latency": (BASELINE, DOUBLED), "errors": (ERRORS, ERRORS)}
    )
    latency = got["metrics"][0]
    # Every canary value is 100..119 above its baseline partner: the whole interval of the shift
    # lies far above 0.25 x the shift, and the mean ratio 219 / 109.5 = 2 ≥ the allowed 1.
    assert latency["classification"] == "High"
    assert latency["low"] > 0.25 * latency["estimate"] > 0
    assert (latency["baseline_mean"], latency["canary_mean"], latency["effect_ratio"]) == (
        109.5,
        219.0,
        2.0,
    )
    assert latency["reason"]["message"]["id"].startswith("High: canary above baseline by")
    # A critical metric failing forces the score to 0, whatever the other group did.
    assert (got["score"], got["verdict"], got["recommendation"]) == (0.0, "Fail", "roll back")
    assert got["reason"]["text"] == "Score 0: critical metric latency is High"


def test_a_rise_in_a_direction_of_no_concern_passes(client, admin):
    run = setup(client, admin, metric("throughput", direction="decrease", critical=True))
    got = judged(client, admin, run["id"], {"throughput": (BASELINE, DOUBLED)})
    assert got["metrics"][0]["reason"]["message"]["id"] == (
        "Pass: canary above baseline by {shift}, a direction of no concern"
    )
    assert (got["score"], got["recommendation"]) == (100.0, "promote")


def test_one_of_two_metrics_high_holds(client, admin):
    run = setup(client, admin)
    got = judged(
        client, admin, run["id"], {"latency": (BASELINE, DOUBLED), "errors": (ERRORS, ERRORS)}
    )
    # One group, 1 pass of 2 counted = 50: below 75, at the marginal threshold 50.
    assert (got["score"], got["verdict"], got["recommendation"]) == (50.0, "Marginal", "hold")


def test_group_weights_weigh_the_score(client, admin):
    run = setup(
        client,
        admin,
        metric("latency", group="speed"),
        metric("errors", group="faults"),
        group_weights={"speed": 3, "faults": 1},
    )
    got = judged(
        client, admin, run["id"], {"latency": (BASELINE, DOUBLED), "errors": (ERRORS, ERRORS)}
    )
    # speed 0 (its one metric High) x 3/4 + faults 100 x 1/4 = 25 < 50 → Fail, roll back.
    assert (got["score"], got["verdict"], got["recommendation"]) == (25.0, "Fail", "roll back")
    assert [(g["name"], g["weight"], g["score"]) for g in got["groups"]] == [
        ("speed", 0.75, 0.0),
        ("faults", 0.25, 100.0),
    ]
    assert got["reason"]["text"] == "Score of 2 weighted groups"


def test_a_metric_without_samples_has_no_data_and_does_not_count(client, admin):
    run = setup(client, admin, metric("latency"), metric("errors"), metric("cpu"))
    got = judged(
        client, admin, run["id"], {"latency": (BASELINE, BASELINE), "errors": (ERRORS, [])}
    )
    # errors and cpu have no data: 2 of 3 metrics, at least half, so the score is forced to 0.
    assert (got["score"], got["verdict"]) == (0.0, "Fail")
    assert got["reason"]["text"] == "Score 0: 2 of 3 metrics have no data"
    reasons = {m["name"]: m["reason"]["text"] for m in got["metrics"]}
    assert reasons["errors"] == "No data: the canary sample is empty"
    assert reasons["cpu"] == "No data: the baseline and canary sample is empty"
    again = judged(
        client, admin, run["id"], {"latency": (BASELINE, BASELINE), "errors": (ERRORS, ERRORS)}
    )
    # cpu alone has no data (1 of 3 < half) and is not counted: 2 passes of 2 counted = 100.
    assert (again["index"], again["score"], again["recommendation"]) == (2, 100.0, "promote")


def test_reasons_in_the_reader_language(client, admin, db):
    run = setup(client, admin, metric("latency", critical=True), metric("cpu"))
    with db.session() as session:
        set_locale(session, Actor(user_id=admin.id, username=admin.username), "zh_CN")
    got = judged(client, admin, run["id"], {"latency": (BASELINE, DOUBLED), "cpu": (BASELINE, [])})
    assert got["reason"]["text"] == "得分 0：关键指标 latency 的判定为 偏高"
    assert got["reason"]["message"]["id"] == "Score 0: critical metric {metric} is {classification}"
    assert got["metrics"][1]["reason"]["text"] == "无数据：金丝雀样本为空"


def test_the_decision_closes_the_run(client, admin):
    run = setup(client, admin)
    assert decide(client, admin, run["id"], "promote").status_code == 409  # nothing judged yet
    judged(client, admin, run["id"], {"latency": (BASELINE, BASELINE), "errors": (ERRORS, ERRORS)})
    promoted = decide(client, admin, run["id"], "promote")
    assert promoted.status_code == 200
    got = promoted.json()
    assert (got["status"], got["decision"], got["rolled_back"]) == ("passed", "promote", False)
    assert got["decided_by"] == "admin"
    assert decide(client, admin, run["id"], "promote").json()["decided_at"] == got["decided_at"]
    assert decide(client, admin, run["id"], "roll back").status_code == 409
    late = stage(client, admin, run["id"], {"latency": (BASELINE, BASELINE)})
    assert late.status_code == 409
    assert decide(client, admin, 999, "promote").status_code == 404


def test_a_rolled_back_canary_marks_its_deployment_failed(client, admin, db):
    services(client, admin, "pay")
    for external_id in ("d1", "d2"):
        body = deployment(external_id, "2026-03-02T10:00:00Z")
        assert deliver(client, admin, "deployments", body).status_code == 201
    assert config(client, admin).status_code == 201
    bad = start(client, admin, deployment_id="d1")
    good = start(client, admin, deployment_id="d2")
    assert bad["deployment_source"] == "generic"
    judged(client, admin, bad["id"], {"latency": (BASELINE, DOUBLED), "errors": (ERRORS, ERRORS)})
    judged(client, admin, good["id"], {"latency": (BASELINE, BASELINE), "errors": (ERRORS, ERRORS)})
    with db.session() as session:
        assert list(session.scalars(rolled_back_deployment_ids())) == []  # nothing decided yet
    rolled = decide(client, admin, bad["id"], "roll back").json()
    assert (rolled["status"], rolled["rolled_back"]) == ("marginal", True)  # last verdict
    assert decide(client, admin, good["id"], "promote").status_code == 200
    with db.session() as session:
        d1 = session.scalar(select(Deployment.id).where(Deployment.external_id == "d1"))
        assert list(session.scalars(rolled_back_deployment_ids())) == [d1]


def test_a_stage_sent_again_is_the_same_stage(client, admin):
    run = setup(client, admin)
    samples = {"latency": (BASELINE, DOUBLED), "errors": (ERRORS, ERRORS)}
    first = judged(client, admin, run["id"], samples, index=1)
    retry = stage(client, admin, run["id"], samples, index=1)
    assert (retry.status_code, retry.json()) == (200, first)
    other = stage(client, admin, run["id"], {"latency": (BASELINE, BASELINE)}, index=1)
    assert other.status_code == 409
    assert fields(stage(client, admin, run["id"], samples, index=3)) == ["index"]
    shown = client.get(f"{API}/runs/{run['id']}", headers=admin.headers).json()
    assert [s["index"] for s in shown["stages"]] == [1]


def test_configurations_are_named_once(client, admin):
    created = config(client, admin, "web", metric("latency"), tolerance=0.3)
    assert created.status_code == 201
    assert config(client, admin, "web", metric("latency"), tolerance=0.3).json() == created.json()
    assert config(client, admin, "web", metric("latency"), tolerance=0.3).status_code == 200
    assert config(client, admin, "web", metric("latency"), tolerance=0.4).status_code == 409
    listed = client.get(f"{API}/configs", headers=admin.headers).json()
    assert [(c["name"], c["tolerance"]) for c in listed] == [("web", 0.3)]
    one = client.get(f"{API}/configs/web", headers=admin.headers).json()
    assert one["metrics"][0]["direction"] == "either"
    assert client.get(f"{API}/configs/nope", headers=admin.headers).status_code == 404


def test_a_bad_configuration_names_its_field(client, admin):
    assert fields(config(client, admin, "a", metric("x", group="g"), group_weights={"h": 1})) == [
        "group_weights.h"
    ]
    assert fields(config(client, admin, "a", metric("x"), metric("x"))) == ["metrics.1.name"]
    assert fields(config(client, admin, "a", metric("x"), pass_threshold=40)) == [
        "marginal_threshold"
    ]
    assert fields(config(client, admin, "a", metric("x", allowed_increase=0.5))) == [
        "metrics.0.allowed_increase"
    ]
    assert fields(config(client, admin, "a", metric("x", direction="up"))) == [
        "metrics.0.direction"
    ]
    assert fields(config(client, admin, "a", metric("x"), confidence=1)) == ["confidence"]
    assert config(client, admin, "a").status_code == 201  # the defaults are valid
    zero = config(client, admin, "b", metric("x", group="g"), group_weights={"g": 0})
    assert fields(zero) == ["group_weights"]
    assert zero.json()["errors"][0]["message"] == "must have a positive total"
    assert client.get(f"{API}/configs", headers=admin.headers).json()[0]["name"] == "a"


def test_bad_samples_are_refused_naming_the_field(client, admin):
    run = setup(client, admin)
    url = f"{API}/runs/{run['id']}/stages"

    def raw(text: str):
        headers = admin.headers | {"Content-Type": "application/json"}
        return client.post(url, content=text, headers=headers)

    head = '{"traffic_percent": 10, "duration_minutes": 5, "samples": [{"metric": "latency", '
    assert fields(raw(head + '"baseline": [1, NaN], "canary": [1]}]}')) == ["samples.0.baseline.1"]
    assert fields(raw(head + '"baseline": [1], "canary": [Infinity]}]}')) == ["samples.0.canary.0"]
    assert fields(raw(head + '"baseline": [1e300], "canary": [1]}]}')) == ["samples.0.baseline.0"]
    assert fields(raw(head + '"baseline": ["1x"], "canary": [1]}]}')) == ["samples.0.baseline.0"]
    too_long = [1.0] * 20_001
    assert fields(stage(client, admin, run["id"], {"latency": (too_long, [1.0])})) == [
        "samples.0.baseline"
    ]
    assert fields(stage(client, admin, run["id"], {"cpu": ([1.0], [1.0])})) == ["samples.0.metric"]
    twice = {
        "traffic_percent": 5,
        "duration_minutes": 5,
        "samples": [
            {"metric": "errors", "baseline": [1], "canary": [1]},
            {"metric": "errors", "baseline": [2], "canary": [2]},
        ],
    }
    assert fields(client.post(url, json=twice, headers=admin.headers)) == ["samples.1.metric"]
    samples = {"latency": (BASELINE, BASELINE)}
    assert fields(stage(client, admin, run["id"], samples, traffic=101)) == ["traffic_percent"]
    zero_length = fields(stage(client, admin, run["id"], samples, minutes=0))
    assert zero_length == [STAGE_LENGTH_FIELD]
    assert stage(client, admin, 999, samples).status_code == 404
    shown = client.get(f"{API}/runs/{run['id']}", headers=admin.headers).json()
    assert shown["stages"] == []


def test_a_run_names_a_known_service_and_configuration(client, admin):
    services(client, admin, "pay")
    body = {"service": "nope", "config": "none"}
    response = client.post(f"{API}/runs", json=body, headers=admin.headers)
    assert sorted(fields(response)) == ["config", "service"]
    assert client.get(f"{API}/runs/999", headers=admin.headers).status_code == 404


def test_runs_are_listed_latest_first(client, admin):
    services(client, admin, "pay", "ledger")
    assert config(client, admin).status_code == 201
    first = start(client, admin, started_at="2026-03-01T10:00:00Z")
    second = start(client, admin, started_at="2026-03-02T10:00:00Z")
    judged(client, admin, second["id"], {"latency": (BASELINE, BASELINE)})
    listed = client.get(f"{API}/runs", params={"service": "pay"}, headers=admin.headers).json()
    assert [(r["id"], r["stages"], r["config_name"]) for r in listed] == [
        (second["id"], 1, "web"),
        (first["id"], 0, "web"),
    ]
    other = client.get(f"{API}/runs", params={"service": "ledger"}, headers=admin.headers)
    assert other.json() == []
    unknown = client.get(f"{API}/runs", params={"service": "nope"}, headers=admin.headers)
    assert fields(unknown) == ["service"]


def test_viewers_read_and_only_delivery_writers_write(client, admin, make_account):
    run = setup(client, admin)
    viewer, engineer, lead = (
        make_account("viewer"),
        make_account("engineer"),
        make_account("tech_lead"),
    )
    assert client.get(f"{API}/runs/{run['id']}", headers=viewer.headers).status_code == 200
    assert client.get(f"{API}/configs", headers=viewer.headers).status_code == 200
    samples = {"latency": (BASELINE, BASELINE)}
    for account in (viewer, engineer):
        assert config(client, account, "other").status_code == 403
        assert stage(client, account, run["id"], samples).status_code == 403
        assert decide(client, account, run["id"], "roll back").status_code == 403
        response = client.post(
            f"{API}/runs", json={"service": "pay", "config": "web"}, headers=account.headers
        )
        assert response.status_code == 403
    assert client.get(f"{API}/runs").status_code == 401
    assert stage(client, lead, run["id"], samples).status_code == 201


def test_a_run_and_a_stage_refuse_inconsistent_fields(client, admin):
    run = setup(client, admin)
    body = {"service": "pay", "config": "web", "deployment_source": "jenkins"}
    response = client.post(f"{API}/runs", json=body, headers=admin.headers)
    assert fields(response) == ["deployment_id"]
    times = {"started_at": "2026-03-02T10:00:00Z", "finished_at": "2026-03-02T09:00:00Z"}
    samples = {"latency": (BASELINE, BASELINE)}
    assert fields(stage(client, admin, run["id"], samples, **times)) == ["finished_at"]
    # A stage holds at most 200,000 values: 5 metrics x 2 sides x 20,000 pass this check (and
    # are then refused for naming no metric of the configuration); a sixth metric is too many.
    full = [0.5] * 20_000
    url = f"{API}/runs/{run['id']}/stages"

    def crowded(metrics: int):
        samples = [{"metric": f"m{i}", "baseline": full, "canary": full} for i in range(metrics)]
        body = {"traffic_percent": 5, "duration_minutes": 5, "samples": samples}
        return client.post(url, json=body, headers=admin.headers)

    assert fields(crowded(5))[0] == "samples.0.metric"
    assert fields(crowded(6)) == ["samples"]
