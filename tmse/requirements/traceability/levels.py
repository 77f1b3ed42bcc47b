"""The levels of the traceability chain, top to bottom: goal → objective → initiative →
requirement → service, and whatever later modules register onward (pipeline, deployment, slo)."""

# Each level names the linkable type (core/links) whose rows are its items, the link types that
# lead into it from the level above, and link types between two items of the level itself
# (a requirement derived from another is reached through its parent).

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tmse.core.messages import N_


@dataclass(frozen=True)
class Level:
    key: str  # the level's name in the API and exports, e.g. "requirement"
    type_name: str  # the linkable type of its items (tmse.core.links.registry)
    label: str  # an English msgid
    order: int  # position in the chain, smallest at the top
    link_types_in: tuple[str, ...] = ()  # links from the level above into this one
    link_types_within: tuple[str, ...] = ()  # parent → child links inside the level
    page: str = ""  # an item's web page, with {id} and {label} filled in; "" when it has none


class LevelRegistry:
    """The chain in order; `register` adds a level or replaces the one with the same key."""

    def __init__(self) -> None:
        self._levels: dict[str, Level] = {}

    def register(self, level: Level) -> Level:
        clash = next(
            (k for k, v in self._levels.items() if v.order == level.order and k != level.key),
            None,
        )
        if clash is not None:
            raise ValueError(f"order {level.order} is taken by level '{clash}'")
        self._levels[level.key] = level
        return level

    def unregister(self, key: str) -> None:
        self._levels.pop(key, None)

    def levels(self) -> list[Level]:
        return sorted(self._levels.values(), key=lambda level: level.order)

    def get(self, key: str) -> Level:
        return self._levels[key]

    def link_types_to_next(self, key: str) -> tuple[str, ...]:
        """The link types leading from level `key` to the level below it (none at the bottom)."""
        chain = self.levels()
        index = [level.key for level in chain].index(key)
        return chain[index + 1].link_types_in if index + 1 < len(chain) else ()

    def __iter__(self) -> Iterator[Level]:
        return iter(self.levels())

    def __len__(self) -> int:
        return len(self._levels)


REGISTRY = LevelRegistry()

REGISTRY.register(Level("goal", "goal", N_("Goal"), 10, page="/strategy/goals/{id}"))
REGISTRY.register(Level("objective", "objective", N_("Objective"), 20, ("supports",)))
REGISTRY.register(
    Level(
        "initiative",
        "initiative",
        N_("Initiative"),
        30,
        ("drives",),
        page="/strategy/initiatives/{id}",
    )
)
REGISTRY.register(
    Level(
        "requirement",
        "requirement",
        N_("Requirement"),
        40,
        ("includes",),
        ("derives",),
        page="/requirements/{id}",
    )
)
REGISTRY.register(
    Level("service", "service", N_("Service"), 50, ("touches",), page="/catalog/services/{label}")
)


def register_level(level: Level) -> Level:
    """Extend the chain onward, e.g. `Level("pipeline", "pipeline", N_("Pipeline"), 60,
    ("built-by",))`: the matrix, its exports and its page pick the level up."""
    return REGISTRY.register(level)
