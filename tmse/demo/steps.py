"""The registry of demo steps and the context each step receives."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from rich.progress import Progress, TaskID

from tmse.core.actor import Actor
from tmse.core.db import Database

DemoSize = Literal["small", "large"]


@dataclass
class DemoContext:
    """What a step works with: the database, its own seeded random generator, the size, the
    acting system user, the sign-in password, and the ids earlier steps created."""

    db: Database
    random: random.Random
    size: DemoSize
    actor: Actor
    # The one password of the demo's sign-in accounts; ordinary demo users get none.
    password: str
    # Ids by kind, e.g. "company", "department", "team", "user", "user:architect", "lead".
    created: defaultdict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    # Ids of named things, e.g. "user:admin", "team:Payments / 支付", "lead:Payments / 支付".
    named: dict[str, int] = field(default_factory=dict)
    progress: Progress | None = None
    task: TaskID | None = None

    @property
    def large(self) -> bool:
        return self.size == "large"

    def remember(self, kind: str, entity_id: int, name: str | None = None) -> None:
        """Record a created id under `kind` (and under `kind:name` when named)."""
        self.created[kind].append(entity_id)
        if name is not None:
            self.named[f"{kind}:{name}"] = entity_id

    def expect(self, total: int) -> None:
        """Set how many units of work this step will report, for its progress bar."""
        if self.progress is not None and self.task is not None:
            self.progress.update(self.task, total=total)

    def advance(self, count: int = 1) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.advance(self.task, count)


@dataclass(frozen=True)
class DemoStep:
    name: str
    run: Callable[[DemoContext], None]
    order: int


_registry: dict[str, DemoStep] = {}


def register_step(name: str, run: Callable[[DemoContext], None], order: int) -> None:
    """Add a step; steps run by ascending `order`. Registering a name again replaces it."""
    _registry[name] = DemoStep(name, run, order)


def registered_steps() -> list[DemoStep]:
    return sorted(_registry.values(), key=lambda step: (step.order, step.name))
