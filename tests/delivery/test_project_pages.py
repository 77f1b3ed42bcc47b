"""The projects pages through forms, in English and Chinese: the empty list, a new project with
a bad date refused at its field, the project page with timeline, iterations, the MoSCoW warning
and the gate panel, and a Go refused on the page naming the failing criterion."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

from tests.helpers import SYSTEM, login
from tests.web.pages import post_form
from tmse.core.db import utcnow
from tmse.delivery import gates, iterations, phases
from tmse.delivery.schemas import GateCreate, IterationCreate, PhaseCreate
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

    with db.session() as session:
        build = phases.create_phase(
            session,
            SYSTEM,
            project_id,
            PhaseCreate(
                name="Build",
                kind="iterative",
                start_on=today - dt.timedelta(days=30),
                end_on=today + dt.timedelta(days=10),
            ),
        )
        launch = phases.create_phase(
            session,
            SYSTEM,
            project_id,
            PhaseCreate(
                name="Launch",
                kind="gated",
                start_on=today + dt.timedelta(days=11),
                end_on=today + dt.timedelta(days=30),
            ),
        )
        sprint = iterations.create_iteration(
            session,
            SYSTEM,
            build.id,
            IterationCreate(
                name="Sprint 1",
                start_on=today - dt.timedelta(days=5),
                end_on=today + dt.timedelta(days=8),
            ),
        )
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
        iterations.add_item(session, SYSTEM, sprint.id, could.id)
        gate = gates.create_gate(
            session,
            SYSTEM,
            launch.id,
            GateCreate(
                name="Launch readiness",
                criteria=[{"key": "all-must-approved"}],
                approver_ids=[pm.id],
            ),
        )
        gate_id = gate.id

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

    post_form(client, "/language", {"locale": "zh_CN"})
    chinese = client.get(f"/projects/{project_id}")
    assert chinese.status_code == 200
    assert 'data-gate-status="hold"' in chinese.text and "wait for 3-D Secure" in chinese.text
    for words in ("阶段时间线", "迭代与速率", "阶段关口", "混合"):
        assert words in chinese.text, words
    listing = client.get("/projects")
    assert "项目" in listing.text and 'data-project="PAY"' in listing.text
