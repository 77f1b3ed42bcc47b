"""The strategy pages as a product manager uses them: the empty alignment, forms that show
field errors and store nothing, then the goal, objective (with key results) and initiative saved
through the forms, progress recorded, requirements included, and the page in Chinese."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.helpers import login
from tmse.requirements.models import Requirement
from tmse.strategy.models import BusinessGoal, Initiative, KeyResult, TechObjective


def _csrf(client) -> str:  # type: ignore[no-untyped-def]
    return client.cookies.get("tmse_csrf", "")


def _post(client, url: str, data: dict | list) -> object:  # type: ignore[no-untyped-def]
    pairs = list(data.items()) if isinstance(data, dict) else list(data)
    fields: dict[str, list[str]] = {"csrf_token": [_csrf(client)]}
    for name, value in pairs:
        fields.setdefault(name, []).append(value)
    return client.post(url, data=fields, follow_redirects=False)


def _count(db, model) -> int:  # type: ignore[no-untyped-def]
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


GOAL = {
    "name": "会员留存提升 / Keep members coming back",
    "metric": "12-month retention",
    "unit": "%",
    "period_start": "2026-01-01",
    "period_end": "2026-12-31",
    "baseline_value": "38",
    "target_value": "45",
    "current_value": "40.8",
    "status": "active",
}


def test_strategy_pages_from_empty_to_aligned_with_field_errors(client, db, make_account):
    make_account("product_manager", username="mei")
    assert login(client, "mei").status_code == 303
    empty = client.get("/strategy")
    assert empty.status_code == 200 and "No business goals yet" in empty.text
    assert 'data-empty="orphan-requirements"' in empty.text

    # A goal that ends before it starts, with an unknown owner: errors at both fields.
    bad = _post(client, "/strategy/goals", GOAL | {"period_end": "2025-01-01", "owner": "zed"})
    assert bad.status_code == 422
    assert 'data-field-error="period_end"' in bad.text and 'data-field-error="owner"' in bad.text
    assert 'value="会员留存提升 / Keep members coming back"' in bad.text  # kept for correction
    bad_number = _post(client, "/strategy/goals", GOAL | {"target_value": "lots"})
    assert 'data-field-error="target_value"' in bad_number.text
    assert _count(db, BusinessGoal) == 0

    saved = _post(client, "/strategy/goals", GOAL | {"owner": "mei"})
    assert saved.status_code == 303
    goal_url = saved.headers["location"].split("?")[0]
    goal_id = int(goal_url.rsplit("/", 1)[1])
    taken = _post(client, "/strategy/goals", GOAL)
    assert taken.status_code == 409 and 'data-field-error="name"' in taken.text

    # An objective whose second key result has no distance to go: the error is on that row.
    objective = [
        ("name", "App experience"),
        ("period_start", "2026-01-01"),
        ("period_end", "2026-06-30"),
        ("status", "active"),
        ("goal_ids", str(goal_id)),
        ("kr_id", ""),
        ("kr_name", "Crash-free sessions"),
        ("kr_unit", "%"),
        ("kr_start_value", "99.1"),
        ("kr_target_value", "99.8"),
        ("kr_current_value", "99.45"),
        ("kr_id", ""),
        ("kr_name", ""),
        ("kr_unit", ""),
        ("kr_start_value", ""),
        ("kr_target_value", ""),
        ("kr_current_value", ""),
        ("kr_id", ""),
        ("kr_name", "App rating"),
        ("kr_unit", "stars"),
        ("kr_start_value", "4.5"),
        ("kr_target_value", "4.5"),
        ("kr_current_value", ""),
    ]
    refused = _post(client, "/strategy/objectives", objective)
    assert refused.status_code == 422
    assert 'data-field-error="kr-2-target_value"' in refused.text
    assert _count(db, TechObjective) == 0 and _count(db, KeyResult) == 0
    objective[-2] = ("kr_target_value", "4.8")
    created = _post(client, "/strategy/objectives", objective)
    assert created.status_code == 303 and created.headers["location"].startswith(goal_url)
    page = client.get(goal_url).text
    assert "Crash-free sessions" in page and "50%" in page  # (99.45 - 99.1) / 0.7
    with db.session() as session:
        crash = session.scalar(select(KeyResult).where(KeyResult.name == "Crash-free sessions"))
        objective_id, crash_id, crash_version = crash.objective_id, crash.id, crash.version

    # Record progress from the goal page.
    recorded = _post(
        client,
        f"/strategy/key-results/{crash_id}/progress",
        {"version": str(crash_version), "current_value": "99.8", "back": goal_url},
    )
    assert recorded.status_code == 303
    assert "100%" in client.get(goal_url).text

    # An initiative with a negative cost is refused at that field; a good one is saved.
    initiative = {
        "name": "App cold-start tuning",
        "planned_person_days": "45",
        "planned_cost": "-1",
        "currency": "CNY",
        "status": "active",
        "objective_ids": str(objective_id),
    }
    negative = _post(client, "/strategy/initiatives", initiative)
    assert negative.status_code == 422 and 'data-field-error="planned_cost"' in negative.text
    assert "Must not be negative." in negative.text and _count(db, Initiative) == 0
    made = _post(client, "/strategy/initiatives", initiative | {"planned_cost": "180000"})
    assert made.status_code == 303
    initiative_url = made.headers["location"].split("?")[0]

    with db.session() as session:
        requirement = Requirement(title="Lazy-load the home feed", status="approved")
        session.add(requirement)
        session.flush()
        requirement_id = requirement.id
    typo = _post(client, f"{initiative_url}/requirements", {"requirements": "12, abc"})
    assert typo.status_code == 422
    included = _post(
        client, f"{initiative_url}/requirements", {"requirements": f"REQ-{requirement_id}"}
    )
    assert included.status_code == 303
    assert "Lazy-load the home feed" in client.get(initiative_url).text

    overview = client.get("/strategy").text
    assert f'data-goal="{goal_id}"' in overview and 'id="chart-investment"' in overview
    assert 'data-empty="orphan-initiatives"' in overview and "Every open requirement" in overview
    client.cookies.set("tmse_locale", "zh_CN")
    chinese = client.get("/strategy").text
    assert "目标与对齐" in chinese and "不服务任何目标的举措" in chinese

    viewer = make_account("viewer", username="vic")
    client.cookies.clear()
    login(client, viewer.username)
    assert client.get("/strategy").status_code == 200
    assert client.get("/strategy/goals/new").status_code == 403
    assert _post(client, "/strategy/goals", GOAL | {"name": "Other"}).status_code == 403
