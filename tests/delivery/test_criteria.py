"""The built-in gate criteria against real data of the other modules: a baseline required by
the gate and then signed, services touched by the project's requirements and their
architecture reviews, open change requests, Must requirements of one release."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tests.helpers import SYSTEM
from tmse.catalog import service as catalog
from tmse.catalog.schemas import ServiceCreate
from tmse.core.actor import Actor
from tmse.core.identity import service as identity
from tmse.core.identity.schemas import TeamCreate, UserCreate
from tmse.core.links.service import create_link
from tmse.core.messages import render
from tmse.delivery import gates, phases
from tmse.delivery.schemas import GateCreate, PhaseCreate
from tmse.planning import service
from tmse.planning.schemas import ProjectCreate, ReleaseCreate
from tmse.requirements.baselines import service as baselines
from tmse.requirements.baselines.schemas import BaselineCreate
from tmse.requirements.changes.models import ChangeRequest
from tmse.requirements.models import Requirement
from tmse.standards.reviews.models import ArchitectureReview

ALL = ["all-must-approved", "baseline-exists", "architecture-reviews-passed"]


def _results(session, gate):  # type: ignore[no-untyped-def]
    return {r.key: (r.passed, render(r.detail, "en")) for r in gates.evaluate(session, gate)}


@dataclass
class World:
    """A project with two releases, a Must requirement in each touching a service, a signer."""

    project: Any
    r1: Any
    must_r1: Requirement
    must_r2: Requirement
    signer: Any
    signer_actor: Actor
    ledger_id: int
    vault_id: int
    launch: Any


def test_built_in_criteria_follow_the_data(db):  # type: ignore[no-untyped-def]
    with db.session() as session:
        world = _seed(session)
        release_gate = _must_requirements_count_per_release_or_project(session, world)
        _a_required_baseline_counts_once_signed(session, world, release_gate)
        _reviews_pass_when_approved_without_open_conditions(session, world, release_gate)
        _open_change_requests_hold_the_gate_back(session, world, release_gate)


def _seed(session) -> World:  # type: ignore[no-untyped-def]
    today = dt.date(2026, 3, 2)
    team = identity.create_team(session, SYSTEM, TeamCreate(name="Payments"))
    signer = identity.create_user(
        session, SYSTEM, UserCreate(username="signer", roles=["product_manager"])
    )
    signer_actor = Actor(signer.id, signer.username, frozenset({"product_manager"}))
    project = service.create_project(session, SYSTEM, ProjectCreate(key="PAY", name="Pay"))
    r1 = service.create_release(session, SYSTEM, project.id, ReleaseCreate(name="R1"))
    r2 = service.create_release(session, SYSTEM, project.id, ReleaseCreate(name="R2"))
    launch = phases.create_phase(
        session,
        SYSTEM,
        project.id,
        PhaseCreate(name="Launch", kind="gated", start_on=today, end_on=today),
    )
    must_r1 = Requirement(
        title="Vault",
        project_id=project.id,
        release_id=r1.id,
        moscow="must",
        effort_days=Decimal(3),
        status="approved",
        custom={},
    )
    must_r2 = Requirement(
        title="3DS",
        project_id=project.id,
        release_id=r2.id,
        moscow="must",
        effort_days=Decimal(5),
        status="accepted",
        custom={},
    )
    rejected = Requirement(
        title="Old", project_id=project.id, moscow="must", status="rejected", custom={}
    )
    session.add_all([must_r1, must_r2, rejected])
    session.flush()
    for name in ("ledger", "vault"):
        catalog.create_service(
            session, SYSTEM, ServiceCreate(name=name, layer="business", owner=team.name)
        )
    ledger_id = catalog.get_service(session, "ledger").id
    vault_id = catalog.get_service(session, "vault").id
    create_link(session, SYSTEM, f"requirement:{must_r1.id}", f"service:{ledger_id}", "touches")
    create_link(session, SYSTEM, f"requirement:{must_r2.id}", f"service:{vault_id}", "touches")
    return World(project, r1, must_r1, must_r2, signer, signer_actor, ledger_id, vault_id, launch)


def _must_requirements_count_per_release_or_project(session, world: World):  # type: ignore[no-untyped-def]
    launch = world.launch
    r1 = world.r1
    signer = world.signer
    must_r2 = world.must_r2
    # Release R1 only: its one Must is approved. The whole project: R2's is not.
    release_gate = gates.create_gate(
        session,
        SYSTEM,
        launch.id,
        GateCreate(
            name="R1 readiness",
            criteria=[{"key": "all-must-approved", "params": {"release_id": r1.id}}],
            approver_ids=[signer.id],
        ),
    )
    assert _results(session, release_gate) == {
        "all-must-approved": (True, "all 1 Must requirements approved or later")
    }
    release_gate.criteria = [{"key": key} for key in ALL]
    session.flush()
    results = _results(session, release_gate)
    assert results["all-must-approved"] == (
        False,
        f"1 of 2 Must requirements not approved: REQ-{must_r2.id}",
    )
    assert results["baseline-exists"] == (False, "the project has no approved baseline")
    # The same details read in the reader's language.
    in_chinese = {r.key: render(r.detail, "zh_CN") for r in gates.evaluate(session, release_gate)}
    assert in_chinese["all-must-approved"] == (f"2 个“必须”需求中有 1 个未批准：REQ-{must_r2.id}")
    assert in_chinese["baseline-exists"] == "项目没有已批准的基线"
    assert results["architecture-reviews-passed"] == (
        False,
        "2 of 2 services not passed — ledger: 'ledger' has no architecture review; "
        "vault: 'vault' has no architecture review",
    )
    return release_gate


def _a_required_baseline_counts_once_signed(session, world: World, release_gate) -> None:  # type: ignore[no-untyped-def]
    signer_actor = world.signer_actor
    project = world.project
    # A draft baseline required by the gate is not enough; signed, it is.
    draft = baselines.create_baseline(
        session,
        signer_actor,
        BaselineCreate(name="PAY BL-1", approver="signer", project_id=project.id),
    )
    release_gate.required_baseline_id = draft.id
    session.flush()
    assert _results(session, release_gate)["baseline-exists"] == (
        False,
        "required baseline 'PAY BL-1' is draft, not signed",
    )
    baselines.sign_baseline(session, signer_actor, draft.id, "secret")
    assert _results(session, release_gate)["baseline-exists"] == (
        True,
        "required baseline 'PAY BL-1' is signed",
    )


def _reviews_pass_when_approved_without_open_conditions(
    session, world: World, release_gate
) -> None:  # type: ignore[no-untyped-def]
    ledger_id = world.ledger_id
    vault_id = world.vault_id
    # Reviews: approved passes; approved with an open condition, rejected or withdrawn do not.
    session.add_all(
        [
            ArchitectureReview(
                title="ledger",
                kind="significant-change",
                status="approved",
                service_id=ledger_id,
                proposal={},
                checklist=[],
                conditions=[],
            ),
            ArchitectureReview(
                title="vault",
                kind="significant-change",
                status="withdrawn",
                service_id=vault_id,
                proposal={},
                checklist=[],
                conditions=[],
            ),
        ]
    )
    session.flush()
    assert _results(session, release_gate)["architecture-reviews-passed"] == (
        False,
        "1 of 2 services not passed — vault: 'vault' has no architecture review",
    )
    session.add(
        ArchitectureReview(
            title="vault",
            kind="new-service",
            status="approved-with-conditions",
            proposal={"name": "vault"},
            checklist=[],
            conditions=[{"text": "Rotate keys", "done": False}],
        )
    )
    session.flush()
    passed, detail = _results(session, release_gate)["architecture-reviews-passed"]
    assert not passed and "approved with 1 open condition(s)" in detail
    review = session.query(ArchitectureReview).filter_by(kind="new-service").one()
    review.conditions = [{"text": "Rotate keys", "done": True}]
    session.flush()
    assert _results(session, release_gate)["architecture-reviews-passed"] == (
        True,
        "all 2 touched services passed review",
    )


def _open_change_requests_hold_the_gate_back(session, world: World, release_gate) -> None:  # type: ignore[no-untyped-def]
    must_r1 = world.must_r1
    project = world.project
    # Open change requests hold a gate back until they are decided.
    release_gate.criteria = [{"key": "no-open-change-requests"}]
    change = ChangeRequest(
        requirement_id=must_r1.id,
        requirement_version=1,
        changes={},
        before={},
        reason="scope",
        status="submitted",
        project_id=project.id,
        impact={},
    )
    session.add(change)
    session.flush()
    assert _results(session, release_gate) == {
        "no-open-change-requests": (False, f"1 open change request(s): #{change.id}")
    }
    change.status = "applied"
    session.flush()
    assert _results(session, release_gate)["no-open-change-requests"][0] is True
