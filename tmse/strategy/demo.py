"""Demo step: five business goals, ten tech objectives with key results, fifteen initiatives (two
serving no goal on purpose), all through the strategy services so each write is audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from tmse.core.actor import Actor
from tmse.core.db import utctoday
from tmse.demo.steps import DemoContext, register_step
from tmse.strategy import service
from tmse.strategy.initiatives import service as initiatives
from tmse.strategy.schemas import GoalCreate, InitiativeCreate, ObjectiveCreate

YEAR = utctoday().year
H1 = (dt.date(YEAR, 1, 1), dt.date(YEAR, 6, 30))
H2 = (dt.date(YEAR, 7, 1), dt.date(YEAR, 12, 31))
FULL = (dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))

# (key, name, owner, metric, unit, baseline, target, current, description)
GOALS: list[tuple[Any, ...]] = [
    ("gmv", "线上交易额增长 / Grow online GMV", "cto", "Online GMV", "亿 CNY",
     120, 150, 131, "Grow online gross merchandise value by a quarter this year."),
    ("retention", "会员留存提升 / Keep members coming back", "pm", "12-month member retention",
     "%", 38, 45, 40.5, "More members still buying a year after they join."),
    ("stability", "大促零重大故障 / Zero major incidents in big sales", "cto",
     "P1 incidents during 618 and Double 11", "count", 4, 0, 1,
     "No severity-1 incident during the two big sales events."),
    ("cost", "IT 成本降低 / Cut IT cost per order", "cto", "IT cost per order", "CNY",
     0.42, 0.33, 0.39, "Lower infrastructure and licence cost per order."),
    ("compliance", "数据合规达标 / Pass the personal-data compliance audit", "pm",
     "Audit findings open", "count", 23, 0, 9,
     "Close every finding of the PIPL personal-information audit."),
]  # fmt: skip

# (key, name, owner, period, goal keys, [(kr name, unit, start, target, current)])
OBJECTIVES: list[tuple[Any, ...]] = [
    ("checkout", "结算链路提速 / Faster checkout", "lead", H1, ["gmv"],
     [("Checkout P95 latency", "ms", 820, 300, 510), ("Checkout conversion", "%", 61, 68, 64.2)]),
    ("search", "搜索推荐升级 / Better search and recommendations", "pm", FULL, ["gmv", "retention"],
     [("Search click-through", "%", 18, 25, 20.1), ("Recommendation GMV share", "%", 9, 15, 11),
      ("Zero-result searches", "%", 7, 3, 5.6)]),
    ("mobile", "移动端体验 / Mobile app experience", "lead", FULL, ["retention"],
     [("App store rating", "stars", 4.1, 4.6, 4.3),
      ("Crash-free sessions", "%", 99.1, 99.8, 99.5)]),
    ("loyalty", "会员积分平台 / Loyalty points platform", "pm", H2, ["retention"],
     [("Members earning points monthly", "万", 120, 300, 150),
      ("Points redemption rate", "%", 12, 25, None)]),
    ("resilience", "核心链路高可用 / Resilient core services", "architect", H1, ["stability"],
     [("Core services with multi-zone failover", "%", 35, 100, 70),
      ("Drills passed", "count", 0, 12, 5), ("MTTR", "min", 95, 30, 52)]),
    ("capacity", "大促容量保障 / Capacity for peak sales", "architect", H1, ["stability", "gmv"],
     [("Peak orders per second tested", "k", 18, 60, 42),
      ("Autoscaled services", "%", 20, 90, 55)]),
    ("cloud-cost", "云资源优化 / Cloud spend optimisation", "architect", FULL, ["cost"],
     [("Average CPU utilisation", "%", 18, 45, 27),
      ("Reserved-instance coverage", "%", 30, 80, 62)]),
    ("platform", "研发效能平台 / Developer platform", "lead", FULL, ["cost"],
     [("Lead time for changes", "h", 96, 24, 60), ("Deployments per week", "count", 40, 150, 85)]),
    ("privacy", "个人信息保护 / Personal-data protection", "architect", H2, ["compliance"],
     [("Personal-data fields encrypted", "%", 40, 100, 66),
      ("Consent records complete", "%", 55, 100, 71)]),
    ("data-gov", "数据治理 / Data governance", "pm", FULL, ["compliance"],
     [("Tables with an owner", "%", 30, 95, 58), ("Data-quality checks", "count", 10, 200, 64)]),
]  # fmt: skip

# (name, owner, person-days, cost CNY, objective keys, start, end)
INITIATIVES: list[tuple[Any, ...]] = [
    ("支付网关重构 / Payment gateway rewrite", "lead", 260, 1_300_000, ["checkout"], H1),
    ("一键下单 / One-tap checkout", "lead", 90, 420_000, ["checkout"], H1),
    ("向量检索 / Vector search engine", "lead", 180, 950_000, ["search"], FULL),
    ("实时推荐流 / Real-time recommendation stream", "pm", 150, 820_000, ["search"], H2),
    ("App 冷启动优化 / App cold-start tuning", "lead", 45, 180_000, ["mobile"], H1),
    ("积分中心 / Points ledger service", "pm", 210, 1_050_000, ["loyalty"], H2),
    ("同城双活 / Active-active data centres", "architect", 420, 3_600_000, ["resilience"], FULL),
    ("混沌工程演练 / Chaos engineering drills", "architect", 60, 150_000,
     ["resilience", "capacity"], H1),
    ("全链路压测 / Full-path load testing", "lead", 110, 520_000, ["capacity"], H1),
    ("弹性伸缩 / Autoscaling for core services", "architect", 80, 300_000,
     ["capacity", "cloud-cost"], H1),
    ("FinOps 看板 / FinOps dashboard", "pm", 35, 90_000, ["cloud-cost"], H2),
    ("统一 CI/CD / One CI/CD pipeline", "lead", 140, 560_000, ["platform"], FULL),
    ("敏感数据加密 / Encrypt personal data at rest", "architect", 120, 640_000, ["privacy"], H2),
    # Two on purpose serve no goal: the alignment view lists them as orphans.
    ("办公网升级 / Office network upgrade", "lead", 30, 260_000, [], H2),
    ("旧版 BI 迁移 / Legacy BI migration", "pm", 75, 340_000, [], FULL),
]  # fmt: skip


def _owner(ctx: DemoContext, persona: str) -> str | None:
    return persona if f"user:{persona}" in ctx.named else None


def create_strategy(ctx: DemoContext) -> None:
    """Create the goals, objectives and initiatives; remember their ids for later steps."""
    ctx.expect(len(GOALS) + len(OBJECTIVES) + len(INITIATIVES))
    actor: Actor = ctx.actor
    with ctx.db.session() as session:
        goal_ids: dict[str, int] = {}
        for key, name, owner, metric, unit, base, target, current, about in GOALS:
            goal = service.create_goal(
                session,
                actor,
                GoalCreate(
                    name=name,
                    owner=_owner(ctx, owner),
                    period_start=FULL[0],
                    period_end=FULL[1],
                    metric=metric,
                    unit=unit,
                    description=about,
                    baseline_value=Decimal(str(base)),
                    target_value=Decimal(str(target)),
                    current_value=Decimal(str(current)),
                ),
            )
            goal_ids[key] = goal.id
            ctx.remember("goal", goal.id, key)
            ctx.advance()
        objective_ids: dict[str, int] = {}
        for key, name, owner, period, goals, key_results in OBJECTIVES:
            objective = service.create_objective(
                session,
                actor,
                ObjectiveCreate.model_validate(
                    {
                        "name": name,
                        "owner": _owner(ctx, owner),
                        "period_start": period[0],
                        "period_end": period[1],
                        "goal_ids": [goal_ids[g] for g in goals],
                        "key_results": [
                            {
                                "name": kr,
                                "unit": unit,
                                "start_value": str(start),
                                "target_value": str(target),
                                "current_value": None if now is None else str(now),
                            }
                            for kr, unit, start, target, now in key_results
                        ],
                    }
                ),
            )
            objective_ids[key] = objective.id
            ctx.remember("objective", objective.id, key)
            ctx.advance()
        for name, owner, days, cost, objectives, period in INITIATIVES:
            initiative = initiatives.create_initiative(
                session,
                actor,
                InitiativeCreate(
                    name=name,
                    owner=_owner(ctx, owner),
                    planned_person_days=Decimal(days),
                    planned_cost=Decimal(cost),
                    start_on=period[0],
                    end_on=period[1],
                    objective_ids=[objective_ids[o] for o in objectives],
                ),
            )
            ctx.remember("initiative", initiative.id)
            if not objectives:
                ctx.remember("initiative:orphan", initiative.id)
            ctx.advance()


register_step("strategy", create_strategy, order=300)
