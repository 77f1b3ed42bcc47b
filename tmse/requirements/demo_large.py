"""Generated requirements and their trace links, written in bulk (the small demo's ~300 and the
large size's ≥ 50,000 with ≥ 200,000 links)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.catalog.demo.large import BulkWriter
from tmse.core.links.models import LinkState, TraceLink
from tmse.core.links.registry import registered_types
from tmse.demo.steps import DemoContext
from tmse.planning import queries as planning
from tmse.requirements.models import CONTENT_FIELDS, Requirement
from tmse.requirements.scoring import (
    RICE_COMPONENTS,
    RICE_CONFIDENCES,
    WSJF_COMPONENTS,
    WSJF_SCALE,
    scores_of,
)

# Rows are planned in Python, scored by the same pure functions as the flush hook, INSERTed with
# executemany and audited with one chained entry per row (`tmse.core.audit.record_many`, through
# the catalog's BulkWriter).

LARGE_REQUIREMENTS = 50_000
STATUS_WEIGHTS = {
    "pending": 14, "accepted": 18, "rejected": 6, "snoozed": 5, "duplicate": 4,
    "in-review": 12, "approved": 16, "in-progress": 15, "done": 10,
}  # fmt: skip
MOSCOW_WEIGHTS = {"must": 28, "should": 32, "could": 26, "wont": 14}
CHANNEL_WEIGHTS = {"web": 40, "api": 20, "csv": 15, "jira": 25}
TYPE_WEIGHTS = {"feature": 50, "improvement": 20, "bug": 12, "technical": 12, "non-functional": 6}
IMPACTS = ("3", "2", "1", "0.5", "0.25")
TIERS = ("Enterprise / 大客户", "SMB / 中小商户", "Consumer / 个人用户")
AREAS = (
    "Checkout / 结算", "Payments / 支付", "Orders / 订单", "Search / 搜索", "Membership / 会员",
    "Logistics / 物流", "Merchant portal / 商家后台", "Mobile app / 移动端", "Coupons / 优惠券",
    "Inventory / 库存", "Reviews / 评价", "Customer service / 客服",
)  # fmt: skip
FEATURES = (
    "pay with Alipay and WeChat Pay", "retry a failed payment once", "export invoices as PDF",
    "split an order across warehouses", "show delivery ETA on the order page",
    "search by pinyin initials", "拼音首字母搜索", "会员积分抵扣", "退款进度实时通知",
    "dark mode", "bulk price update from a spreadsheet", "two-factor sign-in for merchants",
    "p99 latency under 300 ms at peak", "audit trail of price changes", "smart coupon stacking",
    "订单超时自动取消", "库存预占与释放", "same-day delivery slots", "营销活动预热页",
    "address autocomplete", "merchant settlement report by day", "recommendations on the cart",
    "guest checkout", "发票抬头记忆", "accessibility: screen reader labels", "拆单发货提醒",
    "fraud check on first orders", "multi-currency prices", "售后工单自动分派",
    "rate limiting per app",
)  # fmt: skip
REJECT_REASONS = (
    "Out of scope for this year's goals.", "与现有优惠券中心功能重复。",
    "The cost outweighs the reach: fewer than 100 users a month.",
)  # fmt: skip


def _pick(rng: Any, weights: dict[str, int]) -> str:
    return str(rng.choices(list(weights), weights=list(weights.values()))[0])


@dataclass
class Scope:
    """Where requirements can be planned: projects with their releases and milestones."""

    projects: list[int]
    releases: dict[int, list[int]] = field(default_factory=dict)
    milestones: dict[int, list[int]] = field(default_factory=dict)


def load_scope(session: Session, ctx: DemoContext) -> Scope:
    """The projects, releases and milestones earlier steps created (none: plan nothing)."""
    projects = list(ctx.created.get("project", []))
    scope = Scope(projects)
    release_ids = ctx.created.get("release", [])
    milestone_ids = ctx.created.get("milestone", [])
    if release_ids:
        for release_id, project_id in planning.projects_of_releases(session, release_ids).items():
            scope.releases.setdefault(project_id, []).append(release_id)
    if milestone_ids:
        milestone_projects = planning.projects_of_milestones(session, milestone_ids)
        for milestone_id, project_id in milestone_projects.items():
            scope.milestones.setdefault(project_id, []).append(milestone_id)
    return scope


def requirement_row(
    rng: Any,
    index: int,
    scope: Scope,
    requesters: Sequence[str],
    managers: Sequence[int],
    today: dt.date,
    custom_keys: tuple[str, str] | None,
) -> dict[str, Any]:
    """One planned requirement as a row for INSERT, scores included."""
    area, feature = rng.choice(AREAS), rng.choice(FEATURES)
    status = _pick(rng, STATUS_WEIGHTS)
    channel = _pick(rng, CHANNEL_WEIGHTS)
    row: dict[str, Any] = {
        "title": f"{area.split(' / ')[rng.randrange(2)]}: {feature}",
        "description": f"As a user of {area.split(' / ')[0].lower()} I want to {feature}.",
        "acceptance_criteria": "Given the feature is live, when a user tries it, it works "
        "on web and mobile.",
        "type": _pick(rng, TYPE_WEIGHTS),
        "channel": channel,
        "requester": rng.choice(requesters) if requesters else "demo",
        "external_key": f"SHOP-{1000 + index}" if channel == "jira" else None,
        "status": status,
        "status_reason": rng.choice(REJECT_REASONS) if status == "rejected" else "",
        "snoozed_until": today + dt.timedelta(days=rng.randint(14, 120))
        if status == "snoozed"
        else None,
        "product_manager_id": rng.choice(managers) if managers else None,
        "moscow": _pick(rng, MOSCOW_WEIGHTS) if rng.random() < 0.92 else None,
        "effort_days": float(rng.choice((0.5, 1, 2, 3, 5, 8, 10, 15, 20, 30, 45))),
        "custom": {},
    }
    if scope.projects:
        project = rng.choice(scope.projects)
        row["project_id"] = project
        releases, milestones = scope.releases.get(project), scope.milestones.get(project)
        row["release_id"] = rng.choice(releases) if releases and rng.random() < 0.8 else None
        row["milestone_id"] = rng.choice(milestones) if milestones and rng.random() < 0.4 else None
    if rng.random() < 0.85:
        row |= {
            "rice_reach": rng.choice((50, 200, 500, 1000, 3000, 10000, 50000)),
            "rice_impact": float(rng.choice(IMPACTS)),
            "rice_confidence": rng.choice(RICE_CONFIDENCES),
            "rice_effort": float(rng.choice((0.5, 1, 2, 3, 6))),
        }
    if rng.random() < 0.8:
        row |= {name: rng.choice(WSJF_SCALE) for name in WSJF_COMPONENTS}
    row["rice_score"], row["wsjf_score"] = scores_of(row)
    if custom_keys and rng.random() < 0.7:
        tier, target = custom_keys
        row["custom"] = {tier: rng.choice(TIERS)}
        if rng.random() < 0.6:
            row["custom"][target] = (today + dt.timedelta(days=rng.randint(10, 300))).isoformat()
    return row


_NUMERIC = {"effort_days", "rice_impact", "rice_effort"}


def fingerprint(row: dict[str, Any]) -> str:
    """A requirement's link fingerprint from its row, exactly as from the loaded entity
    (core/links/registry.py): numeric columns come back as two-place decimals."""
    content = {}
    for name in CONTENT_FIELDS:
        value = row.get(name, {} if name == "custom" else None)
        if name in _NUMERIC and value is not None:
            value = Decimal(str(value)).quantize(Decimal("0.01"))
        content[name] = value
    payload = json.dumps(content, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def insert_requirements(writer: BulkWriter, rows: list[dict[str, Any]]) -> list[int]:
    for row in rows:
        for name in RICE_COMPONENTS + WSJF_COMPONENTS + ("project_id", "release_id"):
            row.setdefault(name, None)
        for name in ("milestone_id", "duplicate_of_id", "external_key", "snoozed_until"):
            row.setdefault(name, None)
    fields = ("title", "type", "status", "channel", "requester", "moscow", "effort_days")
    return writer.insert(Requirement, "requirement", rows, snapshot_fields=fields)


Link = tuple[str, int, str, int, str]  # source type, id, target type, id, link type


def entity_fingerprints(session: Session, kind: str, ids: set[int]) -> dict[int, str]:
    """Fingerprints of existing linkable entities of one type."""
    linkable = registered_types()[kind]
    model = linkable.model
    found: dict[int, str] = {}
    id_list = sorted(ids)
    for start in range(0, len(id_list), 1000):
        chunk = id_list[start : start + 1000]
        for entity in session.scalars(select(model).where(model.id.in_(chunk))):
            found[entity.id] = linkable.fingerprint(entity)
    return found


def insert_links(
    writer: BulkWriter, links: list[Link], fingerprints: dict[tuple[str, int], str], by: str
) -> int:
    rows = [
        {
            "link_type": link_type,
            "source_type": source_type,
            "source_id": source_id,
            "target_type": target_type,
            "target_id": target_id,
            "source_fingerprint": fingerprints[(source_type, source_id)],
            "target_fingerprint": fingerprints[(target_type, target_id)],
            "state": LinkState.VALID,
            "state_reason": "",
            "created_by": by,
        }
        for source_type, source_id, target_type, target_id, link_type in links
        if (source_type, source_id) in fingerprints and (target_type, target_id) in fingerprints
    ]
    fields = ("link_type", "source_type", "source_id", "target_type", "target_id")
    writer.insert(TraceLink, "trace_link", rows, snapshot_fields=fields)
    return len(rows)


def plan_links(
    rng: Any,
    rows: list[dict[str, Any]],
    ids: list[int],
    initiatives: Sequence[int],
    services: Sequence[int],
    *,
    touches: tuple[int, int],
    derives_share: float,
    includes_share: float,
) -> list[Link]:
    """includes (initiative → requirement), touches (requirement → service), derives
    (requirement → a later requirement) and duplicates (duplicate → an earlier original)."""
    links: list[Link] = []
    for position, (row, requirement_id) in enumerate(zip(rows, ids, strict=True)):
        if initiatives and rng.random() < includes_share:
            links.append(
                ("initiative", rng.choice(initiatives), "requirement", requirement_id, "includes")
            )
        if services:
            count = rng.randint(*touches)
            for service_id in rng.sample(list(services), min(count, len(services))):
                links.append(("requirement", requirement_id, "service", service_id, "touches"))
        if position + 1 < len(ids) and rng.random() < derives_share:
            child = ids[rng.randint(position + 1, min(position + 50, len(ids) - 1))]
            links.append(("requirement", requirement_id, "requirement", child, "derives"))
        if row["status"] == "duplicate" and position > 0:
            original = ids[rng.randrange(position)]
            row["duplicate_of_id"] = original
            links.append(("requirement", requirement_id, "requirement", original, "duplicates"))
    return links


def create_large_requirements(ctx: DemoContext, writer: BulkWriter, base: dict[str, Any]) -> None:
    """≥ 50,000 more requirements and ≥ 200,000 links, for the benchmarks."""
    rng = ctx.random
    session = writer.session
    rows = [
        requirement_row(
            rng,
            10_000 + i,
            base["scope"],
            base["requesters"],
            base["managers"],
            base["today"],
            base["custom_keys"],
        )
        for i in range(LARGE_REQUIREMENTS)
    ]
    first = (
        session.scalar(select(Requirement.id).order_by(Requirement.id.desc()).limit(1)) or 0
    ) + 1
    planned_ids = list(range(first, first + len(rows)))
    links = plan_links(
        rng,
        rows,
        planned_ids,
        base["initiatives"],
        base["services"],
        touches=(2, 4),
        derives_share=0.6,
        includes_share=0.95,
    )
    ctx.expect(base["done"] + len(rows) + len(links))
    ids = insert_requirements(writer, rows)
    assert ids == planned_ids
    prints = {("requirement", i): fingerprint(row) for i, row in zip(ids, rows, strict=True)}
    prints |= base["fingerprints"]
    insert_links(writer, links, prints, ctx.actor.username)
