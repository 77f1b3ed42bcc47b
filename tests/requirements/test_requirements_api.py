"""The requirements API as a story: intake, scores kept from components, bad input that changes
nothing, the ranked backlog, the MoSCoW balance, history, and the baseline guard."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from tests.helpers import SYSTEM, Account
from tmse.core.errors import InvalidInput
from tmse.planning.models import Project, Release
from tmse.requirements import service


def _create(client, account, **fields):  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/requirements", json=fields, headers=account.headers)
    assert response.status_code == 201, response.text
    return response.json()


@dataclass
class Story:
    """What the steps share: the people, the project and releases, the three requirements."""

    client: Any
    pm: Account
    viewer: Account
    project_id: int
    release_id: int
    strict_id: int
    first: dict[str, Any]
    second: dict[str, Any]
    third: dict[str, Any]

    @property
    def url(self) -> str:
        return f"/api/v1/requirements/{self.first['id']}"


def test_requirement_story(client, db, make_account, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    story = _intake_records_channel_requester_and_scores(client, db, make_account)
    _scores_are_never_typed_in(story)
    _bad_input_is_one_answer_and_changes_nothing(story)
    restored = _a_component_change_recomputes_the_score(story)
    _the_backlog_ranks_by_the_chosen_model(story)
    _moscow_balance_holds_each_release_to_its_limit(story, restored)
    _history_lists_every_edit_newest_first(story)
    _change_requests_are_validated_and_recorded(story, db)
    _an_approved_baseline_guards_the_content(story, monkeypatch)


def _intake_records_channel_requester_and_scores(client, db, make_account) -> Story:  # type: ignore[no-untyped-def]
    pm = make_account("product_manager")
    viewer = make_account("viewer")
    with db.session() as session:
        project = Project(key="PAY", name="Payments 2027", must_effort_limit_pct=60)
        session.add(project)
        session.flush()
        release = Release(project_id=project.id, name="2027.1", planned_on=dt.date(2027, 3, 1))
        strict = Release(project_id=project.id, name="2027.2", must_effort_limit_pct=80)
        session.add_all([release, strict])
        session.flush()
        project_id, release_id, strict_id = project.id, release.id, strict.id
    # Intake through the API records the channel and the requester; RICE is computed.
    first = _create(
        client,
        pm,
        title="Alipay at checkout",
        moscow="must",
        effort_days=30,
        rice_reach=1000,
        rice_impact=2,
        rice_confidence=80,
        rice_effort=2,
        project_id=project_id,
        release_id=release_id,
    )
    assert first["key"] == f"REQ-{first['id']}"
    assert (first["channel"], first["requester"], first["status"]) == (
        "api",
        pm.username,
        "pending",
    )
    assert (first["rice_score"], first["wsjf_score"]) == (800.0, None)
    second = _create(
        client,
        pm,
        title="Invoice PDF",
        moscow="should",
        effort_days=10,
        requester="li.wei",
        wsjf_value=8,
        wsjf_time_criticality=5,
        wsjf_risk_reduction=3,
        wsjf_job_size=2,
        rice_reach=100,
        rice_impact=1,
        rice_confidence=50,
        rice_effort=1,
        project_id=project_id,
        release_id=release_id,
    )
    assert (second["requester"], second["rice_score"], second["wsjf_score"]) == (
        "li.wei",
        50.0,
        8.0,
    )
    third = _create(
        client, pm, title="Dark mode", moscow="could", effort_days=5, type="improvement"
    )
    assert third["rice_score"] is None
    return Story(client, pm, viewer, project_id, release_id, strict_id, first, second, third)


def _scores_are_never_typed_in(story: Story) -> None:
    client = story.client
    pm = story.pm
    viewer = story.viewer
    typed = client.post(
        "/api/v1/requirements", json={"title": "x", "rice_score": 9}, headers=pm.headers
    )
    assert typed.status_code == 422
    assert "rice_score" in {e["field"] for e in typed.json()["errors"]}
    assert (
        client.post("/api/v1/requirements", json={"title": "x"}, headers=viewer.headers).status_code
        == 403
    )


def _bad_input_is_one_answer_and_changes_nothing(story: Story) -> None:
    client = story.client
    pm = story.pm
    first = story.first
    # A negative effort (with other bad values) is one 422 naming every field; nothing changes.
    url = story.url
    bad = client.patch(
        url,
        json={
            "version": first["version"],
            "effort_days": -3,
            "rice_impact": 4,
            "wsjf_value": 7,
            "title": "renamed",
        },
        headers=pm.headers,
    )
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in bad.json()["errors"]] == [
        "effort_days",
        "rice_impact",
        "wsjf_value",
    ]
    assert "effort cannot be negative" in bad.json()["errors"][0]["message"]
    unchanged = client.get(url, headers=pm.headers).json()
    assert (unchanged["title"], unchanged["effort_days"], unchanged["version"]) == (
        "Alipay at checkout",
        30.0,
        first["version"],
    )
    for body in ({"status": "accepted"}, {"wsjf_score": 3}, {"nonsense": 1}):
        refused = client.patch(url, json={"version": first["version"], **body}, headers=pm.headers)
        assert refused.status_code == 422, body


def _a_component_change_recomputes_the_score(story: Story) -> dict[str, Any]:
    client = story.client
    pm = story.pm
    first = story.first
    url = story.url
    # A component change recomputes the score; a missing component empties it.
    edited = client.patch(
        url, json={"version": first["version"], "rice_confidence": 50}, headers=pm.headers
    ).json()
    assert edited["rice_score"] == 500.0  # 1000 × 2 × 0.5 / 2
    cleared = client.patch(
        url, json={"version": edited["version"], "rice_effort": None}, headers=pm.headers
    ).json()
    assert cleared["rice_score"] is None
    stale = client.patch(url, json={"version": edited["version"], "title": "x"}, headers=pm.headers)
    assert stale.status_code == 409
    restored = client.patch(
        url, json={"version": cleared["version"], "rice_effort": 4}, headers=pm.headers
    ).json()
    assert restored["rice_score"] == 250.0
    return restored


def _the_backlog_ranks_by_the_chosen_model(story: Story) -> None:
    client = story.client
    viewer = story.viewer
    first = story.first
    second = story.second
    third = story.third
    release_id = story.release_id

    # The backlog ranks by the chosen model, empty scores last, ties by id.
    def ranked(**params):  # type: ignore[no-untyped-def]
        response = client.get("/api/v1/requirements", params=params, headers=viewer.headers)
        assert response.status_code == 200, response.text
        return response.json()

    rice = ranked(model="rice")
    assert [r["id"] for r in rice["items"]] == [first["id"], second["id"], third["id"]]
    assert rice["total"] == 3
    assert rice["items"][0]["rice_reach"] == 1000  # components travel with the score
    wsjf = ranked(model="wsjf")
    assert [r["id"] for r in wsjf["items"]] == [second["id"], first["id"], third["id"]]
    moscow = ranked(model="moscow")
    assert [r["moscow"] for r in moscow["items"]] == ["must", "should", "could"]
    assert [r["id"] for r in ranked(type="improvement")["items"]] == [third["id"]]
    assert [r["id"] for r in ranked(q="invoice")["items"]] == [second["id"]]
    assert [r["id"] for r in ranked(q=f"REQ-{third['id']}")["items"]] == [third["id"]]
    assert ranked(channel="csv")["total"] == 0
    assert ranked(release=release_id, sort="-effort_days")["items"][0]["id"] == first["id"]
    page = ranked(model="rice", limit=1, offset=1)
    assert ([r["id"] for r in page["items"]], page["total"]) == ([second["id"]], 3)
    bad_sort = client.get("/api/v1/requirements?sort=bogus", headers=viewer.headers)
    assert bad_sort.status_code == 422 and bad_sort.json()["errors"][0]["field"] == "sort"


def _moscow_balance_holds_each_release_to_its_limit(story: Story, restored: dict[str, Any]) -> None:
    client = story.client
    pm = story.pm
    viewer = story.viewer
    project_id = story.project_id
    release_id = story.release_id
    strict_id = story.strict_id
    url = story.url
    # MoSCoW balance: 30 of 40 person-days are Must in the release: 75% > 60%.
    balance = client.get(
        f"/api/v1/requirements/moscow-balance?release={release_id}", headers=viewer.headers
    ).json()
    assert (balance["total_effort"], balance["must_effort"]) == (40.0, 30.0)
    assert (balance["share_pct"], balance["limit_pct"], balance["over_limit"]) == (75.0, 60, True)
    everything = client.get("/api/v1/requirements/moscow-balance", headers=viewer.headers).json()
    assert (everything["total_effort"], everything["share_pct"]) == (45.0, 66.7)
    moved = client.patch(
        url, json={"version": restored["version"], "release_id": strict_id}, headers=pm.headers
    ).json()
    strict_balance = client.get(
        f"/api/v1/requirements/moscow-balance?release={strict_id}&project={project_id}",
        headers=viewer.headers,
    ).json()
    assert (strict_balance["share_pct"], strict_balance["limit_pct"]) == (100.0, 80)
    assert strict_balance["over_limit"] is True
    assert moved["release_id"] == strict_id


def _history_lists_every_edit_newest_first(story: Story) -> None:
    client = story.client
    pm = story.pm
    viewer = story.viewer
    release_id = story.release_id
    strict_id = story.strict_id
    url = story.url
    # History: the creation and every edit, newest first.
    history = client.get(f"{url}/history", headers=viewer.headers).json()
    assert [h["action"] for h in history] == ["update"] * 4 + ["create"]
    assert history[0]["changes"]["release_id"] == {"before": release_id, "after": strict_id}
    assert history[-1]["actor"] == pm.username
    assert client.get("/api/v1/requirements/999999", headers=viewer.headers).status_code == 404


def _change_requests_are_validated_and_recorded(story: Story, db) -> None:  # type: ignore[no-untyped-def]
    client = story.client
    viewer = story.viewer
    first = story.first
    url = story.url
    # validate_changes speaks in change-request paths; apply_changes records the request.
    with db.session() as session:
        requirement = service.get_requirement(session, first["id"])
        with pytest.raises(InvalidInput) as raised:
            service.validate_changes(session, requirement, {"effort_days": -1})
        assert raised.value.extra["errors"][0]["field"] == "changes.effort_days"
        clean = service.validate_changes(session, requirement, {"effort_days": "12.5"})
        service.apply_changes(session, SYSTEM, requirement, clean, change_request_id=77)
    history = client.get(f"{url}/history", headers=viewer.headers).json()
    assert history[0]["changes"]["change_request_id"] == 77
    assert history[0]["changes"]["effort_days"] == {"before": 30.0, "after": 12.5}


def _an_approved_baseline_guards_the_content(story: Story, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    client = story.client
    pm = story.pm
    url = story.url
    # Once in an approved baseline, a content edit needs a change request; nothing changes.
    monkeypatch.setattr(service, "in_approved_baseline", lambda session, requirement_id: True)
    current = client.get(url, headers=pm.headers).json()
    guarded = client.patch(
        url, json={"version": current["version"], "effort_days": 1}, headers=pm.headers
    )
    assert guarded.status_code == 409
    assert guarded.json()["type"].endswith("/change-request-required")
    assert guarded.json()["detail"].startswith("change-request-required")
    after = client.get(url, headers=pm.headers).json()
    assert (after["effort_days"], after["version"]) == (12.5, current["version"])
    requester_only = client.patch(
        url, json={"version": current["version"], "requester": "li.wei"}, headers=pm.headers
    )
    assert requester_only.status_code == 200  # not content: no change request needed
