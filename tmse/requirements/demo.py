"""Demo step "requirements": ~300 requirements in every state, with priorities, custom fields,
every intake channel and trace links; `--size large` adds 50,000 more (demo_large)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from tmse.catalog.demo.large import BulkWriter
from tmse.core.db import utctoday
from tmse.core.identity.models import User
from tmse.demo.steps import DemoContext, register_step
from tmse.requirements import custom_fields
from tmse.requirements.demo_large import (
    create_large_requirements,
    entity_fingerprints,
    fingerprint,
    insert_links,
    insert_requirements,
    load_scope,
    plan_links,
    requirement_row,
)
from tmse.requirements.models import Channel, MoSCoW, Requirement, RequirementStatus

# MoSCoW, RICE and WSJF components; two custom fields (customer tier, target date); links
# initiative → requirement (includes), requirement → service (touches), requirement →
# requirement (derives, duplicates). One release plans more than 60% of its effort as Must-have.

SMALL_REQUIREMENTS = 300
# A few that read well at the top of the backlog.
SHOWCASE = (
    ("Pay with Alipay and WeChat Pay at checkout / 结算支持支付宝与微信支付", "must", "approved"),
    ("Refund progress notifications / 退款进度实时通知", "should", "in-review"),
    ("Search by pinyin initials / 拼音首字母搜索", "could", "accepted"),
    ("Dark mode for the merchant portal", "wont", "snoozed"),
)


def _custom_fields(ctx: DemoContext, session: Any) -> tuple[str, str]:
    tier = custom_fields.create_definition(
        session,
        ctx.actor,
        {
            "key": "customer_tier",
            "label_en": "Customer tier",
            "label_zh": "客户等级",
            "kind": "single_select",
            "options": ["Enterprise / 大客户", "SMB / 中小商户", "Consumer / 个人用户"],
            "position": 1,
        },
    )
    target = custom_fields.create_definition(
        session,
        ctx.actor,
        {
            "key": "target_date",
            "label_en": "Target date",
            "label_zh": "目标日期",
            "kind": "date",
            "position": 2,
        },
    )
    return tier.key, target.key


def _cover_every_value(rows: list[dict[str, Any]]) -> None:
    """Every status, MoSCoW value and channel at least once, whatever the random draw."""
    statuses, moscows, channels = list(RequirementStatus), list(MoSCoW), list(Channel)
    for index, row in enumerate(rows[: len(statuses)]):
        row["status"] = str(statuses[index])
        row["status_reason"] = "Out of scope for this year." if row["status"] == "rejected" else ""
        row["snoozed_until"] = (
            utctoday() + dt.timedelta(days=45) if row["status"] == "snoozed" else None
        )
    for index, row in enumerate(rows[len(statuses) : len(statuses) + len(moscows)]):
        row["moscow"] = str(moscows[index])
    for index, row in enumerate(rows[20 : 20 + len(channels)]):
        row["channel"] = str(channels[index])
        row["external_key"] = f"SHOP-{1000 + 20 + index}" if row["channel"] == "jira" else None
    for (title, moscow, status), row in zip(SHOWCASE, rows[-len(SHOWCASE) :], strict=True):
        row.update(title=title, moscow=moscow, status=status)
        row["snoozed_until"] = utctoday() + dt.timedelta(days=30) if status == "snoozed" else None


def _overload_one_release(rows: list[dict[str, Any]]) -> None:
    """The first release planned gets about three quarters of its effort as Must-haves: over
    the 60% limit, while the others stay under it."""
    first = next((row["release_id"] for row in rows if row.get("release_id")), None)
    planned = [
        row
        for row in rows
        if first is not None
        and row.get("release_id") == first
        and row["status"] not in ("rejected", "duplicate")
    ]
    total = sum(row["effort_days"] for row in planned)
    must = 0.0
    for row in sorted(planned, key=lambda r: -r["effort_days"]):
        if must < total * 0.75:
            row["moscow"], must = "must", must + row["effort_days"]
        elif row["moscow"] == "must":
            row["moscow"] = "should"


def create_requirements(ctx: DemoContext) -> None:
    rng = ctx.random
    with ctx.db.session() as session:
        scope = load_scope(session, ctx)
        user_ids = ctx.created.get("user", [])
        requesters = list(
            session.scalars(select(User.username).where(User.id.in_(user_ids)).order_by(User.id))
        )[:60]
        managers = list(ctx.created.get("user:product_manager", []))
        custom_keys = _custom_fields(ctx, session)
        today = utctoday()
        rows = [
            requirement_row(rng, i, scope, requesters, managers, today, custom_keys)
            for i in range(SMALL_REQUIREMENTS)
        ]
        _cover_every_value(rows)
        _overload_one_release(rows)
        orphans = set(ctx.created.get("initiative:orphan", []))
        initiatives = [i for i in ctx.created.get("initiative", []) if i not in orphans]
        services = list(ctx.created.get("catalog:service", []))[:40]
        writer = BulkWriter(session, ctx)
        first = session.scalar(select(func.max(Requirement.id))) or 0
        planned = list(range(first + 1, first + 1 + len(rows)))
        links = plan_links(
            rng,
            rows,
            planned,
            initiatives,
            services,
            touches=(0, 2),
            derives_share=0.1,
            includes_share=0.85,
        )
        ctx.expect(len(rows) + len(links))
        ids = insert_requirements(writer, rows)
        assert ids == planned
        prints = {("requirement", i): fingerprint(row) for i, row in zip(ids, rows, strict=True)}
        prints |= _fingerprints(session, initiatives, services)
        insert_links(writer, links, prints, ctx.actor.username)
        for requirement_id in ids:
            ctx.remember("requirement", requirement_id)
        if ctx.large:
            linked_initiatives = initiatives or ctx.created.get("initiative", [])
            linked_services = list(ctx.created.get("catalog:service", []))
            base: dict[str, Any] = {
                "scope": scope,
                "requesters": requesters,
                "managers": managers,
                "today": today,
                "custom_keys": custom_keys,
                "done": len(rows) + len(links),
                "initiatives": linked_initiatives,
                "services": linked_services,
                "fingerprints": _fingerprints(session, linked_initiatives, linked_services),
            }
            create_large_requirements(ctx, writer, base)
        writer.finish()


def _fingerprints(session: Any, initiatives: list[int], services: list[int]) -> dict[Any, str]:
    prints: dict[Any, str] = {}
    for kind, ids in (("initiative", initiatives), ("service", services)):
        if ids:
            found = entity_fingerprints(session, kind, set(ids))
            prints |= {(kind, entity_id): value for entity_id, value in found.items()}
    return prints


register_step("requirements", create_requirements, order=320)
