"""ECharts options for the scorecard pages, built from plain data (labels already translated)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from tmse.standards.scorecards.heatmap import HeatMap

GREY = "#adb5bd"
PRIMARY = "#206bc4"


def level_distribution(bars: Sequence[tuple[str, int, str]], axis_name: str) -> dict[str, Any]:
    """Bars of (label, count, colour), lowest level first."""
    return {
        "grid": {"left": 40, "right": 16, "top": 24, "bottom": 28},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": [label for label, _, _ in bars]},
        "yAxis": {"type": "value", "name": axis_name, "minInterval": 1},
        "series": [
            {
                "type": "bar",
                "barMaxWidth": 48,
                "label": {"show": True, "position": "top"},
                "data": [
                    {"value": count, "itemStyle": {"color": colour or GREY}}
                    for _, count, colour in bars
                ],
            }
        ],
    }


def score_trend(points: Sequence[tuple[dt.date, float, str]], score_name: str) -> dict[str, Any]:
    """A score line over days, 0–100, with the level held shown in the tooltip."""
    return {
        "grid": {"left": 40, "right": 16, "top": 24, "bottom": 28},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "time", "axisLabel": {"hideOverlap": True, "formatter": "{MM}-{dd}"}},
        "yAxis": {"type": "value", "min": 0, "max": 100, "name": score_name},
        "series": [
            {
                "name": score_name,
                "type": "line",
                "showSymbol": len(points) < 40,
                "areaStyle": {"opacity": 0.12},
                "lineStyle": {"color": PRIMARY},
                "itemStyle": {"color": PRIMARY},
                "data": [
                    {"value": [day.isoformat(), score], "level": level}
                    for day, score, level in points
                ],
            }
        ],
    }


def heat_map(
    grid: HeatMap,
    standard_names: dict[str, str],
    rate_name: str,
    row_names: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Rows × standards, each cell the pass rate; red at 0 %, green at 100 %."""
    x = list(grid.standards)
    y = list(grid.rows)
    data = [[x.index(c.standard), y.index(c.row), c.rate, c.passed, c.total] for c in grid.cells]
    return {
        "tooltip": {"position": "top"},
        "grid": {"left": 170, "right": 90, "top": 16, "bottom": 100},
        "xAxis": {
            "type": "category",
            "data": [standard_names.get(key, key) for key in x],
            "axisLabel": {"interval": 0, "rotate": 25},
            "splitArea": {"show": True},
        },
        "yAxis": {
            "type": "category",
            "data": [(row_names or {}).get(row, row) for row in y],
            "splitArea": {"show": True},
            "inverse": True,
        },
        "visualMap": {
            "min": 0,
            "max": 100,
            "dimension": 2,  # the rate; the passed and total counts ride along for the tooltip
            "orient": "vertical",
            "right": 0,
            "top": "middle",
            "text": ["100 %", "0 %"],
            "inRange": {"color": ["#d63939", "#f76707", "#f59f00", "#74b816", "#2fb344"]},
        },
        "series": [
            {
                "name": rate_name,
                "type": "heatmap",
                "data": data,
                "label": {"show": True},
                "emphasis": {"itemStyle": {"borderColor": "#1d273b", "borderWidth": 1}},
            }
        ],
        # Read by the page's click handler: the row and standard keys behind each index.
        "tmseKeys": {"rows": y, "standards": x},
    }


def burn_up(
    series: Sequence[tuple[dt.date, int, int]],
    started: dt.date,
    due: dt.date,
    names: dict[str, str],
) -> dict[str, Any]:
    """Services at the target over time against the services in scope, and the straight line
    from none at the start to all in scope on the due date."""
    in_scope = series[-1][2] if series else 0
    return {
        "grid": {"left": 40, "right": 16, "top": 36, "bottom": 28},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "xAxis": {
            "type": "time",
            "max": due.isoformat(),
            "axisLabel": {"hideOverlap": True, "formatter": "{MM}-{dd}"},
        },
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "name": names["done"],
                "type": "line",
                "step": "end",
                "showSymbol": False,
                "areaStyle": {"opacity": 0.15},
                "color": "#2fb344",
                "data": [[day.isoformat(), done] for day, done, _ in series],
            },
            {
                "name": names["scope"],
                "type": "line",
                "color": GREY,
                "showSymbol": False,
                "data": [[day.isoformat(), total] for day, _, total in series],
            },
            {
                "name": names["expected"],
                "type": "line",
                "color": PRIMARY,
                "showSymbol": False,
                "lineStyle": {"type": "dashed"},
                "data": [[started.isoformat(), 0], [due.isoformat(), in_scope]],
            },
        ],
    }
