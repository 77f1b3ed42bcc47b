"""Append-only, hash-chained audit log: one `record` call per write, `verify` walks the chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import JSON, Index, Select, String, func, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, mapped_column

from tmse.core.actor import Actor
from tmse.core.context import request_id_var
from tmse.core.db import Base, utcnow

GENESIS = "0" * 64
# Any constant works; it names the PostgreSQL advisory lock that serialises appends to the chain.
_CHAIN_LOCK_KEY = 7_271_001


class AuditEntry(Base):
    __tablename__ = "audit_log"
    # One record's history (a requirement's, a service's) without scanning the whole log; a
    # kept page showing it depends on that record's entries only (`core.table_versions.keyed`).
    __table_args__ = (
        Index("ix_audit_log_entity", "entity_type", "entity_id", "id"),
        {"info": {"read_keys": [("entity_type", "entity_id")]}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(index=True)
    actor_name: Mapped[str] = mapped_column(String(120))
    via: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40), index=True)
    entity_type: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(120))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    request_id: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(_jsonable(v) for v in value)
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, Any]:
    """Changed fields as {field: {"before": x, "after": y}}; unchanged fields are left out."""
    before, after = before or {}, after or {}
    changes = {}
    for key in sorted(set(before) | set(after)):
        old, new = _jsonable(before.get(key)), _jsonable(after.get(key))
        if old != new:
            changes[key] = {"before": old, "after": new}
    return changes


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def hashed_fields(entry: AuditEntry | SimpleNamespace) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "via": entry.via,
        "action": entry.action,
        "entity_type": entry.entity_type,
        "entity_id": entry.entity_id,
        "changes": entry.changes,
        "request_id": entry.request_id,
    }


def _chain_head(session: Session) -> tuple[int, str]:
    """The last entry's id and hash (0 and GENESIS on an empty log), holding the chain's lock
    on PostgreSQL until the transaction ends; SQLite's write transaction serialises already."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK_KEY})
    last = session.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    return (last.id, last.hash) if last else (0, GENESIS)


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: object,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    *,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction, chained to the previous one."""
    last_id, last_hash = _chain_head(session)
    entry = AuditEntry(
        id=last_id + 1,
        at=utcnow(),
        actor_id=actor.user_id,
        actor_name=actor.username,
        via=actor.via,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        changes=changes if changes is not None else diff(before, after),
        request_id=request_id_var.get(),
        prev_hash=last_hash,
    )
    entry.hash = entry_hash(entry.prev_hash, hashed_fields(entry))
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class Change:
    """One entry for `record_many`: what happened to which record, as `diff` would give it."""

    action: str
    entity_type: str
    entity_id: object
    changes: dict[str, Any]


def record_many(session: Session, actor: Actor, changes: Iterable[Change]) -> int:
    """Append many entries in one INSERT, chained as `record` chains them; returns how many."""
    # For bulk writes (imports, large demo data), where one `record` per row would dominate.
    last_id, last_hash = _chain_head(session)
    request_id, rows = request_id_var.get(), []
    for change in changes:
        row: dict[str, Any] = {
            "id": last_id + 1,
            "at": utcnow(),
            "actor_id": actor.user_id,
            "actor_name": actor.username,
            "via": actor.via,
            "action": change.action,
            "entity_type": change.entity_type,
            "entity_id": str(change.entity_id),
            "changes": change.changes,
            "request_id": request_id,
            "prev_hash": last_hash,
        }
        row["hash"] = entry_hash(last_hash, hashed_fields(SimpleNamespace(**row)))
        last_id, last_hash = row["id"], row["hash"]
        rows.append(row)
    if rows:
        session.execute(insert(AuditEntry), rows)
    return len(rows)


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    checked: int
    first_bad_id: int | None = None
    reason: str = ""
    head_id: int | None = None
    head_hash: str | None = None


def verify(session: Session, batch: int = 5000) -> ChainReport:
    """Walk the chain in id order; the first entry whose links or hash don't match breaks it."""
    prev_hash, expected_id, checked = GENESIS, 1, 0
    last_id = 0
    while True:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
        ).all()
        if not rows:
            head = (last_id, prev_hash) if checked else (None, None)
            return _against_checkpoint(session, ChainReport(True, checked, None, "", *head))
        for entry in rows:
            if entry.id != expected_id:
                return ChainReport(False, checked, expected_id, "entry missing (deleted)")
            if entry.prev_hash != prev_hash:
                return ChainReport(False, checked, entry.id, "previous-hash link broken")
            if entry_hash(prev_hash, hashed_fields(entry)) != entry.hash:
                return ChainReport(False, checked, entry.id, "content does not match its hash")
            prev_hash, expected_id, checked = entry.hash, entry.id + 1, checked + 1
            last_id = entry.id
        session.expunge_all()


class AuditCheckpoint(Base):
    """The chain's head as last verified: removing entries after it, or rewriting the chain with
    recomputed hashes, no longer goes unnoticed."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column()
    entry_hash: Mapped[str] = mapped_column(String(64))
    verified_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


def _against_checkpoint(session: Session, report: ChainReport) -> ChainReport:
    checkpoint = session.scalars(
        select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1)
    ).first()
    if checkpoint is None:
        return report
    stored = session.scalar(select(AuditEntry.hash).where(AuditEntry.id == checkpoint.entry_id))
    if stored is None:
        reason = "entries up to a verified checkpoint were removed"
        return ChainReport(False, report.checked, checkpoint.entry_id, reason)
    if stored != checkpoint.entry_hash:
        reason = "the chain was rewritten since a verified checkpoint"
        return ChainReport(False, report.checked, checkpoint.entry_id, reason)
    return report


def save_checkpoint(session: Session, report: ChainReport) -> None:
    """Remember an intact chain's head, so later checks can tell if it was cut or rewritten."""
    if report.intact and report.head_id is not None and report.head_hash is not None:
        session.add(AuditCheckpoint(entry_id=report.head_id, entry_hash=report.head_hash))


def entries_query(
    actor: str | None = None,
    entity: str | None = None,
    action: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> Select[Any]:
    """Filters for the audit API and page; entity is 'type' or 'type:id'."""
    stmt = select(AuditEntry)
    if actor:
        stmt = stmt.where(AuditEntry.actor_name == actor)
    if entity:
        entity_type, _, entity_id = entity.partition(":")
        stmt = stmt.where(AuditEntry.entity_type == entity_type)
        if entity_id:
            stmt = stmt.where(AuditEntry.entity_id == entity_id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if since:
        stmt = stmt.where(AuditEntry.at >= since)
    if until:
        stmt = stmt.where(AuditEntry.at < until)
    return stmt


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def head_id(connection: Connection) -> int:
    """The newest entry's id: every write appends one, so it versions all of tmse's data."""
    return int(connection.execute(select(func.max(AuditEntry.id))).scalar() or 0)
