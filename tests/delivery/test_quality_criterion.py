"""The stage-gate criterion "quality gates passed": every service the project's requirements
touch passed the latest quality gate its pipeline uploaded."""

from __future__ import annotations

import datetime as dt

from tests.helpers import SYSTEM
from tests.helpers.quality_uploads import cobertura, junit, upload
from tmse.catalog import service as catalog
from tmse.catalog.schemas import ServiceCreate
from tmse.core.identity import service as identity
from tmse.core.identity.schemas import TeamCreate
from tmse.core.links.service import create_link
from tmse.core.messages import render
from tmse.delivery import gates, phases
from tmse.delivery.schemas import GateCreate, PhaseCreate
from tmse.planning import service as planning
from tmse.planning.schemas import ProjectCreate
from tmse.requirements.models import Requirement


def gate_result(db, gate_id: int, locale: str = "en") -> tuple[bool, str]:
    with db.session() as session:
        gate = gates.get_gate(session, gate_id)
        (result,) = gates.evaluate(session, gate)
        return result.passed, render(result.detail, locale)


def test_the_criterion_follows_each_touched_service_latest_gate(client, admin, db):
    with db.session() as session:
        team = identity.create_team(session, SYSTEM, TeamCreate(name="Payments"))
        project = planning.create_project(session, SYSTEM, ProjectCreate(key="PAY", name="Pay"))
        day = dt.date(2026, 3, 2)
        launch = phases.create_phase(
            session, SYSTEM, project.id,
            PhaseCreate(name="Launch", kind="gated", start_on=day, end_on=day),
        )  # fmt: skip
        requirement = Requirement(
            title="Vault", project_id=project.id, status="approved", custom={}
        )
        session.add(requirement)
        session.flush()
        for name in ("ledger", "vault"):
            created = catalog.create_service(
                session, SYSTEM, ServiceCreate(name=name, layer="business", owner=team.name)
            )
            create_link(
                session, SYSTEM, f"requirement:{requirement.id}", f"service:{created.id}", "touches"
            )
        gate = gates.create_gate(
            session, SYSTEM, launch.id,
            GateCreate(name="Ready", criteria=[{"key": "quality-gates-passed"}],
                       approver_ids=[admin.id]),
        )  # fmt: skip
        gate_id = gate.id
    assert gate_result(db, gate_id) == (
        False,
        "2 of 2 services not passed — 'ledger' has no quality gate run; "
        "'vault' has no quality gate run",
    )
    # ledger passes (90 % covered, the changed lines 1-3 all run, all tests pass); vault's run
    # fails (70 % covered).
    good = [("coverage.xml", cobertura(10, 9)), ("junit.xml", junit(5))]
    changed = b'{"app/core.py": [1, 2, 3]}'
    answer = upload(client, admin, *good, service="ledger", changed_lines=changed)
    assert answer.json()["status"] == "passed", answer.text
    bad = upload(client, admin, ("coverage.xml", cobertura(10, 7)), ("junit.xml", junit(5)),
                 service="vault", run_id="v-1", changed_lines=changed)  # fmt: skip
    assert bad.json()["status"] == "failed"
    passed, detail = gate_result(db, gate_id)
    assert not passed and detail.startswith(
        "1 of 2 services not passed — 'vault': quality gate run"
    )
    assert detail.endswith(" failed")
    assert gate_result(db, gate_id, "zh_CN")[1].endswith("未通过")
    # vault's next run passes: the latest run counts.
    upload(client, admin, *good, service="vault", run_id="v-2", changed_lines=changed)
    assert gate_result(db, gate_id) == (True, "all 2 touched services passed their quality gate")
