"""The projects pages through forms, in English and Chinese: the empty list, a new project with
a bad date refused at its field, the project page with timeline, iterations, the MoSCoW warning
and the gate panel, and a Go refused on the page naming the failing criterion."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

from tests.helpers import SYSTEM, login
from tests.helpers.pages import post_form
from tmse.core.db import utcnow
from tmse.delivery import gates, iterations, phases
from tmse.requirements.models import Requirement


def test_projects_pages(client, db, make_account):
    pm = make_account("product_manager", username="pm")
    login(client, pm.username)
    empty = client.get("/projects")
    assert empty.status_code == 200
    assert 'id="projects-empty"' in empty.text and 'href="/projects/new"' in empty.text

    today = utcnow().date()
    form = {
        "key": "PAY",
        "name": "Payments platform upgrade",
        "status": "active",
        "start_on": str(today - dt.timedelta(days=30)),
        "end_on": str(today - dt.timedelta(days=31)),
        "must_effort_limit_pct": "60",
        "owner_id": str(pm.id),
    }
    refused = post_form(client, "/projects", form)
    assert refused.status_code == 422
    assert 'data-field-error="end_on"' in refused.text
    assert "Payments platform upgrade" in refused.text  # the form keeps what was typed
    form["end_on"] = str(today + dt.timedelta(days=60))
    created = post_form(client, "/projects", form)
    assert created.status_code == 303
    project_id = int(created.headers["location"].split("/")[2].split("?")[0])

    # The plan through the page's forms: a phase with reversed dates is refused at its field.
    def day(offset: int) -> str:
        return str(today + dt.timedelta(days=offset))

    phase_form = {"name": "Build", "kind": "iterative", "start_on": day(-30), "end_on": day(-31)}
    bad_phase = post_form(client, f"/projects/{project_id}/phases", phase_form)
    assert bad_phase.status_code == 422
    assert 'data-field-error="phase-end_on"' in bad_phase.text
    assert '<details class="mb-3" id="plan-phase" open>' in bad_phase.text
    phase_form["end_on"] = day(10)
    assert post_form(client, f"/projects/{project_id}/phases", phase_form).status_code == 303
    launch_form = {"name": "Launch", "kind": "gated", "start_on": day(11), "end_on": day(30)}
    assert post_form(client, f"/projects/{project_id}/phases", launch_form).status_code == 303
    with db.session() as session:
        build, launch = phases.list_phases(session, project_id)
    sprint_form = {
        "phase_id": str(build.id),
        "name": "Sprint 1",
        "start_on": day(-5),
        "end_on": day(12),
    }
    outside = post_form(client, f"/projects/{project_id}/iterations", sprint_form)
    assert outside.status_code == 422 and 'data-field-error="iteration-end_on"' in outside.text
    sprint_form["end_on"] = day(8)
    assert post_form(client, f"/projects/{project_id}/iterations", sprint_form).status_code == 303

    with db.session() as session:
        sprint = iterations.list_iterations(session, build.id)[0]
        must = Requirement(
            title="Card vault",
            project_id=project_id,
            moscow="must",
            effort_days=Decimal(8),
            status="in-review",
            custom={},
        )
        could = Requirement(
            title="Dark mode",
            project_id=project_id,
            moscow="could",
            effort_days=Decimal(2),
            status="approved",
            custom={},
        )
        session.add_all([must, could])
        session.flush()
        iterations.add_item(session, SYSTEM, sprint.id, must.id, at=utcnow() - dt.timedelta(days=6))
        could_id = could.id
    item_form = {"iteration_id": str(sprint.id), "requirement_id": f"REQ-{could_id}"}
    assert post_form(client, f"/projects/{project_id}/items", item_form).status_code == 303
    gate_form = {
        "phase_id": str(launch.id),
        "name": "Launch readiness",
        "criteria": ["all-must-approved"],
        "approver_ids": [],
    }
    no_approver = post_form(client, f"/projects/{project_id}/gates", gate_form)
    assert no_approver.status_code == 422
    assert 'data-field-error="gate-approver_ids"' in no_approver.text
    gate_form["approver_ids"] = [str(pm.id)]
    assert post_form(client, f"/projects/{project_id}/gates", gate_form).status_code == 303
    with db.session() as session:
        gate_id = gates.gate_of_phase(session, launch.id).id  # type: ignore[union-attr]

    page = client.get(f"/projects/{project_id}?saved=1")
    assert page.status_code == 200
    text = page.text
    assert 'data-mode="hybrid"' in text
    assert 'id="moscow-warning"' in text  # Must 8 of 10 days: 80% > 60%
    option = json.loads(
        re.search(r'id="timeline-chart"[^>]*data-chart=\'([^\']*)\'', text).group(1)  # type: ignore[union-attr]
    )
    assert option["yAxis"]["data"] == ["1. Build", "2. Sprint 1", "3. Launch"]
    assert 'data-iteration="Sprint 1"' in text
    assert 'data-planned="1"' in text and 'data-added="1"' in text
    assert 'data-criterion="all-must-approved"' in text and 'data-passed="0"' in text
    assert "data-decision-form" in text

    go = post_form(
        client,
        f"/projects/{project_id}/gates/{gate_id}/decision",
        {"decision": "go", "note": "ship it", "version": "1"},
    )
    assert go.status_code == 409
    assert "all-must-approved" in go.text and 'id="form-message"' in go.text
    hold = post_form(
        client,
        f"/projects/{project_id}/gates/{gate_id}/decision",
        {"decision": "hold", "note": "wait for 3-D Secure", "version": "1"},
    )
    assert hold.status_code == 303

    # Editing: a reversed date is refused at its field; a stale version changes nothing.
    edit = client.get(f"/projects/{project_id}/edit")
    assert edit.status_code == 200 and 'name="version" value="1"' in edit.text
    changed = form | {"status": "on-hold", "end_on": str(today - dt.timedelta(days=40))}
    refused = post_form(client, f"/projects/{project_id}/edit", changed | {"version": "1"})
    assert refused.status_code == 422 and 'data-field-error="end_on"' in refused.text
    changed["end_on"] = str(today + dt.timedelta(days=90))
    saved = post_form(client, f"/projects/{project_id}/edit", changed | {"version": "1"})
    assert saved.status_code == 303
    stale = post_form(client, f"/projects/{project_id}/edit", changed | {"version": "1"})
    assert stale.status_code == 409 and "version 2" in stale.text
    assert 'data-status="on-hold"' in client.get(f"/projects/{project_id}").text

    post_form(client, "/language", {"locale": "zh_CN"})
    chinese = client.get(f"/projects/{project_id}")
    assert chinese.status_code == 200
    assert 'data-gate-status="hold"' in chinese.text and "wait for 3-D Secure" in chinese.text
    for words in ("阶段时间线", "迭代与速率", "阶段关口", "混合"):
        assert words in chinese.text, words
    listing = client.get("/projects")
    assert "项目" in listing.text and 'data-project="PAY"' in listing.text
