"""Create, list, clear and delete trace links; content changes turn links Suspect automatically."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, event, inspect, or_, select
from sqlalchemy.orm import Session

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.db import utcnow
from tmse.core.errors import Conflict, InvalidInput, NotFound, check_version
from tmse.core.input_types import parse_int32
from tmse.core.links.models import LinkState, TraceLink
from tmse.core.links.registry import LinkableType, linkable_for_model, registered_types
from tmse.core.pagination import ListParams, paginate


def parse_ref(ref: str, field: str) -> tuple[LinkableType, int]:
    """'team:12' -> (team type, 12), or a 422 naming `field`."""
    type_name, _, raw_id = ref.partition(":")
    types = registered_types()
    if type_name not in types:
        raise InvalidInput(
            "Unknown entity type",
            [
                {
                    "field": field,
                    "message": f"'{type_name}' is not one of: {', '.join(sorted(types))}",
                }
            ],
        )
    entity_id = parse_int32(raw_id)
    if entity_id is None:
        raise InvalidInput(
            "Bad entity reference", [{"field": field, "message": "expected TYPE:ID, e.g. team:12"}]
        )
    return types[type_name], entity_id


def _load(session: Session, linkable: LinkableType, entity_id: int, field: str) -> Any:
    entity = linkable.load(session, entity_id)
    if entity is None:
        raise InvalidInput(
            "Unknown entity",
            [{"field": field, "message": f"{linkable.name}:{entity_id} not found"}],
        )
    return entity


def _snapshot(link: TraceLink) -> dict[str, Any]:
    return {
        "link_type": link.link_type,
        "source": f"{link.source_type}:{link.source_id}",
        "target": f"{link.target_type}:{link.target_id}",
        "state": link.state,
        "state_reason": link.state_reason,
    }


def create_link(
    session: Session, actor: Actor, source: str, target: str, link_type: str
) -> TraceLink:
    source_type, source_id = parse_ref(source, "source")
    target_type, target_id = parse_ref(target, "target")
    if (source_type.name, source_id) == (target_type.name, target_id):
        raise InvalidInput(
            "A link needs two ends", [{"field": "target", "message": "must differ from source"}]
        )
    source_entity = _load(session, source_type, source_id, "source")
    target_entity = _load(session, target_type, target_id, "target")
    duplicate = session.scalar(
        select(TraceLink.id).where(
            TraceLink.source_type == source_type.name,
            TraceLink.source_id == source_id,
            TraceLink.target_type == target_type.name,
            TraceLink.target_id == target_id,
            TraceLink.link_type == link_type,
        )
    )
    if duplicate is not None:
        raise Conflict("This link already exists", link_id=duplicate)
    link = TraceLink(
        link_type=link_type,
        source_type=source_type.name,
        source_id=source_id,
        target_type=target_type.name,
        target_id=target_id,
        source_fingerprint=source_type.fingerprint(source_entity),
        target_fingerprint=target_type.fingerprint(target_entity),
        state=LinkState.VALID,
        created_by=actor.username,
    )
    session.add(link)
    session.flush()
    audit.record(session, actor, "create", "trace_link", link.id, None, _snapshot(link))
    return link


def get_link(session: Session, link_id: int) -> TraceLink:
    link = session.get(TraceLink, link_id)
    if link is None:
        raise NotFound(f"Link {link_id} does not exist")
    return link


def clear_link(
    session: Session, actor: Actor, link_id: int, comment: str, version: int | None = None
) -> TraceLink:
    """Confirm a Suspect link still holds: take both ends' current fingerprints as the new base."""
    link = get_link(session, link_id)
    if version is not None:
        check_version("Link", link.version, version)
    if link.state == LinkState.INVALID:
        raise Conflict("An invalid link (one end deleted) cannot be cleared; delete it instead.")
    types = registered_types()
    source = types[link.source_type].load(session, link.source_id)
    target = types[link.target_type].load(session, link.target_id)
    before = _snapshot(link)
    link.source_fingerprint = types[link.source_type].fingerprint(source)
    link.target_fingerprint = types[link.target_type].fingerprint(target)
    link.state, link.state_reason = LinkState.VALID, ""
    link.cleared_by, link.cleared_at, link.clear_comment = actor.username, utcnow(), comment
    session.flush()
    after = _snapshot(link) | {"comment": comment}
    audit.record(session, actor, "clear", "trace_link", link.id, before, after)
    return link


def delete_link(session: Session, actor: Actor, link_id: int) -> None:
    link = get_link(session, link_id)
    audit.record(session, actor, "delete", "trace_link", link.id, _snapshot(link), None)
    session.delete(link)


def links_query(
    entity: str | None = None,
    direction: str = "both",
    state: str | None = None,
    link_type: str | None = None,
) -> Select[Any]:
    stmt = select(TraceLink)
    if entity:
        linkable, entity_id = parse_ref(entity, "entity")
        outgoing = and_(TraceLink.source_type == linkable.name, TraceLink.source_id == entity_id)
        incoming = and_(TraceLink.target_type == linkable.name, TraceLink.target_id == entity_id)
        stmt = stmt.where({"out": outgoing, "in": incoming}.get(direction, or_(outgoing, incoming)))
    if state:
        stmt = stmt.where(TraceLink.state == state)
    if link_type:
        stmt = stmt.where(TraceLink.link_type == link_type)
    return stmt


def list_links(session: Session, params: ListParams, **filters: Any) -> tuple[list[TraceLink], int]:
    sortable = {"id": TraceLink.id, "state": TraceLink.state, "updated_at": TraceLink.updated_at}
    return paginate(session, links_query(**filters), params, sortable, "id", TraceLink.id)


# --- automatic state changes -----------------------------------------------------------------


def _mark_changed(
    session: Session, linkable: LinkableType, entity_id: int, fingerprint: str, reason: str
) -> None:
    # Objects, not bulk UPDATEs: the flush then names each link it changed, and only pages
    # showing those links are recomputed (`tmse.core.table_versions.keyed`).
    for side in ("source", "target"):
        links = session.scalars(
            select(TraceLink).where(
                getattr(TraceLink, f"{side}_type") == linkable.name,
                getattr(TraceLink, f"{side}_id") == entity_id,
                getattr(TraceLink, f"{side}_fingerprint") != fingerprint,
                TraceLink.state == LinkState.VALID,
            )
        )
        for link in links:
            link.state, link.state_reason = LinkState.SUSPECT, reason


def _mark_deleted(session: Session, linkable: LinkableType, entity_id: int) -> None:
    for side in ("source", "target"):
        links = session.scalars(
            select(TraceLink).where(
                getattr(TraceLink, f"{side}_type") == linkable.name,
                getattr(TraceLink, f"{side}_id") == entity_id,
                TraceLink.state != LinkState.INVALID,
            )
        )
        for link in links:
            link.state = LinkState.INVALID
            link.state_reason = f"{side} {linkable.name} deleted"


@event.listens_for(Session, "before_flush")
def _watch_content(session: Session, _context: Any, _instances: Any) -> None:
    for entity in list(session.dirty):
        linkable = linkable_for_model(type(entity))
        if linkable is None:
            continue
        state = inspect(entity)
        changed = [f for f in linkable.content_fields if state.attrs[f].history.has_changes()]
        if changed:
            reason = f"{linkable.name} changed: {', '.join(changed)}"
            _mark_changed(session, linkable, entity.id, linkable.fingerprint(entity), reason)
    for entity in list(session.deleted):
        linkable = linkable_for_model(type(entity))
        if linkable is not None:
            _mark_deleted(session, linkable, entity.id)
