"""Snapshot items, the canonical JSON the signature is computed over, its digest and signature.
Pure: plain data in and out (tmse.requirements.baselines.queries.capture reads the items)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

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


def link_key(link: dict[str, Any]) -> tuple[str, str, str, int]:
    return (link["direction"], link["link_type"], link["type"], int(link["id"]))


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
