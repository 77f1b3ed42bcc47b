"""A project's phase timeline as chart data: one bar per phase with its iterations beneath,
milestone markers, the stage gates, and today. Pure: plain data in, an ECharts option out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

PAD = dt.timedelta(days=4)
COLOURS = {
    "iterative": "#206bc4",
    "gated": "#f76707",
    "iteration": "#74b0ff",
    "milestone": "#ae3ec9",
    "milestone-reached": "#2fb344",
    "today": "#d63939",
}
GATE_COLOURS = {
    "pending": "#868e96",
    "go": "#2fb344",
    "hold": "#f59f00",
    "recycle": "#4299e1",
    "kill": "#d63939",
}


@dataclass(frozen=True)
class PhaseBar:
    phase_id: int
    name: str
    kind: str
    position: int
    start_on: dt.date
    end_on: dt.date
    gate_status: str | None = None


@dataclass(frozen=True)
class IterationBar:
    phase_id: int
    name: str
    start_on: dt.date
    end_on: dt.date


@dataclass(frozen=True)
class MilestoneMark:
    name: str
    due_on: dt.date
    reached_on: dt.date | None = None


@dataclass(frozen=True)
class Row:
    label: str
    kind: str  # "iterative", "gated" or "iteration"
    start_on: dt.date
    end_on: dt.date
    gate_status: str | None = None


@dataclass(frozen=True)
class Timeline:
    rows: list[Row]
    milestones: list[MilestoneMark]
    start_on: dt.date | None
    end_on: dt.date | None
    today: dt.date

    @property
    def today_in_range(self) -> bool:
        return (
            self.start_on is not None
            and self.end_on is not None
            and self.start_on <= self.today <= self.end_on
        )


def build_timeline(
    phases: Sequence[PhaseBar],
    iterations: Sequence[IterationBar],
    milestones: Sequence[MilestoneMark],
    today: dt.date,
) -> Timeline:
    """Rows top to bottom: each phase (by position, then start) followed by its iterations."""
    rows: list[Row] = []
    by_phase: dict[int, list[IterationBar]] = {}
    for iteration in iterations:
        by_phase.setdefault(iteration.phase_id, []).append(iteration)
    for phase in sorted(phases, key=lambda p: (p.position, p.start_on, p.phase_id)):
        rows.append(Row(phase.name, phase.kind, phase.start_on, phase.end_on, phase.gate_status))
        for iteration in sorted(by_phase.get(phase.phase_id, []), key=lambda i: i.start_on):
            rows.append(Row(iteration.name, "iteration", iteration.start_on, iteration.end_on))
    marks = sorted(milestones, key=lambda m: m.due_on)
    dates = [d for r in rows for d in (r.start_on, r.end_on)] + [m.due_on for m in marks]
    return Timeline(
        rows=rows,
        milestones=marks,
        start_on=min(dates) if dates else None,
        end_on=max(dates) if dates else None,
        today=today,
    )


def _day(value: dt.date) -> str:
    return value.isoformat()


def chart_option(timeline: Timeline, labels: Mapping[str, str]) -> dict[str, Any]:
    """The ECharts option: rows on a time axis, diamonds for milestones, triangles for gates, a
    dashed line for today; `labels` holds the translated "milestones", "today", "gate" words."""
    milestone_row = labels.get("milestones", "Milestones")
    categories = [f"{index + 1}. {row.label}" for index, row in enumerate(timeline.rows)]
    if timeline.milestones:
        categories.append(milestone_row)
    series: list[dict[str, Any]] = []
    for category, row in zip(categories, timeline.rows, strict=False):
        width = 16 if row.kind != "iteration" else 10
        series.append(
            {
                "type": "line",
                "name": category,
                "data": [[_day(row.start_on), category], [_day(row.end_on), category]],
                "symbol": "none",
                "lineStyle": {"width": width, "color": COLOURS[row.kind], "cap": "round"},
                "itemStyle": {"color": COLOURS[row.kind]},
                "tooltip": {"show": True},
                "silent": False,
                "z": 2,
            }
        )
    gates = [
        {
            "name": f"{labels.get('gate', 'Gate')}: {row.label}",
            "value": [_day(row.end_on), category],
            "itemStyle": {"color": GATE_COLOURS.get(row.gate_status or "pending", "#868e96")},
        }
        for category, row in zip(categories, timeline.rows, strict=False)
        if row.kind == "gated"
    ]
    if gates:
        series.append(
            {
                "type": "scatter",
                "name": labels.get("gate", "Gate"),
                "data": gates,
                "symbol": "triangle",
                "symbolSize": 16,
                "z": 3,
            }
        )
    if timeline.milestones:
        series.append(
            {
                "type": "scatter",
                "name": milestone_row,
                "data": [
                    {
                        "name": m.name,
                        "value": [_day(m.due_on), milestone_row],
                        "itemStyle": {
                            "color": COLOURS["milestone-reached" if m.reached_on else "milestone"]
                        },
                    }
                    for m in timeline.milestones
                ],
                "symbol": "diamond",
                "symbolSize": 14,
                "label": {"show": True, "position": "top", "formatter": "{b}", "fontSize": 11},
                "z": 3,
            }
        )
    if timeline.today_in_range and series:
        series[0]["markLine"] = {
            "symbol": "none",
            "silent": True,
            "data": [{"xAxis": _day(timeline.today)}],
            "lineStyle": {"type": "dashed", "color": COLOURS["today"], "width": 1.5},
            "label": {"formatter": labels.get("today", "Today"), "color": COLOURS["today"]},
        }
    return {
        "animation": False,
        "grid": {"left": 8, "right": 32, "top": 28, "bottom": 28, "containLabel": True},
        "tooltip": {"trigger": "item"},
        "xAxis": {
            "type": "time",
            # A few days either side, so end markers and labels are not cut at the edges.
            "min": _day(timeline.start_on - PAD) if timeline.start_on else None,
            "max": _day(timeline.end_on + PAD) if timeline.end_on else None,
            "splitLine": {"show": True, "lineStyle": {"type": "dotted"}},
        },
        "yAxis": {
            "type": "category",
            "data": categories,
            "inverse": True,
            "axisTick": {"show": False},
            "axisLabel": {"width": 220, "overflow": "truncate"},
        },
        "series": series,
    }


def chart_height(timeline: Timeline) -> int:
    """Pixels for the chart: enough per row that bars and labels do not touch."""
    rows = len(timeline.rows) + (1 if timeline.milestones else 0)
    return max(160, 60 + 30 * rows)
