"""Read models of the hook sources: each with its last delivery, and a source's delivery log."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tmse.core.messages import render
from tmse.core.pagination import ListParams, paginate
from tmse.devops.hooks.models import HookDelivery, HookSource
from tmse.devops.hooks.schemas import DeliveryOut, SourceOut

HOOKS_PATH = "/api/v1/hooks"


def hook_url(base_url: str, kind: str, name: str) -> str:
    """The URL to configure in the tool for the source `kind`/`name`."""
    return f"{base_url.rstrip('/')}{HOOKS_PATH}/{kind}/{name}"


def delivery_out(line: HookDelivery, locale: str) -> DeliveryOut:
    note = line.message
    return DeliveryOut(
        id=line.id,
        event=line.event,
        delivery_id=line.delivery_id,
        received_at=line.received_at,
        outcome=line.outcome,
        status_code=line.status_code,
        message=render(note, locale),
        message_id=note.id if note else None,
        params=note.to_json()["params"] if note else {},
        created=line.created,
        updated=line.updated,
    )


def source_out(
    source: HookSource, last: HookDelivery | None, base_url: str, locale: str
) -> SourceOut:
    return SourceOut(
        id=source.id,
        kind=source.kind,
        name=source.name,
        url=hook_url(base_url, source.kind, source.name),
        enabled=source.enabled,
        created_at=source.created_at,
        rotated_at=source.rotated_at,
        last_delivery=delivery_out(last, locale) if last else None,
    )


def sources(session: Session, base_url: str, locale: str) -> list[SourceOut]:
    """Every source by kind and name, each with its last delivery."""
    last_ids = (
        select(func.max(HookDelivery.id).label("id"))
        .group_by(HookDelivery.source_id)
        .scalar_subquery()
    )
    lasts = {
        line.source_id: line
        for line in session.scalars(select(HookDelivery).where(HookDelivery.id.in_(last_ids)))
    }
    rows = session.scalars(select(HookSource).order_by(HookSource.kind, HookSource.name))
    return [source_out(row, lasts.get(row.id), base_url, locale) for row in rows]


def last_delivery(session: Session, source_id: int) -> HookDelivery | None:
    return session.scalar(
        select(HookDelivery)
        .where(HookDelivery.source_id == source_id)
        .order_by(HookDelivery.id.desc())
        .limit(1)
    )


def deliveries(
    session: Session, source_id: int, params: ListParams, locale: str
) -> tuple[list[DeliveryOut], int]:
    """A page of a source's delivery log, newest first unless sorted otherwise."""
    stmt = select(HookDelivery).where(HookDelivery.source_id == source_id)
    sortable = {"received_at": HookDelivery.received_at, "id": HookDelivery.id}
    rows, total = paginate(session, stmt, params, sortable, "-id", HookDelivery.id)
    return [delivery_out(row, locale) for row in rows], total
