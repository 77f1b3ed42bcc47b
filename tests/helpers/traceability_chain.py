"""A small traceability chain for the API and browser tests, rows inserted directly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests.helpers import SYSTEM
from tmse.catalog.models import Service
from tmse.core.db import Database
from tmse.core.identity.models import Team
from tmse.core.links.service import create_link
from tmse.requirements.models import Requirement
from tmse.strategy.models import BusinessGoal, Initiative, TechObjective


def build_chain(db: Database) -> dict[str, int]:
    """Grow online sales → Faster checkout → Checkout rewrite → 一键支付 → payments, with
    Saved cards derived from 一键支付 (→ cards); Lower cost leads nowhere; Cloud exit, Dark mode
    and legacy-ui have nothing above them."""
    period = {"period_start": dt.date(2026, 1, 1), "period_end": dt.date(2026, 12, 31)}
    with db.session() as session:
        team = Team(name="Payments team", kind="team")
        grow = BusinessGoal(name="Grow online sales", metric="GMV", target_value=150, **period)
        lower = BusinessGoal(name="Lower cost", metric="Cost", target_value=Decimal(90), **period)
        faster = TechObjective(name="Faster checkout", **period)
        cloud = TechObjective(name="Cloud exit", **period)
        rewrite = Initiative(name="Checkout rewrite", planned_person_days=120)
        pay = Requirement(title="一键支付")
        cards = Requirement(title="Saved cards")
        dark = Requirement(title="Dark mode")
        session.add_all([team, grow, lower, faster, cloud, rewrite, pay, cards, dark])
        session.flush()
        services = {
            name: Service(name=name, layer="business", owner_team_id=team.id)
            for name in ("payments", "cards", "legacy-ui")
        }
        session.add_all(services.values())
        session.flush()
        for source, target, link_type in (
            (f"goal:{grow.id}", f"objective:{faster.id}", "supports"),
            (f"objective:{faster.id}", f"initiative:{rewrite.id}", "drives"),
            (f"initiative:{rewrite.id}", f"requirement:{pay.id}", "includes"),
            (f"requirement:{pay.id}", f"requirement:{cards.id}", "derives"),
            (f"requirement:{pay.id}", f"service:{services['payments'].id}", "touches"),
            (f"requirement:{cards.id}", f"service:{services['cards'].id}", "touches"),
        ):
            create_link(session, SYSTEM, source, target, link_type)
        ids = {
            "grow": grow.id,
            "lower": lower.id,
            "faster": faster.id,
            "cloud": cloud.id,
            "rewrite": rewrite.id,
            "pay": pay.id,
            "cards": cards.id,
            "dark": dark.id,
            "team": team.id,
        }
        ids |= {f"svc-{name}": s.id for name, s in services.items()}
    return ids
