"""The links of the strategy chain (goal -supports-> objective -drives-> initiative -includes->
requirement): reading them in batches, checking ids, and replacing one entity's set of links."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.identity.models import User
from tmse.core.links import service as links_service
from tmse.core.links.models import LinkState, TraceLink


def unknown_ids(
    session: Session, model: type[Any], ids: list[int], field: str
) -> list[dict[str, Any]]:
    """A 422 error entry `field[i]` for each id in `ids` that `model` does not have."""
    if not ids:
        return []
    found = set(session.scalars(select(model.id).where(model.id.in_(set(ids)))))
    return [
        {"field": f"{field}[{index}]", "message": f"no {model.__tablename__} row with id {value}"}
        for index, value in enumerate(ids)
        if value not in found
    ]


def owner_error(
    session: Session, username: str | None, field: str = "owner"
) -> list[dict[str, Any]]:
    if not username:
        return []
    if session.scalar(select(User.id).where(User.username == username)) is None:
        return [{"field": field, "message": f"no user named '{username}'"}]
    return []


def owner_id(session: Session, username: str | None) -> int | None:
    if not username:
        return None
    return session.scalar(select(User.id).where(User.username == username))


def owners(session: Session, ids: Iterable[int | None]) -> dict[int, User]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(wanted)))}


def _live(stmt: Any, link_type: str) -> Any:
    return stmt.where(TraceLink.link_type == link_type, TraceLink.state != LinkState.INVALID)


def targets_of(
    session: Session, link_type: str, source_type: str, source_ids: Iterable[int]
) -> dict[int, list[int]]:
    """{source id: [target ids]} for links of `link_type` leaving the given sources."""
    ids = set(source_ids)
    found: dict[int, list[int]] = defaultdict(list)
    if not ids:
        return found
    stmt = _live(
        select(TraceLink.source_id, TraceLink.target_id).where(
            TraceLink.source_type == source_type, TraceLink.source_id.in_(ids)
        ),
        link_type,
    ).order_by(TraceLink.target_id)
    for source_id, target_id in session.execute(stmt):
        found[source_id].append(target_id)
    return found


def sources_of(
    session: Session, link_type: str, target_type: str, target_ids: Iterable[int]
) -> dict[int, list[int]]:
    """{target id: [source ids]} for links of `link_type` arriving at the given targets."""
    ids = set(target_ids)
    found: dict[int, list[int]] = defaultdict(list)
    if not ids:
        return found
    stmt = _live(
        select(TraceLink.target_id, TraceLink.source_id).where(
            TraceLink.target_type == target_type, TraceLink.target_id.in_(ids)
        ),
        link_type,
    ).order_by(TraceLink.source_id)
    for target_id, source_id in session.execute(stmt):
        found[target_id].append(source_id)
    return found


def _existing(
    session: Session, link_type: str, source_type: str, target_type: str, **ends: Any
) -> dict[tuple[int, int], int]:
    stmt = select(TraceLink.id, TraceLink.source_id, TraceLink.target_id).where(
        TraceLink.link_type == link_type,
        TraceLink.source_type == source_type,
        TraceLink.target_type == target_type,
    )
    for column, values in ends.items():
        stmt = stmt.where(getattr(TraceLink, column).in_(values))
    return {(s, t): link_id for link_id, s, t in session.execute(stmt)}


def add_links(
    session: Session,
    actor: Actor,
    link_type: str,
    source_type: str,
    target_type: str,
    pairs: Iterable[tuple[int, int]],
) -> int:
    """Create the links of `pairs` (source id, target id) that do not exist yet; how many."""
    wanted = list(dict.fromkeys(pairs))
    if not wanted:
        return 0
    existing = _existing(
        session,
        link_type,
        source_type,
        target_type,
        source_id={s for s, _ in wanted},
        target_id={t for _, t in wanted},
    )
    created = 0
    for source_id, target_id in wanted:
        if (source_id, target_id) in existing:
            continue
        links_service.create_link(
            session, actor, f"{source_type}:{source_id}", f"{target_type}:{target_id}", link_type
        )
        created += 1
    return created


def remove_links(
    session: Session,
    actor: Actor,
    link_type: str,
    source_type: str,
    target_type: str,
    pairs: Iterable[tuple[int, int]],
) -> int:
    """Delete the links of `pairs` that exist (each audited); how many."""
    wanted = set(pairs)
    if not wanted:
        return 0
    existing = _existing(
        session,
        link_type,
        source_type,
        target_type,
        source_id={s for s, _ in wanted},
        target_id={t for _, t in wanted},
    )
    removed = 0
    for pair in wanted:
        if pair in existing:
            links_service.delete_link(session, actor, existing[pair])
            removed += 1
    return removed


def replace_sources(
    session: Session,
    actor: Actor,
    link_type: str,
    source_type: str,
    target_type: str,
    target_id: int,
    source_ids: list[int],
) -> None:
    """Make the sources of `target` by `link_type` exactly `source_ids`."""
    current = set(sources_of(session, link_type, target_type, [target_id]).get(target_id, []))
    wanted = set(source_ids)
    remove_links(
        session,
        actor,
        link_type,
        source_type,
        target_type,
        {(s, target_id) for s in current - wanted},
    )
    add_links(
        session,
        actor,
        link_type,
        source_type,
        target_type,
        [(s, target_id) for s in source_ids if s not in current],
    )


def drop_links_of(session: Session, actor: Actor, entity_type: str, entity_id: int) -> None:
    """Delete every link of an entity about to be deleted, each audited: a deleted goal,
    objective or initiative leaves no half-links behind in the chain."""
    links = session.scalars(
        select(TraceLink).where(
            ((TraceLink.source_type == entity_type) & (TraceLink.source_id == entity_id))
            | ((TraceLink.target_type == entity_type) & (TraceLink.target_id == entity_id))
        )
    ).all()
    for link in links:
        links_service.delete_link(session, actor, link.id)
    session.flush()
