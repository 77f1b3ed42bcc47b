"""Domain events: a service publishes, subscribers react inside the same transaction."""

from __future__ import annotations

import importlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
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


def _subscriber_modules(package: ModuleType) -> list[str]:
    """Names of the `subscribers` modules under `package`, found on disk without importing."""
    names = []
    for root in map(Path, package.__path__):
        for path in sorted(root.rglob("subscribers.py")):
            folders = path.parent.relative_to(root).parts
            # Only modules of regular packages, as an import would reach them.
            if all(
                (root.joinpath(*folders[:i]) / "__init__.py").exists()
                for i in range(1, len(folders) + 1)
            ):
                names.append(".".join((package.__name__, *folders, "subscribers")))
    return names


def load_subscribers(package: ModuleType = tmse) -> None:
    """Import every `subscribers` module under `package` once: each subscribes its handlers."""
    if package.__name__ in _loaded_packages:
        return
    # Found by name at start, as tmse.metadata finds tables: core names no domain.
    for name in _subscriber_modules(package):
        importlib.import_module(name)
    _loaded_packages.add(package.__name__)
