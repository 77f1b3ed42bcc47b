"""The classic Kano Better/Worse chart as an ECharts option: x = |Worse|, y = Better, quadrant
lines at 0.5, one labelled point per feature coloured by its category."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tmse.core.messages import N_
from tmse.requirements.kano.labels import CATEGORY_LABELS, chart_colour
from tmse.requirements.kano.schemas import FeatureResultOut

QUADRANTS = (
    # (x from, x to, y from, y to, category)
    (0.0, 0.5, 0.5, 1.0, "A"),
    (0.5, 1.0, 0.5, 1.0, "O"),
    (0.5, 1.0, 0.0, 0.5, "M"),
    (0.0, 0.5, 0.0, 0.5, "I"),
)


def scatter_option(
    features: list[FeatureResultOut], translate: Callable[[str], str]
) -> dict[str, Any]:
    points = [
        {
            "name": f.name,
            "value": [round(abs(f.worse), 3), round(f.better, 3)],
            "itemStyle": {"color": chart_colour(f.category)},
            # Labels of points on the right half go left, so they stay inside the chart.
            "label": {"position": "left" if abs(f.worse) > 0.6 else "right"},
        }
        for f in features
        if f.better is not None and f.worse is not None
    ]
    areas = [
        [
            {
                "xAxis": x0,
                "yAxis": y0,
                "name": translate(CATEGORY_LABELS[category]),
                "itemStyle": {"color": chart_colour(category), "opacity": 0.06},
                "label": {
                    "position": "insideTopLeft" if category in ("A", "I") else "insideTopRight",
                    "color": chart_colour(category),
                    "fontWeight": "bold",
                },
            },
            {"xAxis": x1, "yAxis": y1},
        ]
        for x0, x1, y0, y1, category in QUADRANTS
    ]
    tooltip = translate(N_("|Worse|, Better"))
    axis = {"min": 0, "max": 1, "interval": 0.25, "nameLocation": "middle", "nameGap": 30}
    return {
        "animation": False,
        "grid": {"left": 60, "right": 30, "top": 20, "bottom": 50},
        "tooltip": {"trigger": "item", "formatter": "{b}<br/>" + tooltip + ": {c}"},
        "xAxis": {"type": "value", "name": translate(N_("|Worse| (dissatisfaction)")), **axis},
        "yAxis": {"type": "value", "name": translate(N_("Better (satisfaction)")), **axis},
        "series": [
            {
                "type": "scatter",
                "symbolSize": 14,
                "data": points,
                "label": {"show": True, "formatter": "{b}", "position": "right", "fontSize": 12},
                "labelLayout": {"hideOverlap": False, "moveOverlap": "shiftY"},
                "markArea": {"silent": True, "data": areas},
                "markLine": {
                    "silent": True,
                    "symbol": "none",
                    "lineStyle": {"type": "dashed", "color": "#667382"},
                    "label": {"show": False},
                    "data": [{"xAxis": 0.5}, {"yAxis": 0.5}],
                },
            }
        ],
    }
