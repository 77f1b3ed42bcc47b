"""In-process domain events, delivered only after the transaction that raised them commits."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger("tmse.events")


@dataclass(frozen=True)
class DomainEvent:
    name: str
    payload: dict[str, Any] = field(default_factory=dict)


Handler = Callable[[DomainEvent], None]
_handlers: dict[str, list[Handler]] = defaultdict(list)


def subscribe(name: str, handler: Handler) -> None:
    _handlers[name].append(handler)


def publish(session: Session, name: str, **payload: Any) -> None:
    """Queue an event on the session; handlers run after commit, never on rollback."""
    session.info.setdefault("tmse_events", []).append(DomainEvent(name, payload))


@event.listens_for(Session, "after_commit")
def _deliver(session: Session) -> None:
    pending: list[DomainEvent] = session.info.pop("tmse_events", [])
    for domain_event in pending:
        for handler in _handlers.get(domain_event.name, []):
            try:
                handler(domain_event)
            except Exception:  # a failing subscriber must not undo a committed write
                log.exception("event handler failed", extra={"event": domain_event.name})


@event.listens_for(Session, "after_rollback")
def _discard(session: Session) -> None:
    session.info.pop("tmse_events", None)
