"""Set-based reads for the matrix: one query per level for its items and one for the links,
whatever the size of the chain."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from tmse.core.links.models import LinkState, TraceLink
from tmse.core.links.registry import LinkableType, registered_types
from tmse.metadata import load_metadata
from tmse.requirements.traceability.levels import Level
from tmse.requirements.traceability.matrix import Link


def linkable(type_name: str) -> LinkableType:
    """The registered linkable type; its model module is imported first if it has not been."""
    types = registered_types()
    if type_name not in types:
        load_metadata()  # imports every models module, each registering its types
        types = registered_types()
    return types[type_name]


def level_items(session: Session, level: Level) -> tuple[list[int], dict[int, str]]:
    """The ids of a level's items in display order (by label, then id) and their labels."""
    found = linkable(level.type_name)
    model: Any = found.model
    label = getattr(model, found.label_field)
    stmt = select(model.id, label).order_by(label, model.id)
    # Core rows straight from the connection: no ORM loading for tens of thousands of rows.
    rows = session.connection().execute(stmt).all()
    return [row[0] for row in rows], {row[0]: row[1] for row in rows}


def step_links(
    session: Session, upper: Level, lower: Level, link_types: Sequence[str]
) -> list[Link]:
    """(source id, target id, state) of the links of these types from `upper`'s items to
    `lower`'s, invalid ones left out."""
    if not link_types:
        return []
    stmt = select(TraceLink.source_id, TraceLink.target_id, TraceLink.state).where(
        TraceLink.source_type == upper.type_name,
        TraceLink.target_type == lower.type_name,
        TraceLink.link_type.in_(link_types),
        TraceLink.state != LinkState.INVALID,
    )
    return cast(list[Link], plain_rows(session, stmt))


def plain_rows(session: Session, stmt: Select[Any]) -> list[tuple[Any, ...]]:
    """The driver's own tuples, skipping SQLAlchemy's row objects: for a few hundred thousand
    links that is a fifth of the matrix's time. Only for statements whose values are the
    chain's own constants (type and link type names), rendered inline."""
    connection = session.connection()
    sql = str(stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def chain_links(session: Session, levels: Sequence[Level]) -> dict[tuple[str, str], list[Link]]:
    """The chain's links by step: one query from each level to the next, one inside each level
    that has derived items."""
    links: dict[tuple[str, str], list[Link]] = {}
    for index, level in enumerate(levels):
        if index:
            above = levels[index - 1]
            links[(above.key, level.key)] = step_links(session, above, level, level.link_types_in)
        if level.link_types_within:
            links[(level.key, level.key)] = step_links(
                session, level, level, level.link_types_within
            )
    return links


def goal_choices(session: Session, top: Level) -> list[tuple[int, str]]:
    """The top level's items for the filter, by label."""
    ids, labels = level_items(session, top)
    return [(item, labels[item]) for item in ids]


def item_exists(session: Session, level: Level, item_id: int) -> bool:
    model: Any = linkable(level.type_name).model
    return session.scalar(select(model.id).where(model.id == item_id)) is not None
