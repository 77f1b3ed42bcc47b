"""The strategy API as a product manager walks it: a goal, an objective with key results, an
initiative with its requirements, the alignment with its roll-ups and orphans; bad input that
changes nothing; and who may write."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from tests.helpers import SYSTEM, Account
from tmse.core.audit import AuditEntry
from tmse.core.links import service as links
from tmse.core.links.models import TraceLink
from tmse.requirements.models import Requirement
from tmse.strategy.models import Initiative, KeyResult, TechObjective

API = "/api/v1/strategy"


def _requirements(db, *specs):  # type: ignore[no-untyped-def]
    with db.session() as session:
        rows = [Requirement(title=title, status=status) for title, status in specs]
        session.add_all(rows)
        session.flush()
        return [r.id for r in rows]


def _counts(db):  # type: ignore[no-untyped-def]
    with db.session() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (TechObjective, KeyResult, Initiative, TraceLink, AuditEntry)
        )


@dataclass
class Story:
    """What the steps share: the client, the product manager, and what earlier steps made."""

    client: Any
    db: Any
    make_account: Any
    pm: Account
    goal: dict[str, Any] = field(default_factory=dict)
    objective: dict[str, Any] = field(default_factory=dict)
    latency: dict[str, Any] = field(default_factory=dict)
    success: dict[str, Any] = field(default_factory=dict)
    initiative: dict[str, Any] = field(default_factory=dict)
    stray: dict[str, Any] = field(default_factory=dict)
    replaced: dict[str, Any] = field(default_factory=dict)
    r1: int = 0
    r2: int = 0
    r3: int = 0
    r5: int = 0


def test_goal_to_requirements_alignment_with_orphans_and_bad_input(client, db, make_account):  # type: ignore[no-untyped-def]
    pm = make_account("product_manager", username="mei")
    story = Story(client, db, make_account, pm)
    _a_goal_and_an_objective_measure_progress(story)
    _bad_input_is_refused_whole_and_changes_nothing(story)
    _initiatives_and_requirements_roll_up_with_orphans(story)
    _a_key_result_progresses_and_a_stale_version_is_refused(story)
    _key_results_are_replaced_kept_dropped_and_added(story)
    _viewers_and_engineers_may_not_write_the_committee_may(story)
    _a_cost_change_turns_links_suspect_and_still_counts(story)
    _moving_the_objective_replaces_its_supports_link(story)
    _unlinking_and_deleting_orphan_what_was_served(story)


def _a_goal_and_an_objective_measure_progress(story: Story) -> None:
    client = story.client
    pm = story.pm
    goal = client.post(
        f"{API}/goals",
        headers=pm.headers,
        json={
            "name": "线上交易额增长 / Grow online GMV",
            "owner": "mei",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "metric": "Online GMV",
            "unit": "M CNY",
            "baseline_value": 120,
            "target_value": 150,
            "current_value": 129,
        },
    )
    assert goal.status_code == 201, goal.text
    goal = goal.json()
    assert goal["progress"] == 30.0  # (129 - 120) / (150 - 120)
    assert goal["owner"]["username"] == "mei" and goal["objective_ids"] == []

    objective = client.post(
        f"{API}/objectives",
        headers=pm.headers,
        json={
            "name": "Fast checkout",
            "period_start": "2026-01-01",
            "period_end": "2026-06-30",
            "goal_ids": [goal["id"]],
            "key_results": [
                {
                    "name": "Checkout P95 latency",
                    "unit": "ms",
                    "start_value": 800,
                    "target_value": 300,
                    "current_value": 550,
                },
                {
                    "name": "Payment success rate",
                    "unit": "%",
                    "start_value": 96,
                    "target_value": 99.5,
                },
            ],
        },
    ).json()
    assert objective["goal_ids"] == [goal["id"]]
    latency, success = objective["key_results"]
    assert latency["progress"] == 50.0  # (550 - 800) / (300 - 800)
    assert success["progress"] is None
    assert objective["progress"] == 25.0  # mean of 50 and an unmeasured 0
    story.goal = goal
    story.objective = objective
    story.latency = latency
    story.success = success


def _bad_input_is_refused_whole_and_changes_nothing(story: Story) -> None:
    client = story.client
    db = story.db
    pm = story.pm
    objective = story.objective
    # Bad input: each refused whole, naming the field; nothing stored, nothing audited.
    before = _counts(db)
    unknown_goal = client.post(
        f"{API}/objectives",
        headers=pm.headers,
        json={
            "name": "Ghost",
            "period_start": "2026-01-01",
            "period_end": "2026-02-01",
            "goal_ids": [999],
            "key_results": [{"name": "Something", "target_value": 1}],
        },
    )
    assert unknown_goal.status_code == 422
    assert unknown_goal.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in unknown_goal.json()["errors"]] == ["goal_ids[0]"]
    negative = client.post(
        f"{API}/initiatives",
        headers=pm.headers,
        json={"name": "Cheap", "planned_cost": -5, "objective_ids": [objective["id"]]},
    )
    assert negative.status_code == 422
    assert [e["field"] for e in negative.json()["errors"]] == ["planned_cost"]
    backwards = client.post(
        f"{API}/goals",
        headers=pm.headers,
        json={
            "name": "Backwards",
            "period_start": "2026-05-01",
            "period_end": "2026-01-01",
            "metric": "x",
            "target_value": 1,
            "owner": "nobody",
        },
    )
    assert sorted(e["field"] for e in backwards.json()["errors"]) == ["owner", "period_end"]
    assert _counts(db) == before


def _initiatives_and_requirements_roll_up_with_orphans(story: Story) -> None:
    client = story.client
    db = story.db
    pm = story.pm
    objective = story.objective
    initiative = client.post(
        f"{API}/initiatives",
        headers=pm.headers,
        json={
            "name": "Checkout rewrite",
            "planned_person_days": 120.5,
            "planned_cost": 480000,
            "objective_ids": [objective["id"]],
        },
    ).json()
    stray = client.post(
        f"{API}/initiatives",
        headers=pm.headers,
        json={"name": "Office Wi-Fi", "planned_person_days": 10, "planned_cost": 9000},
    ).json()
    assert initiative["objective_ids"] == [objective["id"]] and stray["objective_ids"] == []

    # r1 included, r2 derived from it, r3 open and unlinked, r4 rejected, r5 under the stray.
    r1, r2, r3, _rejected, r5 = _requirements(
        db,
        ("Pay in one click", "approved"),
        ("Store card tokens", "pending"),
        ("Dark mode", "pending"),
        ("Fax receipts", "rejected"),
        ("Guest Wi-Fi", "accepted"),
    )
    with db.session() as session:
        links.create_link(session, SYSTEM, f"requirement:{r1}", f"requirement:{r2}", "derives")
    bad_link = client.post(
        f"{API}/initiatives/{initiative['id']}/requirements",
        headers=pm.headers,
        json={"requirement_ids": [r1, 99999]},
    )
    assert [e["field"] for e in bad_link.json()["errors"]] == ["requirement_ids[1]"]
    linked = client.post(
        f"{API}/initiatives/{initiative['id']}/requirements",
        headers=pm.headers,
        json={"requirement_ids": [r1, r1]},
    )
    assert linked.json()["requirement_ids"] == [r1]
    client.post(
        f"{API}/initiatives/{stray['id']}/requirements",
        headers=pm.headers,
        json={"requirement_ids": [r5]},
    )

    view = client.get(f"{API}/alignment", headers=pm.headers).json()
    (node,) = view["goals"]
    assert node["progress"] == 30.0 and node["objectives_progress"] == 25.0
    assert node["totals"] == {
        "objectives": 1,
        "initiatives": 1,
        "planned_person_days": 120.5,
        "planned_cost_by_currency": {"CNY": 480000.0},
        "requirements": {"total": 2, "by_status": {"approved": 1, "pending": 1}},
    }
    (branch,) = node["objectives"]
    assert [k["progress"] for k in branch["key_results"]] == [50.0, None]
    assert branch["initiatives"][0]["requirements"] == {"total": 1, "by_status": {"approved": 1}}
    orphans = view["orphans"]
    assert [i["id"] for i in orphans["initiatives"]["items"]] == [stray["id"]]
    assert [r["id"] for r in orphans["requirements"]["items"]] == [r5, r3]  # newest first
    assert orphans["requirements"]["total"] == 2 and orphans["objectives"]["total"] == 0
    paged = client.get(
        f"{API}/alignment/orphans/requirements?limit=1&offset=1", headers=pm.headers
    ).json()
    assert paged["total"] == 2 and [r["id"] for r in paged["items"]] == [r3]
    story.initiative = initiative
    story.stray = stray
    story.r1 = r1
    story.r2 = r2
    story.r3 = r3
    story.r5 = r5


def _a_key_result_progresses_and_a_stale_version_is_refused(story: Story) -> None:
    client = story.client
    pm = story.pm
    success = story.success
    # Progress of a key result; a stale version is refused.
    updated = client.patch(
        f"{API}/key-results/{success['id']}",
        headers=pm.headers,
        json={"version": success["version"], "current_value": 98.6},
    ).json()
    assert updated["progress"] == 74.3  # 2.6 / 3.5
    stale = client.patch(
        f"{API}/key-results/{success['id']}",
        headers=pm.headers,
        json={"version": success["version"], "current_value": 99},
    )
    assert stale.status_code == 409


def _key_results_are_replaced_kept_dropped_and_added(story: Story) -> None:
    client = story.client
    pm = story.pm
    objective = story.objective
    latency = story.latency
    # Replacing the key results: keep one (edited), drop one, add one.
    replaced = client.patch(
        f"{API}/objectives/{objective['id']}",
        headers=pm.headers,
        json={
            "version": objective["version"],
            "key_results": [
                {
                    "id": latency["id"],
                    "name": "Checkout P95 latency",
                    "start_value": 800,
                    "target_value": 300,
                    "current_value": 300,
                },
                {
                    "name": "Abandoned carts",
                    "unit": "%",
                    "start_value": 30,
                    "target_value": 20,
                    "current_value": 35,
                },
            ],
        },
    ).json()
    assert [k["id"] == latency["id"] for k in replaced["key_results"]] == [True, False]
    assert [k["progress"] for k in replaced["key_results"]] == [100.0, 0.0]  # worse is 0
    assert replaced["progress"] == 50.0
    story.replaced = replaced


def _viewers_and_engineers_may_not_write_the_committee_may(story: Story) -> None:
    client = story.client
    make_account = story.make_account
    stray = story.stray
    # Who may write: viewers may not; the committee may.
    viewer = make_account("viewer")
    assert client.get(f"{API}/alignment", headers=viewer.headers).status_code == 200
    refused = client.post(
        f"{API}/goals",
        headers=viewer.headers,
        json={
            "name": "Nope",
            "period_start": "2026-01-01",
            "period_end": "2026-02-01",
            "metric": "x",
            "target_value": 1,
        },
    )
    assert refused.status_code == 403
    engineer = make_account("engineer")
    assert (
        client.delete(f"{API}/initiatives/{stray['id']}", headers=engineer.headers).status_code
        == 403
    )
    committee = make_account("committee")
    assert (
        client.delete(f"{API}/initiatives/{stray['id']}", headers=committee.headers).status_code
        == 204
    )


def _a_cost_change_turns_links_suspect_and_still_counts(story: Story) -> None:
    client = story.client
    db = story.db
    pm = story.pm
    initiative = story.initiative
    # A change of planned cost turns the initiative's links Suspect; they still count.
    current = client.get(f"{API}/initiatives/{initiative['id']}", headers=pm.headers).json()
    costlier = client.patch(
        f"{API}/initiatives/{initiative['id']}",
        headers=pm.headers,
        json={"version": current["version"], "planned_cost": 520000},
    )
    assert costlier.json()["planned_cost"] == 520000.0
    with db.session() as session:
        states = session.scalars(
            select(TraceLink.state).where(
                TraceLink.source_type == "initiative", TraceLink.source_id == initiative["id"]
            )
        ).all()
    assert states == ["suspect"]
    view = client.get(f"{API}/alignment", headers=pm.headers).json()
    assert view["goals"][0]["totals"]["planned_cost_by_currency"] == {"CNY": 520000.0}


def _moving_the_objective_replaces_its_supports_link(story: Story) -> None:
    client = story.client
    pm = story.pm
    objective = story.objective
    replaced = story.replaced
    # Moving the objective to a second goal replaces its supports link.
    second = client.post(
        f"{API}/goals",
        headers=pm.headers,
        json={
            "name": "IT 成本降低 / Cut IT cost per order",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "metric": "IT cost per order",
            "baseline_value": 0.42,
            "target_value": 0.33,
            "current_value": 0.39,
        },
    ).json()
    assert second["progress"] == 33.3  # 0.03 / 0.09
    moved = client.patch(
        f"{API}/objectives/{objective['id']}",
        headers=pm.headers,
        json={"version": replaced["version"], "goal_ids": [second["id"]]},
    ).json()
    assert moved["goal_ids"] == [second["id"]]
    view = client.get(f"{API}/alignment", headers=pm.headers).json()
    assert [g["totals"]["objectives"] for g in view["goals"]] == [0, 1]
    assert (
        client.get(f"{API}/objectives?goal_id={second['id']}", headers=pm.headers).json()["total"]
        == 1
    )


def _unlinking_and_deleting_orphan_what_was_served(story: Story) -> None:
    client = story.client
    db = story.db
    pm = story.pm
    initiative = story.initiative
    r1 = story.r1
    r2 = story.r2
    r3 = story.r3
    r5 = story.r5
    # Unlinking a requirement, and deleting the initiative, orphan what it served.
    unlinked = client.request(
        "DELETE",
        f"{API}/initiatives/{initiative['id']}/requirements",
        headers=pm.headers,
        json={"requirement_ids": [r1]},
    ).json()
    assert unlinked["requirement_ids"] == []
    view = client.get(f"{API}/alignment", headers=pm.headers).json()
    assert [g["totals"]["requirements"]["total"] for g in view["goals"]] == [0, 0]
    assert sorted(r["id"] for r in view["orphans"]["requirements"]["items"]) == [r1, r2, r3, r5]
    assert view["orphans"]["initiatives"]["total"] == 0
    with db.session() as session:
        actions = set(
            session.execute(
                select(AuditEntry.action, AuditEntry.entity_type).where(
                    AuditEntry.entity_type.in_(["goal", "objective", "initiative", "key_result"])
                )
            ).all()
        )
    assert {
        ("create", "goal"),
        ("update", "objective"),
        ("update", "key_result"),
        ("delete", "initiative"),
    } <= actions
