"""Reading requirements as they are now into snapshot items, in a few set-based queries, and the
canonical JSON the signature is computed over."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from tmse.core.links.models import TraceLink
from tmse.requirements.models import Requirement

REQUIREMENT = "requirement"
# Ids per IN (...) list: well under every database's parameter limit.
CHUNK = 900
COLUMNS: tuple[str, ...] = tuple(c.key for c in Requirement.__table__.columns)
_PLAIN = frozenset({str, int, float, bool})


@dataclass(frozen=True)
class SnapshotItem:
    """One requirement as captured: every column, and its links in and out."""

    requirement_id: int
    fields: dict[str, Any]
    links: list[dict[str, Any]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return str(self.fields.get("title", ""))

    def as_dict(self) -> dict[str, Any]:
        return {"requirement_id": self.requirement_id, "fields": self.fields, "links": self.links}


def json_safe(value: Any) -> Any:
    """A column value as plain JSON: decimals become numbers, datetimes ISO 8601 in UTC."""
    if value is None or type(value) in _PLAIN:
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def link_key(link: dict[str, Any]) -> tuple[str, str, str, int]:
    return (link["direction"], link["link_type"], link["type"], int(link["id"]))


def capture(session: Session, requirement_ids: Iterable[int]) -> list[SnapshotItem]:
    """The requirements with these ids (those that exist), sorted by id, with their links."""
    ids = sorted(set(requirement_ids))
    columns = [Requirement.__table__.c[name] for name in COLUMNS]
    fields: dict[int, dict[str, Any]] = {}
    links: dict[int, list[dict[str, Any]]] = {}
    for chunk in _chunks(ids):
        for row in session.execute(select(*columns).where(Requirement.id.in_(chunk))).mappings():
            fields[row["id"]] = {name: json_safe(row[name]) for name in COLUMNS}
            links[row["id"]] = []
        stmt = select(
            TraceLink.source_type,
            TraceLink.source_id,
            TraceLink.target_type,
            TraceLink.target_id,
            TraceLink.link_type,
            TraceLink.state,
        ).where(
            or_(
                and_(TraceLink.source_type == REQUIREMENT, TraceLink.source_id.in_(chunk)),
                and_(TraceLink.target_type == REQUIREMENT, TraceLink.target_id.in_(chunk)),
            )
        )
        for s_type, s_id, t_type, t_id, link_type, state in session.execute(stmt):
            if s_type == REQUIREMENT and s_id in links:
                links[s_id].append(
                    {
                        "direction": "out",
                        "link_type": link_type,
                        "type": t_type,
                        "id": t_id,
                        "state": state,
                    }
                )
            if t_type == REQUIREMENT and t_id in links:
                links[t_id].append(
                    {
                        "direction": "in",
                        "link_type": link_type,
                        "type": s_type,
                        "id": s_id,
                        "state": state,
                    }
                )
    return [
        SnapshotItem(rid, fields[rid], sorted(links[rid], key=link_key))
        for rid in ids
        if rid in fields
    ]


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace, UTF-8 kept: the same data always gives the same text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def snapshot_digest(
    name: str, approver_id: int, signed_at: dt.datetime, items: Sequence[SnapshotItem]
) -> str:
    """SHA-256 over the canonical JSON of the snapshot with its name, approver and signing time."""
    document = {
        "name": name,
        "approver_id": approver_id,
        "signed_at": signed_at.astimezone(dt.UTC).isoformat(),
        "items": [item.as_dict() for item in sorted(items, key=lambda i: i.requirement_id)],
    }
    return hashlib.sha256(canonical_json(document).encode()).hexdigest()


def sign_digest(secret: str, digest: str) -> str:
    return hmac.new(secret.encode(), digest.encode(), hashlib.sha256).hexdigest()
