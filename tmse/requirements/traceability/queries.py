"""Set-based reads for the matrix: one query per level for its items and one for the links,
whatever the size of the chain."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, and_, case, select
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


def plain_rows(session: Session, stmt: Select[Any]) -> list[tuple[Any, ...]]:
    """The driver's own tuples, skipping SQLAlchemy's row objects (a fifth of the matrix's time
    for a few hundred thousand links)."""
    # Only for statements whose values are the chain's own constants (type and link type
    # names), rendered inline.
    connection = session.connection()
    sql = str(stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def chain_steps(levels: Sequence[Level]) -> list[tuple[Level, Level, tuple[str, ...]]]:
    """(upper level, lower level, link types) of each step: from every level to the next, and
    inside every level that has derived items."""
    steps = []
    for index, level in enumerate(levels):
        if index and level.link_types_in:
            steps.append((levels[index - 1], level, level.link_types_in))
        if level.link_types_within:
            steps.append((level, level, level.link_types_within))
    return steps


def chain_links(session: Session, levels: Sequence[Level]) -> dict[tuple[str, str], list[Link]]:
    """The chain's links by step, (source id, target id, state), invalid ones left out."""
    # One pass over the links table, each row tagged with its step in SQL: a query per step
    # would let the planner walk an index on the target type for most of the table, once per
    # step, which costs twice a plain scan.
    steps = chain_steps(levels)
    links: dict[tuple[str, str], list[Link]] = {(u.key, lo.key): [] for u, lo, _ in steps}
    if not steps:
        return links
    step = case(
        *[
            (
                and_(
                    TraceLink.source_type == upper.type_name,
                    TraceLink.target_type == lower.type_name,
                    TraceLink.link_type.in_(link_types),
                ),
                number,
            )
            for number, (upper, lower, link_types) in enumerate(steps)
        ],
        else_=-1,
    )
    link_types = sorted({t for _, _, types in steps for t in types})
    stmt = select(step, TraceLink.source_id, TraceLink.target_id, TraceLink.state).where(
        TraceLink.link_type.in_(link_types), TraceLink.state != LinkState.INVALID
    )
    append = [links[(upper.key, lower.key)].append for upper, lower, _ in steps]
    for number, source_id, target_id, state in plain_rows(session, stmt):
        if number >= 0:
            append[number]((source_id, target_id, state))
    return links


def goal_choices(session: Session, top: Level) -> list[tuple[int, str]]:
    """The top level's items for the filter, by label."""
    ids, labels = level_items(session, top)
    return [(item, labels[item]) for item in ids]


def item_exists(session: Session, level: Level, item_id: int) -> bool:
    model: Any = linkable(level.type_name).model
    return session.scalar(select(model.id).where(model.id == item_id)) is not None
