"""ECharts options of the strategy pages, built from the alignment (plain JSON, no functions)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tmse.core.messages import render
from tmse.requirements.labels import STATUS_LABELS as REQUIREMENT_STATUS_LABELS
from tmse.strategy.labels import REQUIREMENT_STATUS_COLOURS
from tmse.strategy.schemas import GoalNodeOut

Translate = Callable[[str], str]


def short(name: str, size: int = 18) -> str:
    """A bilingual name 'Chinese / English' shows its first half on a chart axis."""
    head = name.split(" / ")[0]
    return head if len(head) <= size else head[: size - 1] + "…"


def investment_by_goal(goals: list[GoalNodeOut], _: Translate) -> dict[str, Any]:
    """Planned person-days (bars) and requirements serving each goal (line) side by side."""
    names = [short(g.name) for g in goals]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 48, "right": 48, "top": 36, "bottom": 64},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"interval": 0, "rotate": 20}},
        "yAxis": [
            {"type": "value", "name": _("Person-days")},
            {"type": "value", "name": _("Requirements"), "splitLine": {"show": False}},
        ],
        "series": [
            {
                "name": _("Planned person-days"),
                "type": "bar",
                "barMaxWidth": 48,
                "data": [g.totals.planned_person_days for g in goals],
                "itemStyle": {"color": "#206bc4"},
                "label": {"show": True, "position": "top"},
            },
            {
                "name": _("Requirements"),
                "type": "line",
                "yAxisIndex": 1,
                "data": [g.totals.requirements.total for g in goals],
                "itemStyle": {"color": "#f76707"},
                "symbolSize": 9,
            },
        ],
    }


def alignment_sunburst(goals: list[GoalNodeOut], _: Translate) -> dict[str, Any]:
    """Goal → objective → initiative, each ring sized by planned person-days."""
    data: list[dict[str, Any]] = []
    sectors = 0
    for goal in goals:
        objectives: list[dict[str, Any]] = []
        for objective in goal.objectives:
            children = [
                {"name": short(i.name, 14), "value": max(i.planned_person_days, 1)}
                for i in objective.initiatives
            ]
            sectors += len(children)
            if children:
                objectives.append({"name": short(objective.name, 14), "children": children})
        if objectives:
            data.append({"name": short(goal.name, 12), "children": objectives})
    # Few sectors: horizontal labels, one above the other; many: along the radius, so they fit.
    few = sectors <= 4
    rotate = 0 if few else "radial"
    return {
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "sunburst",
                "data": data,
                "radius": ["12%", "92%"],
                "sort": None,
                "emphasis": {"focus": "ancestor"},
                "levels": [
                    {},
                    {
                        "r0": "12%",
                        "r": "42%",
                        "label": {
                            "rotate": 0 if few else "tangential",
                            "fontSize": 11,
                            "minAngle": 12,
                        },
                    },
                    {
                        "r0": "42%",
                        "r": "68%",
                        "label": {"rotate": rotate, "fontSize": 10, "minAngle": 14},
                    },
                    {
                        "r0": "68%",
                        "r": "92%",
                        "label": {"rotate": rotate, "fontSize": 9, "minAngle": 12},
                    },
                ],
            }
        ],
    }


def requirements_by_status(by_status: dict[str, int], locale: str) -> dict[str, Any]:
    """A doughnut of the requirements serving one goal, by status."""
    order = [s for s in REQUIREMENT_STATUS_COLOURS if by_status.get(s)]
    order += sorted(s for s in by_status if s not in REQUIREMENT_STATUS_COLOURS)
    return {
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "pie",
                "radius": ["40%", "65%"],
                "center": ["50%", "50%"],
                "label": {"formatter": "{b} {c}", "fontSize": 11},
                "data": [
                    {
                        "name": render(REQUIREMENT_STATUS_LABELS.get(s, s), locale),
                        "value": by_status[s],
                        "itemStyle": {"color": REQUIREMENT_STATUS_COLOURS.get(s, "#999")},
                    }
                    for s in order
                ],
            }
        ],
    }
