"""The requirements demo step on its own: ~300 requirements in every state, every MoSCoW value
and channel, custom fields, links with true fingerprints, one release over its Must limit."""

from __future__ import annotations

import random
from collections import Counter

from sqlalchemy import select

from tests.helpers import SYSTEM
from tmse.catalog import service as catalog
from tmse.catalog.schemas import ServiceCreate
from tmse.core import audit
from tmse.core.identity import service as identity
from tmse.core.identity.schemas import TeamCreate
from tmse.core.links.models import TraceLink
from tmse.core.links.registry import registered_types
from tmse.demo.steps import DemoContext
from tmse.planning.models import Project, Release
from tmse.requirements import custom_fields, moscow
from tmse.requirements.demo import create_requirements
from tmse.requirements.models import Channel, MoSCoW, Requirement, RequirementStatus
from tmse.requirements.scoring import scores_of
from tmse.strategy.models import Initiative


def test_small_demo_step(db) -> None:  # type: ignore[no-untyped-def]
    ctx = DemoContext(db=db, random=random.Random(7), size="small", actor=SYSTEM, password="x")
    with db.session() as session:
        identity.create_team(session, SYSTEM, TeamCreate(name="Web", kind="team"))
        for name in ("checkout-service", "payment-service"):
            data = ServiceCreate(name=name, layer="business", owner="Web")
            ctx.remember("catalog:service", catalog.create_service(session, SYSTEM, data).id)
        project = Project(key="SHOP", name="Shop")
        initiative = Initiative(name="Faster checkout")
        session.add_all([project, initiative])
        session.flush()
        releases = [Release(project_id=project.id, name=n) for n in ("2027.1", "2027.2")]
        session.add_all(releases)
        session.flush()
        ctx.remember("project", project.id)
        ctx.remember("initiative", initiative.id)
        for release in releases:
            ctx.remember("release", release.id)

    create_requirements(ctx)

    with db.session() as session:
        rows = list(session.scalars(select(Requirement)))
        assert len(rows) == 300 == len(ctx.created["requirement"])
        assert {r.status for r in rows} == {str(s) for s in RequirementStatus}
        assert {r.moscow for r in rows} - {None} == {str(m) for m in MoSCoW}
        assert {r.channel for r in rows} == {str(c) for c in Channel}
        assert all(r.external_key for r in rows if r.channel == "jira")
        assert all(r.status_reason for r in rows if r.status == "rejected")
        assert all(r.snoozed_until for r in rows if r.status == "snoozed")
        assert all(r.duplicate_of_id for r in rows if r.status == "duplicate")
        assert sum(r.rice_score is not None for r in rows) > 200
        assert sum(r.wsjf_score is not None for r in rows) > 200
        for r in rows[:50]:  # the stored scores are the scores of the components
            values = {
                name: getattr(r, name)
                for name in (
                    "rice_reach",
                    "rice_impact",
                    "rice_confidence",
                    "rice_effort",
                    "wsjf_value",
                    "wsjf_time_criticality",
                    "wsjf_risk_reduction",
                    "wsjf_job_size",
                )
            }
            assert scores_of(values) == (r.rice_score, r.wsjf_score)
        assert [d.key for d in custom_fields.definitions(session)] == [
            "customer_tier",
            "target_date",
        ]
        assert sum(bool(r.custom) for r in rows) > 150
        over = moscow.releases_over_limit(session)
        assert [o.name for o in over] == ["2027.1"]
        assert over[0].share.share_pct > 60

        links = list(session.scalars(select(TraceLink)))
        kinds = Counter(link.link_type for link in links)
        assert kinds["includes"] > 200 and kinds["touches"] > 100
        assert kinds["derives"] > 10 and kinds["duplicates"] == sum(
            r.status == "duplicate" for r in rows
        )
        assert {link.state for link in links} == {"valid"}
        types = registered_types()
        for link in links[:: max(1, len(links) // 60)]:
            source = types[link.source_type].load(session, link.source_id)
            target = types[link.target_type].load(session, link.target_id)
            assert link.source_fingerprint == types[link.source_type].fingerprint(source)
            assert link.target_fingerprint == types[link.target_type].fingerprint(target)
        report = audit.verify(session)
        assert report.intact
        created = session.scalars(
            select(audit.AuditEntry.entity_id).where(audit.AuditEntry.entity_type == "requirement")
        ).all()
        assert len(created) == 300
