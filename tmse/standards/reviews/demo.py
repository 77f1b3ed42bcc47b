"""Demo step: six architecture reviews of the demo catalog in different states, each through the
review service (checklists evaluated, every step audited); `architect` reviews, `lead` requests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.catalog.data_stores.queries import existing_data_store_names
from tmse.catalog.queries import existing_service_names
from tmse.core.actor import Actor
from tmse.core.identity.models import User, UserRole
from tmse.core.permissions import Role
from tmse.demo.steps import DemoContext, register_step
from tmse.standards.decisions.models import DecisionRecord
from tmse.standards.reviews import service
from tmse.standards.reviews.models import ArchitectureReview
from tmse.standards.reviews.schemas import (
    CommentIn,
    ConditionTick,
    DecisionIn,
    OpinionIn,
    ReviewCreate,
)

ACC = "Customer Accounts / 用户账户"
MOB = "Mobile Apps / 移动端"
ORD = "Checkout & Orders / 交易与订单"


def _actor(session: Session, username: str | None) -> Actor | None:
    user = session.scalar(select(User).where(User.username == username)) if username else None
    if user is None:
        return None
    return Actor(user.id, user.username, frozenset(user.role_names))


def _people(session: Session) -> tuple[Actor, list[Actor]] | None:
    """The requester (the `lead` persona, else any tech lead) and two architects."""

    def with_role(role: str) -> list[str]:
        return list(
            session.scalars(
                select(User.username)
                .join(UserRole, UserRole.user_id == User.id)
                .where(UserRole.role == role)
                .order_by(User.id)
            )
        )

    architects = with_role(Role.ARCHITECT)
    if "architect" in architects:
        architects.remove("architect")
        architects.insert(0, "architect")
    leads = with_role(Role.TECH_LEAD)
    requester = _actor(session, "lead" if "lead" in leads else (leads[0] if leads else None))
    reviewers = [a for a in (_actor(session, name) for name in architects[:2]) if a]
    if requester is None or len(reviewers) < 2:
        return None
    return requester, reviewers


def _exists(session: Session, services: list[str], stores: list[str]) -> bool:
    found = existing_service_names(session, services)
    found_stores = existing_data_store_names(session, stores)
    return found == set(services) and found_stores == set(stores)


def _dep(target: str, kind: str = "service", protocol: str = "http") -> dict[str, str]:
    return {"target": target, "kind": kind, "protocol": protocol}


def _plans(adrs: list[int]) -> list[dict[str, Any]]:
    new, change = "new-service", "significant-change"
    return [
        {"outcome": "approved", "body": {
            "title": "Loyalty points service for the membership programme", "kind": new,
            "proposal": {"name": "loyalty-points-service", "layer": "business", "owner": ACC,
                         "system": "membership",
                         "dependencies": [_dep("order-service"),
                                          _dep("user-db", "data-store", "mysql")]},
            "description": "Members earn points on paid orders and spend them at checkout. "
                           "会员下单积分、结算抵扣。", "adrs": adrs[:1]}},
        {"outcome": "conditions", "body": {
            "title": "Live-stream shopping page", "kind": new,
            "proposal": {"name": "live-stream-web", "layer": "frontend", "owner": MOB,
                         "system": "storefront",
                         "dependencies": [_dep("api-gateway"),
                                          _dep("order-db", "data-store", "mysql")]},
            "description": "直播带货页面。Reads order counts straight from the order database "
                           "for the live ticker."}},
        {"outcome": "rejected", "body": {
            "title": "Flash-sale portal reading stock and payments directly", "kind": new,
            "proposal": {"name": "flash-sale-portal", "layer": "frontend", "owner": ORD,
                         "system": "trading",
                         "dependencies": [_dep("inventory-service"),
                                          _dep("payment-db", "data-store", "postgresql")]},
            "description": "秒杀专用门户,为了降低延迟绕过网关直连库存与支付库。"}},
        {"outcome": "in-review", "body": {
            "title": "Product catalogue publishes to the data warehouse", "kind": change,
            "service": "product-catalog-service",
            "dependencies": [_dep("data-warehouse", "data-store", "clickhouse")],
            "description": "Replace the nightly export with change-data events to the warehouse."}},
        {"outcome": "requested", "body": {
            "title": "Checkout moves price calculation in-process", "kind": change,
            "service": "checkout-service", "dependencies": [],
            "description": "结算时本地计算价格,减少一次远程调用。"}},
        {"outcome": "withdrawn", "body": {
            "title": "A second coupon centre for the mini program", "kind": new,
            "proposal": {"name": "coupon-center", "layer": "business", "owner": MOB,
                         "dependencies": [_dep("user-service")]},
            "description": "小程序专用优惠券中心。"
                           "Withdrawn: the existing coupon-service covers it."}},
    ]  # fmt: skip


def _decide(
    session: Session,
    actor: Actor,
    review: ArchitectureReview,
    status: str,
    note: str,
    conditions: list[dict[str, Any]] | None = None,
) -> ArchitectureReview:
    data = DecisionIn(version=review.version, status=status, note=note, conditions=conditions or [])
    return service.decide(session, actor, review.id, data)


def _play(
    session: Session, outcome: str, review: ArchitectureReview, people: tuple[Actor, list[Actor]]
) -> None:
    requester, (lead_architect, second) = people
    if outcome == "approved":
        service.give_opinion(session, lead_architect, review.id, OpinionIn(opinion="approve"))
        service.give_opinion(session, second, review.id, OpinionIn(opinion="approve"))
        _decide(session, lead_architect, review, "approved", "Fits the layering; reuse user-db.")
    elif outcome == "conditions":
        service.give_opinion(
            session,
            lead_architect,
            review.id,
            OpinionIn(opinion="approve-with-conditions", comment="Go through the gateway."),
        )
        blocking = [i["key"] for i in review.checklist if i["blocking"]]
        review = _decide(
            session,
            lead_architect,
            review,
            "approved-with-conditions",
            "Approved once the page stops reading the order database.",
            [
                {
                    "text": "Read order counts through order-service's API, not order-db",
                    "addresses": blocking,
                },
                {"text": "Load-test the ticker at 10x the expected audience"},
            ],
        )
        service.tick_condition(
            session, lead_architect, review.id, 1, ConditionTick(version=review.version)
        )
    elif outcome == "rejected":
        service.give_opinion(
            session,
            second,
            review.id,
            OpinionIn(opinion="reject", comment="Frontend must not reach data stores."),
        )
        _decide(
            session,
            lead_architect,
            review,
            "rejected",
            "Rejected for layer violations: a frontend may only call the gateway. "
            "Put the flash-sale logic behind the gateway in the business layer.",
        )
    elif outcome == "in-review":
        service.give_opinion(
            session,
            lead_architect,
            review.id,
            OpinionIn(opinion="approve", comment="Events are the right direction."),
        )
        service.add_comment(
            session, second, review.id, CommentIn(body="What is the retention of the topic?")
        )
        service.add_comment(
            session, requester, review.id, CommentIn(body="Seven days; the warehouse keeps all.")
        )
    elif outcome == "withdrawn":
        service.withdraw(session, requester, review.id, review.version)


def create_reviews(ctx: DemoContext) -> None:
    plans = _plans([])
    ctx.expect(len(plans))
    with ctx.db.session() as session:
        people = _people(session)
        if people is None:
            return
        adrs = list(session.scalars(select(DecisionRecord.number).order_by(DecisionRecord.number)))
        requester, reviewers = people
        for plan in _plans(adrs):
            body = plan["body"]
            proposal = body.get("proposal") or {}
            deps = proposal.get("dependencies") or body.get("dependencies") or []
            services = [d["target"] for d in deps if d["kind"] == "service"]
            stores = [d["target"] for d in deps if d["kind"] == "data-store"]
            if not _exists(
                session, services + ([body["service"]] if "service" in body else []), stores
            ):
                continue  # the catalog demo did not plant what this review is about
            body["reviewers"] = [r.username for r in reviewers]
            review = service.request_review(session, requester, ReviewCreate.model_validate(body))
            _play(session, plan["outcome"], review, people)
            ctx.remember("review", review.id)
            ctx.advance()


register_step("reviews", create_reviews, order=240)
