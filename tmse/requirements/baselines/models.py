"""Baselines: a named snapshot of requirements (every field and every trace link), signed by its
approver and immutable from then on."""

# The project and release a baseline was taken for are kept as plain ids (no foreign key): the
# signed record must not change, not even when a project or release is deleted later.

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from tmse.core.db import Base, Timestamped
from tmse.core.errors import Conflict


class BaselineStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    DISCARDED = "discarded"


class Baseline(Timestamped, Base):
    __tablename__ = "requirement_baselines"
    __table_args__ = (Index("ix_requirement_baselines_project_status", "project_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=BaselineStatus.DRAFT, index=True)
    project_id: Mapped[int | None] = mapped_column(index=True)
    release_id: Mapped[int | None] = mapped_column(index=True)
    # How the requirements were chosen: {"requirement_ids": [...]} or
    # {"project_id", "release_id", "statuses": [...]}; the diff against now re-applies it.
    selection: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    approver_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    item_count: Mapped[int] = mapped_column(default=0)
    # Set when the approver signs: SHA-256 of the canonical JSON of the snapshot, name, approver
    # and signing time (digest), and its HMAC with the instance secret (signature).
    signed_at: Mapped[dt.datetime | None] = mapped_column()
    digest: Mapped[str | None] = mapped_column(String(64))
    signature: Mapped[str | None] = mapped_column(String(64))
    discarded_at: Mapped[dt.datetime | None] = mapped_column()
    discarded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class BaselineItem(Base):
    """One requirement as it was: `fields` holds every column (JSON-safe), `links` its trace
    links in and out: [{"direction", "link_type", "type", "id", "state"}]."""

    __tablename__ = "requirement_baseline_items"
    __table_args__ = (
        UniqueConstraint("baseline_id", "requirement_id", name="uq_baseline_items_requirement"),
        Index("ix_requirement_baseline_items_requirement", "requirement_id", "baseline_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    baseline_id: Mapped[int] = mapped_column(
        ForeignKey("requirement_baselines.id", ondelete="CASCADE")
    )
    # No foreign key: the snapshot outlives the requirement.
    requirement_id: Mapped[int] = mapped_column()
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    links: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class ImmutableBaseline(Conflict):
    slug = "immutable-baseline"


_TABLES = frozenset({Baseline.__tablename__, BaselineItem.__tablename__})


def _status_before_flush(baseline: Baseline) -> str:
    history = inspect(baseline).attrs.status.history
    return str(history.deleted[0]) if history.deleted else str(baseline.status)


@event.listens_for(Session, "before_flush")
def _guard_baselines(session: Session, _context: Any, _instances: Any) -> None:
    """Nothing alters a signed (or discarded) baseline, and no snapshot item ever changes."""
    # A draft may only be signed or discarded (its status and signing columns change); items
    # are written once, with their baseline, and never again. Rows are never deleted.
    for obj in session.deleted:
        if isinstance(obj, Baseline):
            raise ImmutableBaseline(f"Baseline {obj.id} cannot be deleted.")
        if isinstance(obj, BaselineItem):
            raise ImmutableBaseline(f"Items of baseline {obj.baseline_id} cannot be deleted.")
    for obj in session.dirty:
        if isinstance(obj, BaselineItem) and session.is_modified(obj):
            raise ImmutableBaseline(f"Items of baseline {obj.baseline_id} cannot be changed.")
        if isinstance(obj, Baseline) and session.is_modified(obj):
            status = _status_before_flush(obj)
            if status != BaselineStatus.DRAFT:
                raise ImmutableBaseline(f"Baseline {obj.id} is {status}; it cannot be changed.")


@event.listens_for(Session, "do_orm_execute")
def _guard_bulk(state: ORMExecuteState) -> None:
    """No bulk UPDATE or DELETE through the ORM reaches the baseline tables either."""
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if table is not None and getattr(table, "name", None) in _TABLES:
        raise ImmutableBaseline("Baselines are never updated or deleted.")
