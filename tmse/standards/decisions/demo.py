"""Demo step: the company's architecture decision records, imported as adr-tools files (so the
superseded ones carry their links) and traced to the services and data stores they govern."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tmse.core.links import service as links
from tmse.demo.steps import DemoContext, register_step
from tmse.integrations.adr_tools import Adr, AdrLink, adr_filename, render_adr
from tmse.standards.decisions import service as decisions
from tmse.standards.decisions.models import DecisionRecord

LINK_TYPE = "applies_to"


def _adr(
    number: int,
    title: str,
    date: str,
    status: str,
    context: str,
    decision: str,
    consequences: str,
    links: tuple[AdrLink, ...] = (),
) -> Adr:
    return Adr(
        number=number,
        title=title,
        date=dt.date.fromisoformat(date),
        status=status,
        links=list(links),
        context=context,
        decision=decision,
        consequences=consequences,
    )


RABBIT = "Publish order events on RabbitMQ"
ROCKET = "Move order and payment events to RocketMQ"
SESSIONS = "Keep sign-in sessions in Redis"

ADRS: tuple[Adr, ...] = (
    _adr(1, "Record architecture decisions", "2025-03-03", "accepted",
         "We need to record the architectural decisions made on this platform.",
         "We will use Architecture Decision Records, as described by Michael Nygard, kept with "
         "adr-tools and mirrored in tmse.",
         "See Michael Nygard's article. 每个重要决策都要有记录,评审时引用。"),
    _adr(2, "Shard order data in MySQL by user id", "2025-04-14", "accepted",
         "订单表单库已超过 20 亿行,大促期间主库写入延迟超过 200ms。Order volume doubles yearly.",
         "Orders live in MySQL 8.0, split into 16 databases by hash of the buyer's user id; "
         "order queries by merchant go to the warehouse, not to the shards.",
         "Cross-user queries need the warehouse. Re-sharding needs a planned migration window."),
    _adr(3, "Route all external traffic through an Envoy-based API gateway", "2025-05-06",
         "accepted",
         "Each team exposed services with its own Nginx rules; TLS, rate limits and token checks "
         "differed between teams.",
         "All north-south traffic enters through api-gateway (Envoy); partners use the "
         "open-platform-gateway with AppKey signatures.",
         "One place for TLS and limits; the gateway team is on the critical path of every launch."),
    _adr(4, RABBIT, "2025-06-10", "superseded",
         "Notifications and data sync poll the order database every few seconds.",
         "order-service publishes order.placed and payment.succeeded on RabbitMQ.",
         "Consumers decouple from the order database; RabbitMQ becomes a new thing to run.",
         (AdrLink("Superseded by", 7, ROCKET),)),
    _adr(5, "Separate reads from writes with replicas and db-proxy", "2025-07-21", "accepted",
         "读多写少的查询压垮了主库,报表查询与交易写入互相影响。",
         "Primaries take writes only; queries and reports read from replicas through db-proxy, "
         "which routes by statement and session stickiness.",
         "Replica lag (usually < 1 s) is visible to callers; read-your-writes needs the primary."),
    _adr(6, "Use gRPC between business services", "2025-09-02", "accepted",
         "Internal HTTP+JSON calls in checkout spend 30 % of their time in serialisation.",
         "Synchronous calls between business services use gRPC with protobuf contracts in one "
         "shared repository; the edge keeps HTTP+JSON.",
         "Contracts are versioned centrally; browser clients still go through the gateway."),
    _adr(7, ROCKET, "2025-11-18", "accepted",
         "RabbitMQ queues backed up during Double 11; we need ordered, replayable streams.",
         "Order and payment events move to RocketMQ topics run by message-bus; consumers keep "
         "offsets and can replay three days.",
         "Replay makes new consumers easy; ordering holds per order id only.",
         (AdrLink("Supersedes", 4, RABBIT),)),
    _adr(8, SESSIONS, "2025-02-10", "deprecated",
         "Sign-in sessions were held in memory by each auth-service instance.",
         "Sessions and refresh tokens are stored in session-redis.",
         "Deprecated by the move to short-lived signed tokens; the store remains for refresh "
         "tokens only."),
    _adr(9, "Consolidate coupon-service and member-coupon-service", "2026-10-12", "proposed",
         "两个团队各自建设了优惠券系统(coupon-service 与 member-coupon-service),规则与数据重复。",
         "Merge both into one promotion platform owned by Checkout & Orders; the member-only "
         "rules of member-coupon-service become coupon templates.",
         "One coupon ledger; membership must migrate its templates before Q2."),
)  # fmt: skip

# ADR number → the catalog entities it governs, as (kind, name).
GOVERNS: dict[int, tuple[tuple[str, str], ...]] = {
    2: (("service", "order-service"), ("data-store", "order-db")),
    3: (("service", "api-gateway"), ("service", "open-platform-gateway")),
    4: (("service", "order-service"), ("service", "notification-service")),
    5: (("service", "db-proxy"), ("data-store", "order-db-replica-1"),
        ("service", "user-service")),
    6: (("service", "inventory-service"), ("service", "pricing-service"),
        ("service", "risk-engine")),
    7: (("service", "message-bus"), ("service", "order-service"), ("service", "payment-service")),
    8: (("service", "auth-service"), ("data-store", "session-redis")),
    9: (("service", "coupon-service"), ("service", "member-coupon-service")),
}  # fmt: skip


def create_decisions(ctx: DemoContext) -> None:
    """Import the records, then link each to what it governs (when the catalog step ran)."""
    ctx.expect(len(ADRS) + sum(map(len, GOVERNS.values())))
    files = {adr_filename(adr): render_adr(adr) for adr in ADRS}
    with ctx.db.session() as session:
        decisions.import_files(session, ctx.actor, files)
        ctx.advance(len(ADRS))
        ids = {n: i for n, i in session.execute(select(DecisionRecord.number, DecisionRecord.id))}
        for number, record_id in ids.items():
            ctx.remember("adr", record_id, str(number))
        for number, governed in GOVERNS.items():
            for kind, name in governed:
                target = ctx.named.get(f"catalog:{kind}:{name}")
                if target is not None:
                    links.create_link(
                        session, ctx.actor, f"adr:{ids[number]}", f"{kind}:{target}", LINK_TYPE
                    )
                ctx.advance()


register_step("decisions", create_decisions, order=210)
