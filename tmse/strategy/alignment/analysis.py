"""The alignment of tech work to business goals from plain rows: progress, the per-goal tree with
roll-ups, and the orphans. Pure: alignment/queries.py reads the rows; tests feed them by hand."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


def progress_percent(start: float, target: float, current: float | None) -> float | None:
    """(current − start) / (target − start) as a percentage clamped to 0–100; None when nothing
    is measured yet. Works for falling targets too (latency from 800 to 300 ms)."""
    if current is None:
        return None
    if target == start:
        return 100.0 if current == target else 0.0
    share = (current - start) / (target - start) * 100
    return round(min(100.0, max(0.0, share)), 1)


def mean_progress(values: Iterable[float | None]) -> float | None:
    """The mean of several progresses, an unmeasured one counting as 0; None when there are none."""
    listed = [v or 0.0 for v in values]
    return round(sum(listed) / len(listed), 1) if listed else None


@dataclass(frozen=True)
class GoalRow:
    id: int
    name: str
    status: str
    metric: str
    unit: str
    baseline_value: float
    target_value: float
    current_value: float | None


@dataclass(frozen=True)
class ObjectiveRow:
    id: int
    name: str
    status: str


@dataclass(frozen=True)
class KeyResultRow:
    id: int
    objective_id: int
    name: str
    unit: str
    start_value: float
    target_value: float
    current_value: float | None


@dataclass(frozen=True)
class InitiativeRow:
    id: int
    name: str
    status: str
    planned_person_days: float
    planned_cost: float
    currency: str


@dataclass
class RequirementCounts:
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, by_status: Mapping[str, int] | None) -> RequirementCounts:
        counts = dict(sorted((by_status or {}).items()))
        return cls(sum(counts.values()), counts)


@dataclass
class KeyResultNode:
    row: KeyResultRow
    progress: float | None


@dataclass
class InitiativeNode:
    row: InitiativeRow
    requirements: RequirementCounts


@dataclass
class ObjectiveNode:
    row: ObjectiveRow
    progress: float | None
    key_results: list[KeyResultNode]
    initiatives: list[InitiativeNode]


@dataclass
class GoalTotals:
    objectives: int
    initiatives: int
    planned_person_days: float
    planned_cost_by_currency: dict[str, float]
    requirements: RequirementCounts


@dataclass
class GoalNode:
    row: GoalRow
    progress: float | None
    objectives_progress: float | None
    objectives: list[ObjectiveNode]
    totals: GoalTotals


@dataclass
class Alignment:
    goals: list[GoalNode]
    orphan_objective_ids: list[int]
    orphan_initiative_ids: list[int]
    # Newest first: open requirements that trace to no goal.
    orphan_requirement_ids: list[int] = field(default_factory=list)


def key_result_progress(row: KeyResultRow) -> float | None:
    return progress_percent(row.start_value, row.target_value, row.current_value)


def goal_progress(row: GoalRow) -> float | None:
    return progress_percent(row.baseline_value, row.target_value, row.current_value)


def reached(seeds: Iterable[int], children: Mapping[int, list[int]]) -> set[int]:
    """The seeds and every requirement derived from them, at any depth (cycles end)."""
    found = set(seeds)
    stack = list(found)
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def count_by_status(ids: Iterable[int], status_of: Mapping[int, str]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for requirement_id in ids:
        status = status_of.get(requirement_id)
        if status is not None:
            counts[status] += 1
    return dict(counts)


def build_alignment(
    goals: list[GoalRow],
    objectives: list[ObjectiveRow],
    key_results: list[KeyResultRow],
    initiatives: list[InitiativeRow],
    supports: Iterable[tuple[int, int]],
    drives: Iterable[tuple[int, int]],
    includes: Iterable[tuple[int, int]] = (),
    derives: Iterable[tuple[int, int]] = (),
    status_of: Mapping[int, str] | None = None,
    closed: frozenset[str] = frozenset(),
) -> Alignment:
    """The tree per goal and the orphans, from the chain's (source id, target id) pairs and every
    requirement's status."""
    # A requirement traces to a goal when an initiative under the goal includes it or one it
    # derives from (`derives`: requirement id, requirement derived from it). Totals count an
    # initiative or requirement reached twice under one goal once; requirements in a `closed`
    # status are never orphans.
    status_of = status_of or {}
    objective_by_id = {o.id: o for o in objectives}
    initiative_by_id = {i.id: i for i in initiatives}
    goal_ids = {g.id for g in goals}
    krs_of: dict[int, list[KeyResultRow]] = defaultdict(list)
    for kr in sorted(key_results, key=lambda k: k.id):
        krs_of[kr.objective_id].append(kr)
    objectives_of: dict[int, set[int]] = defaultdict(set)
    supported: set[int] = set()
    for goal_id, objective_id in supports:
        if goal_id in goal_ids and objective_id in objective_by_id:
            objectives_of[goal_id].add(objective_id)
            supported.add(objective_id)
    initiatives_of: dict[int, set[int]] = defaultdict(set)
    for objective_id, initiative_id in drives:
        if objective_id in objective_by_id and initiative_id in initiative_by_id:
            initiatives_of[objective_id].add(initiative_id)
    included: dict[int, set[int]] = defaultdict(set)
    for initiative_id, requirement_id in includes:
        if requirement_id in status_of:
            included[initiative_id].add(requirement_id)
    children: dict[int, list[int]] = defaultdict(list)
    for parent, child in derives:
        if child in status_of:
            children[parent].append(child)

    def objective_node(objective_id: int) -> ObjectiveNode:
        kr_nodes = [KeyResultNode(kr, key_result_progress(kr)) for kr in krs_of[objective_id]]
        init_nodes = [
            InitiativeNode(
                initiative_by_id[i], RequirementCounts.of(count_by_status(included[i], status_of))
            )
            for i in sorted(initiatives_of[objective_id])
        ]
        progress = mean_progress(k.progress for k in kr_nodes)
        return ObjectiveNode(objective_by_id[objective_id], progress, kr_nodes, init_nodes)

    nodes = []
    aligned_initiatives: set[int] = set()
    for goal in goals:
        branches = [objective_node(o) for o in sorted(objectives_of[goal.id])]
        under = {i.row.id for o in branches for i in o.initiatives}
        aligned_initiatives |= under
        cost: dict[str, float] = defaultdict(float)
        for initiative_id in under:
            row = initiative_by_id[initiative_id]
            cost[row.currency] += row.planned_cost
        serving = reached((r for i in under for r in included[i]), children)
        totals = GoalTotals(
            objectives=len(branches),
            initiatives=len(under),
            planned_person_days=round(
                sum(initiative_by_id[i].planned_person_days for i in under), 2
            ),
            planned_cost_by_currency={c: round(v, 2) for c, v in sorted(cost.items())},
            requirements=RequirementCounts.of(count_by_status(serving, status_of)),
        )
        nodes.append(
            GoalNode(
                goal,
                goal_progress(goal),
                mean_progress(o.progress for o in branches if o.progress is not None),
                branches,
                totals,
            )
        )
    traced = reached((r for i in aligned_initiatives for r in included[i]), children)
    orphans = sorted(
        (r for r, status in status_of.items() if r not in traced and status not in closed),
        reverse=True,
    )
    return Alignment(
        goals=nodes,
        orphan_objective_ids=sorted(set(objective_by_id) - supported),
        orphan_initiative_ids=sorted(set(initiative_by_id) - aligned_initiatives),
        orphan_requirement_ids=orphans,
    )
