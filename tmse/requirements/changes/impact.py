"""Impact analysis of a change request: the downstream trace closure of a requirement, what it
reaches, and the effort delta. Pure: plain nodes and edges in, plain results out."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

Node = tuple[str, int]
# Given the nodes of one level, the targets of every edge leaving them (duplicates allowed).
Successors = Callable[[Sequence[Node]], Iterable[Node]]

REQUIREMENT = "requirement"
PLACE_TYPES = ("project", "release", "milestone")
# The kinds counted on their own in the summary; anything else later modules link is "other".
COUNTED = ("requirement", "service", "api", "data-store")


def downstream_closure(start: Node, successors: Successors) -> dict[Node, int]:
    """Every node reachable from `start` (itself excluded), with its distance (1 = direct)."""
    # Read level by level, so a caller can fetch each level's edges in one indexed query;
    # cycles end the walk where they close.
    depth: dict[Node, int] = {start: 0}
    frontier: list[Node] = [start]
    level = 0
    while frontier:
        level += 1
        reached: list[Node] = []
        for node in successors(frontier):
            if node not in depth:
                depth[node] = level
                reached.append(node)
        frontier = reached
    del depth[start]
    return depth


def closure_over_edges(start: Node, edges: Iterable[tuple[Node, Node]]) -> dict[Node, int]:
    """downstream_closure over an explicit list of (source, target) edges."""
    adjacency: dict[Node, list[Node]] = defaultdict(list)
    for source, target in edges:
        adjacency[source].append(target)

    def successors(frontier: Sequence[Node]) -> Iterable[Node]:
        return [target for node in frontier for target in adjacency.get(node, ())]

    return downstream_closure(start, successors)


def _number(value: Any) -> Decimal:
    if value is None or value == "":
        return Decimal(0)
    return Decimal(str(value))


def effort_delta(current: Any, changes: Mapping[str, Any]) -> float:
    """Proposed effort_days minus the current one (an unset effort counts as 0); 0 when the
    change leaves effort alone."""
    if "effort_days" not in changes:
        return 0.0
    return float(_number(changes["effort_days"]) - _number(current))


@dataclass(frozen=True)
class Place:
    """Where a requirement is planned, and its effort in person-days."""

    project_id: int | None = None
    release_id: int | None = None
    milestone_id: int | None = None
    effort_days: float | None = None


@dataclass
class Impact:
    requirement_id: int
    # Downstream requirements (the changed one is not among them).
    requirements: list[int]
    # Every other downstream node by type: service, api, data-store, adr, ...
    entities: dict[str, list[int]]
    projects: list[int]
    releases: list[int]
    milestones: list[int]
    effort_delta: float
    # Effort (person-days) of the downstream requirements: the planned work a change may touch.
    downstream_effort_days: float
    depth: int
    depths: dict[str, int] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        counts = {
            "requirements": len(self.requirements),
            "services": len(self.entities.get("service", [])),
            "apis": len(self.entities.get("api", [])),
            "data_stores": len(self.entities.get("data-store", [])),
            "projects": len(self.projects),
            "releases": len(self.releases),
            "milestones": len(self.milestones),
        }
        counts["other"] = sum(
            len(ids) for kind, ids in self.entities.items() if kind not in COUNTED
        )
        return counts

    def as_dict(self) -> dict[str, Any]:
        return {
            "requirement_id": self.requirement_id,
            "requirements": self.requirements,
            "entities": self.entities,
            "projects": self.projects,
            "releases": self.releases,
            "milestones": self.milestones,
            "effort_delta": self.effort_delta,
            "downstream_effort_days": self.downstream_effort_days,
            "depth": self.depth,
            "depths": self.depths,
            "counts": self.counts,
        }


def impact_of(
    requirement_id: int,
    closure: Mapping[Node, int],
    places: Mapping[int, Place],
    delta: float,
    proposed: Place | None = None,
) -> Impact:
    """Summarise a closure. `places` holds the changed requirement and every downstream one;
    `proposed` is where the change would move the changed requirement (both places count)."""
    requirements: list[int] = []
    entities: dict[str, list[int]] = defaultdict(list)
    found: dict[str, set[int]] = {kind: set() for kind in PLACE_TYPES}
    for (kind, entity_id), _depth in closure.items():
        if kind == REQUIREMENT:
            requirements.append(entity_id)
        elif kind in found:
            found[kind].add(entity_id)
        else:
            entities[kind].append(entity_id)
    planned = [places.get(requirement_id, Place())]
    planned += [places[r] for r in requirements if r in places]
    if proposed is not None:
        planned.append(proposed)
    for place in planned:
        for kind, value in zip(
            PLACE_TYPES, (place.project_id, place.release_id, place.milestone_id), strict=True
        ):
            if value is not None:
                found[kind].add(value)
    downstream_effort = sum(
        (_number(places[r].effort_days) for r in requirements if r in places), Decimal(0)
    )
    return Impact(
        requirement_id=requirement_id,
        requirements=sorted(requirements),
        entities={kind: sorted(ids) for kind, ids in sorted(entities.items())},
        projects=sorted(found["project"]),
        releases=sorted(found["release"]),
        milestones=sorted(found["milestone"]),
        effort_delta=delta,
        downstream_effort_days=float(downstream_effort),
        depth=max(closure.values(), default=0),
        depths={f"{kind}:{entity_id}": d for (kind, entity_id), d in closure.items()},
    )
