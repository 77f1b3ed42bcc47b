"""Domain events: a service publishes, subscribers react inside the same transaction."""

from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from sqlalchemy.orm import Session

import tmse


@dataclass(frozen=True)
class DomainEvent:
    """What happened (`requirement.approved`) and the facts a subscriber needs about it."""

    name: str
    payload: dict[str, Any] = field(default_factory=dict)


Handler = Callable[[Session, DomainEvent], None]
_handlers: dict[str, list[Handler]] = defaultdict(list)
_loaded_packages: set[str] = set()


def subscribe(name: str, handler: Handler) -> None:
    """Run `handler(session, event)` whenever `name` is published; subscribing twice is one."""
    if handler not in _handlers[name]:
        _handlers[name].append(handler)


def unsubscribe(name: str, handler: Handler) -> None:
    """Stop running `handler` for `name` (tests that subscribe a probe take it away again)."""
    if handler in _handlers.get(name, []):
        _handlers[name].remove(handler)


def publish(session: Session, name: str, **payload: Any) -> DomainEvent:
    """Run every handler of `name` now, in the caller's transaction; a handler error fails it."""
    # Handlers write through the same session, so their rows commit or roll back with the
    # write that caused them: a notification exists exactly when its cause does.
    domain_event = DomainEvent(name, payload)
    for handler in list(_handlers.get(name, [])):
        handler(session, domain_event)
    return domain_event


def _is_subscriber_module(name: str) -> bool:
    return name.rsplit(".", 1)[-1] == "subscribers"


def load_subscribers(package: ModuleType = tmse) -> None:
    """Import every `subscribers` module under `package` once: each subscribes its handlers."""
    if package.__name__ in _loaded_packages:
        return
    # Found by name at start, like table modules in tmse.metadata: core names no domain.
    for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        if _is_subscriber_module(module.name) and ".migrations" not in module.name:
            importlib.import_module(module.name)
    _loaded_packages.add(package.__name__)
