"""The delivery demo's projects as data: their phases, sprints, releases and milestones, in days
from today (a table the demo step walks)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tmse.delivery.models import PhaseKind


@dataclass(frozen=True)
class PhasePlan:
    name: str
    kind: str
    start: int  # days from today
    end: int
    sprints: int = 0


@dataclass(frozen=True)
class ProjectPlan:
    key: str
    name: str
    team: str
    owner: str
    status: str
    start: int
    end: int
    description: str
    phases: list[PhasePlan]
    releases: list[tuple[str, int, int | None]] = field(default_factory=list)
    milestones: list[tuple[str, int, int | None]] = field(default_factory=list)


PLANS = [
    ProjectPlan(
        "PAY",
        "支付中台升级 / Payments platform upgrade",
        "Payments / 支付",
        "pm",
        "active",
        -84,
        35,
        "Move every payment channel onto the new ledger, then pass the launch gate. "
        "所有支付渠道迁移到新账务中台，然后通过上线关口。",
        [
            PhasePlan("构建一期 / Build 1", PhaseKind.ITERATIVE, -84, -43, 3),
            PhasePlan("构建二期 / Build 2", PhaseKind.ITERATIVE, -42, 13, 4),
            PhasePlan("上线关口 / Launch gate", PhaseKind.GATED, 14, 35),
        ],
        releases=[("PAY 2.0", -30, -29), ("PAY 2.1", 35, None)],
        milestones=[("公测 / Public beta", -29, -28), ("正式上线 / GA", 35, None)],
    ),
    ProjectPlan(
        "CDP",
        "客户数据平台 / Customer data platform",
        "Checkout & Orders / 交易与订单",
        "pm",
        "active",
        -60,
        120,
        "A stage-gated build of one customer profile for marketing and risk. "
        "阶段关口式建设统一客户画像。",
        [
            PhasePlan("立项 / Concept", PhaseKind.GATED, -60, -31),
            PhasePlan("方案设计 / Design", PhaseKind.GATED, -30, 20),
            PhasePlan("建设 / Build", PhaseKind.GATED, 21, 120),
        ],
        releases=[("CDP 1.0", 120, None)],
        milestones=[("方案评审 / Design review", 20, None)],
    ),
    ProjectPlan(
        "MOB",
        "移动端 App 改版 / Mobile app redesign",
        "Mobile Apps / 移动端",
        "lead",
        "active",
        -56,
        55,
        "Sprint by sprint: new home, search and checkout screens. 逐个迭代交付新首页、搜索与结算。",
        [PhasePlan("迭代交付 / Sprints", PhaseKind.ITERATIVE, -56, 55, 8)],
        releases=[("App 6.0", -14, -13), ("App 6.1", 28, None)],
        milestones=[
            ("设计定稿 / Design freeze", -42, -42),
            ("应用商店发布 / Store release", 55, None),
        ],
    ),
    ProjectPlan(
        "LEG",
        "旧订单系统下线 / Legacy order system retirement",
        "Checkout & Orders / 交易与订单",
        "pm",
        "closed",
        -200,
        -90,
        "Closed: traffic moved to order-service, the old system switched off. "
        "已结项：流量切到新订单服务，旧系统下线。",
        [
            PhasePlan("迁移 / Migration", PhaseKind.ITERATIVE, -200, -131, 5),
            PhasePlan("下线关口 / Switch-off gate", PhaseKind.GATED, -130, -90),
        ],
        releases=[("Cut-over", -120, -118)],
        milestones=[("旧系统关闭 / Switch-off", -95, -92)],
    ),
]
