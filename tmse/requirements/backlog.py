"""The backlog query: filters, custom-field columns, ranking by RICE, WSJF or MoSCoW."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from tmse.core.errors import InvalidInput
from tmse.core.input_types import parse_int32
from tmse.core.version_memo import VersionMemo
from tmse.requirements import custom_fields
from tmse.requirements.models import MOSCOW_RANK, CustomFieldDefinition, Requirement

# A ranked page reads an index in rank order (score DESC NULLS LAST, id); the total is counted
# once per data version and filter set (the audit head versions all data, as for the catalog's
# graph), so paging through 50,000 requirements does not count them again on every request.

MODELS = ("rice", "wsjf", "moscow")
SORTABLE: dict[str, Any] = {
    "id": Requirement.id,
    "title": Requirement.title,
    "status": Requirement.status,
    "type": Requirement.type,
    "channel": Requirement.channel,
    "moscow": MOSCOW_RANK,
    "effort_days": Requirement.effort_days,
    "rice_score": Requirement.rice_score,
    "wsjf_score": Requirement.wsjf_score,
    "created_at": Requirement.created_at,
    "updated_at": Requirement.updated_at,
}
_totals: VersionMemo[int] = VersionMemo(slots=64)


@dataclass(frozen=True)
class BacklogFilters:
    status: tuple[str, ...] = ()
    type: str | None = None
    moscow: str | None = None
    project_id: int | None = None
    release_id: int | None = None
    channel: str | None = None
    q: str | None = None
    # cf.<key>=value pairs, sorted so equal filters share a cached total.
    custom: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def active(self) -> bool:
        values = (self.status, self.type, self.moscow, self.project_id, self.release_id)
        return any(values) or any((self.channel, self.q, self.custom))


def custom_filters(params: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The `cf.<key>=value` pairs of a query string."""
    return tuple(sorted((k[3:], v) for k, v in params.items() if k.startswith("cf.") and v))


def _definition(
    known: dict[str, CustomFieldDefinition], key: str, where: str
) -> CustomFieldDefinition:
    found = known.get(key)
    if found is None:
        raise InvalidInput(
            f"Unknown custom field '{key}'",
            [{"field": where, "message": f"no custom field '{key}'; known: {', '.join(known)}"}],
        )
    return found


def backlog_query(
    filters: BacklogFilters, known: dict[str, CustomFieldDefinition]
) -> Select[Requirement]:
    stmt = select(Requirement)
    if filters.status:
        stmt = stmt.where(
            Requirement.status == filters.status[0]
            if len(filters.status) == 1
            else Requirement.status.in_(filters.status)
        )
    for name in ("type", "moscow", "project_id", "release_id", "channel"):
        value = getattr(filters, name)
        if value is not None and value != "":
            stmt = stmt.where(getattr(Requirement, name) == value)
    if filters.q:
        text = filters.q.strip()
        number = text.upper().removeprefix("REQ-")
        conditions: list[ColumnElement[bool]] = [
            Requirement.title.icontains(text, autoescape=True),
            Requirement.external_key == text,
        ]
        if (requirement_id := parse_int32(number)) is not None:
            conditions.append(Requirement.id == requirement_id)
        stmt = stmt.where(or_(*conditions))
    for key, value in filters.custom:
        definition = _definition(known, key, f"cf.{key}")
        stmt = stmt.where(custom_fields.filter_expression(definition, value))
    return stmt


def order_by(
    model: str | None, sort: str | None, known: dict[str, CustomFieldDefinition]
) -> list[Any]:
    """The ORDER BY of a ranked model, else of `sort` (`field` or `-field`, `cf.<key>` too);
    empty values go last, the id breaks ties."""
    if model:
        if model not in MODELS:
            raise InvalidInput(
                f"Unknown model '{model}'", [{"field": "model", "message": "rice, wsjf or moscow"}]
            )
        if model == "moscow":
            return [MOSCOW_RANK, Requirement.id]
        score = Requirement.rice_score if model == "rice" else Requirement.wsjf_score
        return [score.desc().nulls_last(), Requirement.id]
    sort = sort or "-id"
    descending, key = sort.startswith("-"), sort.removeprefix("-")
    if key.startswith("cf."):
        column: Any = custom_fields.value_expression(_definition(known, key[3:], "sort"))
    elif key in SORTABLE:
        column = SORTABLE[key]
    else:
        choices = ", ".join([*sorted(SORTABLE), "cf.<key>"])
        raise InvalidInput(
            f"Cannot sort by '{key}'", [{"field": "sort", "message": f"choose one of: {choices}"}]
        )
    if key == "id":
        return [Requirement.id.desc() if descending else Requirement.id]
    ordered = column.desc().nulls_last() if descending else column.asc().nulls_last()
    return [ordered, Requirement.id]


# What a backlog row shows: plain columns, no ORM objects (a page is read, never changed).
ROW_COLUMNS = [
    getattr(Requirement, name)
    for name in (
        "id",
        "title",
        "type",
        "status",
        "channel",
        "requester",
        "external_key",
        "project_id",
        "release_id",
        "milestone_id",
        "product_manager_id",
        "moscow",
        "effort_days",
        "rice_reach",
        "rice_impact",
        "rice_confidence",
        "rice_effort",
        "rice_score",
        "wsjf_value",
        "wsjf_time_criticality",
        "wsjf_risk_reduction",
        "wsjf_job_size",
        "wsjf_score",
        "custom",
        "version",
        "created_at",
        "updated_at",
    )
]
_DECIMALS = ("effort_days", "rice_impact", "rice_effort")


def _row(mapping: Any) -> dict[str, Any]:
    row = dict(mapping)
    row["key"] = f"REQ-{row['id']}"
    for name in _DECIMALS:
        if row[name] is not None:
            row[name] = float(row[name])
    row["custom"] = row["custom"] or {}
    return row


@dataclass(frozen=True)
class BacklogPage:
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int
    model: str | None


def backlog_page(
    session: Session,
    filters: BacklogFilters,
    *,
    limit: int = 50,
    offset: int = 0,
    model: str | None = None,
    sort: str | None = None,
) -> BacklogPage:
    known = (
        custom_fields.definitions_by_key(session)
        if (filters.custom or (sort or "").lstrip("-").startswith("cf."))
        else {}
    )
    stmt = backlog_query(filters, known)
    ordering = order_by(model, sort, known)
    # Ids first: the rank order reads an index only, however deep the page; then 50 rows.
    ids = list(
        session.scalars(
            stmt.with_only_columns(Requirement.id).order_by(*ordering).limit(limit).offset(offset)
        )
    )
    found = {
        row["id"]: row
        for row in session.execute(select(*ROW_COLUMNS).where(Requirement.id.in_(ids))).mappings()
    }
    rows = [_row(found[i]) for i in ids]
    if offset == 0 and len(rows) < limit:
        total = len(rows)  # the whole result is on this page
    else:
        total = _totals.get(session, lambda: count(session, stmt), extra=filters)
    return BacklogPage(rows, total, limit, offset, model)


def count(session: Session, stmt: Select[Any]) -> int:
    counted = stmt.with_only_columns(func.count(Requirement.id)).order_by(None)
    return int(session.scalar(counted) or 0)
