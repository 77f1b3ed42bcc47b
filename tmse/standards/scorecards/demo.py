"""Demo step: today's scores, twelve weeks of history climbing towards them, and two campaigns
(one on track, one lagging)."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from tmse.catalog.queries import service_ids, service_rows
from tmse.core.db import utctoday
from tmse.core.identity.models import Team
from tmse.demo.steps import DemoContext, register_step
from tmse.standards.scorecards import rollup
from tmse.standards.scorecards.campaigns import service as campaigns
from tmse.standards.scorecards.levels.service import level_defs
from tmse.standards.scorecards.models import Campaign, ScoreSnapshot
from tmse.standards.scorecards.schemas import CampaignCreate, CampaignScope
from tmse.standards.scorecards.service import take_snapshots

HISTORY_DAYS = 84
GOVERNANCE = "Standards & Governance / 标准与治理组"


def history_rows(
    rng: random.Random, now: dict[str, Any], defs: list[rollup.LevelDef], days: list[int]
) -> list[dict[str, Any]]:
    """Past snapshots of one service, `days` ago each: it climbed from a lower level (and
    score) at the start of the window to today's, one level at a time on random days."""
    rank_now = rollup.rank_of(now["level"], defs)
    start_rank = max(0, rank_now - rng.choice((0, 0, 1, 1, 1, 2)))
    # The day (ago) each missing level was reached, latest climb nearest to today.
    steps = sorted(rng.sample(range(3, HISTORY_DAYS - 3), rank_now - start_rank), reverse=True)
    gap = 7.0 * (rank_now - start_rank) + rng.uniform(0, 8)
    by_rank = {lv.rank: lv.key for lv in defs}
    rows = []
    for ago in days:
        rank = start_rank + sum(1 for step in steps if ago < step)
        fraction = ago / HISTORY_DAYS
        score = now["score"] - gap * fraction + rng.uniform(-1.5, 1.5)
        score = round(min(100.0, max(0.0, score)), 1)
        ratio = score / now["score"] if now["score"] else 1.0
        passed = min(now["total"], round(now["passed"] * ratio))
        rows.append(
            {
                "service_id": now["service_id"],
                "taken_on": utctoday() - dt.timedelta(days=ago),
                "score": score,
                "level": by_rank.get(rank),
                "passed": passed,
                "total": now["total"],
                "by_standard": {
                    key: [min(total, round(done * ratio)), total]
                    for key, (done, total) in now["by_standard"].items()
                },
            }
        )
    return rows


def seed_history(ctx: DemoContext, session: Session) -> None:
    defs = level_defs(session)
    current = session.scalars(select(ScoreSnapshot).where(ScoreSnapshot.taken_on == utctoday()))
    # Daily for the demo company; weekly for `--size large`, which has 10,000 services.
    days = list(range(HISTORY_DAYS, 0, -7 if ctx.large else -1))
    batch: list[dict[str, Any]] = []
    for snapshot in list(current):
        now = {
            "service_id": snapshot.service_id,
            "score": snapshot.score,
            "level": snapshot.level,
            "passed": snapshot.passed,
            "total": snapshot.total,
            "by_standard": snapshot.by_standard or {},
        }
        batch.extend(history_rows(ctx.random, now, defs, days))
        if len(batch) >= 5000:
            session.execute(insert(ScoreSnapshot), batch)
            batch = []
        ctx.advance()
    if batch:
        session.execute(insert(ScoreSnapshot), batch)


def _share_by_team(session: Session, keys: set[str]) -> dict[str, tuple[int, int]]:
    services = service_rows()
    rows = session.execute(
        select(services.c.owner, ScoreSnapshot.level)
        .join(services, services.c.id == ScoreSnapshot.service_id)
        .where(ScoreSnapshot.taken_on == utctoday())
    ).all()
    totals: Counter[str] = Counter()
    done: Counter[str] = Counter()
    for team, level in rows:
        totals[team] += 1
        done[team] += level in keys
    return {team: (done[team], totals[team]) for team in totals}


def _start(session: Session, campaign: Campaign, days_ago: int) -> None:
    campaign.created_at = campaign.created_at - dt.timedelta(days=days_ago)
    session.flush()


def seed_campaigns(ctx: DemoContext, session: Session) -> None:
    defs = level_defs(session)
    silver = defs[1].key if len(defs) > 1 else defs[0].key
    gold = defs[-1].key
    at_silver = {lv.key for lv in defs if lv.rank >= rollup.rank_of(silver, defs)}
    shares = _share_by_team(session, at_silver)
    # On track: the team closest to done (but not done) with a few services, given time.
    candidates = [(d / t, team) for team, (d, t) in shares.items() if t >= 3 and 0 < d < t]
    share, team = max(candidates) if candidates else (0.5, None)
    owner = session.scalar(select(Team.name).where(Team.name == GOVERNANCE))
    on_track = campaigns.create_campaign(
        session,
        ctx.actor,
        CampaignCreate(
            name="Silver for every service of " + team if team else "Silver for every service",
            description="Every service of the team reaches Silver: owner, docs, tests at 60 % "
            "and TLS. 团队所有服务在季度内达到白银级。",
            target_level=silver,
            due_on=utctoday() + dt.timedelta(days=42),
            scope=CampaignScope(team=team),
            owner=team,
        ),
    )
    # Started so that a straight line to the due date is below where the team is now.
    elapsed = int(42 * share * 0.8 / max(0.01, 1 - share * 0.8))
    _start(session, on_track, min(HISTORY_DAYS - 7, max(7, elapsed)))
    lagging = campaigns.create_campaign(
        session,
        ctx.actor,
        CampaignCreate(
            name="Gold across the business layer",
            description="Business services hold Gold before the year-end freeze: full API "
            "design conformance, structured logs, fresh dependencies. "
            "年底封版前业务层服务达到黄金级。",
            target_level=gold,
            due_on=utctoday() + dt.timedelta(days=18),
            scope=CampaignScope(layer="business"),
            owner=owner,
        ),
    )
    _start(session, lagging, 66)


def create_scorecards(ctx: DemoContext) -> None:
    with ctx.db.session() as session:
        services = len(service_ids(session))
        ctx.expect(services + 2)
        take_snapshots(session, ctx.actor)
        ctx.advance()
        seed_history(ctx, session)
        seed_campaigns(ctx, session)
        ctx.advance()


register_step("scorecards", create_scorecards, order=230)
