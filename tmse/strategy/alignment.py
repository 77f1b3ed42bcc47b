"""The alignment of tech work to business goals, from plain rows: progress of goals and key
results, the per-goal tree goal → objectives → initiatives with roll-ups, and the orphans.

Pure: no database, no HTTP. alignment_queries.py reads the rows; tests feed them by hand."""

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


def key_result_progress(row: KeyResultRow) -> float | None:
    return progress_percent(row.start_value, row.target_value, row.current_value)


def goal_progress(row: GoalRow) -> float | None:
    return progress_percent(row.baseline_value, row.target_value, row.current_value)


def build_alignment(
    goals: list[GoalRow],
    objectives: list[ObjectiveRow],
    key_results: list[KeyResultRow],
    initiatives: list[InitiativeRow],
    supports: Iterable[tuple[int, int]],
    drives: Iterable[tuple[int, int]],
    initiative_requirements: Mapping[int, Mapping[str, int]],
    goal_requirements: Mapping[int, Mapping[str, int]],
) -> Alignment:
    """The tree per goal and the orphans.

    `supports` are (goal id, objective id) pairs, `drives` (objective id, initiative id);
    `initiative_requirements` counts by status the requirements each initiative includes;
    `goal_requirements` counts by status the distinct requirements that trace to each goal
    (through its initiatives and the requirements derived from theirs). Totals count an
    initiative reached twice under one goal once."""
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

    def objective_node(objective_id: int) -> ObjectiveNode:
        kr_nodes = [KeyResultNode(kr, key_result_progress(kr)) for kr in krs_of[objective_id]]
        init_nodes = [
            InitiativeNode(
                initiative_by_id[i], RequirementCounts.of(initiative_requirements.get(i))
            )
            for i in sorted(initiatives_of[objective_id])
        ]
        progress = mean_progress(k.progress for k in kr_nodes)
        return ObjectiveNode(objective_by_id[objective_id], progress, kr_nodes, init_nodes)

    nodes = []
    aligned_initiatives: set[int] = set()
    for goal in goals:
        children = [objective_node(o) for o in sorted(objectives_of[goal.id])]
        reached = {i.row.id for o in children for i in o.initiatives}
        aligned_initiatives |= reached
        cost: dict[str, float] = defaultdict(float)
        for initiative_id in reached:
            row = initiative_by_id[initiative_id]
            cost[row.currency] += row.planned_cost
        totals = GoalTotals(
            objectives=len(children),
            initiatives=len(reached),
            planned_person_days=round(
                sum(initiative_by_id[i].planned_person_days for i in reached), 2
            ),
            planned_cost_by_currency={c: round(v, 2) for c, v in sorted(cost.items())},
            requirements=RequirementCounts.of(goal_requirements.get(goal.id)),
        )
        nodes.append(
            GoalNode(
                goal,
                goal_progress(goal),
                mean_progress(o.progress for o in children if o.progress is not None),
                children,
                totals,
            )
        )
    return Alignment(
        goals=nodes,
        orphan_objective_ids=sorted(set(objective_by_id) - supported),
        orphan_initiative_ids=sorted(set(initiative_by_id) - aligned_initiatives),
    )
