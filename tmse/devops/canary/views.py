"""The canary report page: a run's stages, the score of each as a chart, and the evidence."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import Response

from tmse.catalog.queries import service_id_named
from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.input_types import parse_int32
from tmse.core.messages import render as render_message
from tmse.core.permissions import READ
from tmse.core.routing import Router
from tmse.devops.canary import queries
from tmse.devops.canary.models import CanaryRun
from tmse.devops.canary.schemas import StageOut
from tmse.devops.labels import source_label
from tmse.web.forms import not_found_page, translator
from tmse.web.labels import N_
from tmse.web.templating import NavItem, register_nav, render, request_locale

router = Router(include_in_schema=False)
Reader = Annotated[Actor, Depends(require(READ))]
RUN_NOT_FOUND = N_("This canary run does not exist.")
register_nav(
    NavItem("canary", N_("Canary analysis"), "/devops/canary", READ, order=61, group="devops")
)
VERDICT_COLOURS = {"Pass": "#2fb344", "Marginal": "#f59f00", "Fail": "#d63939"}


def score_chart(
    stages: Sequence[StageOut], thresholds: tuple[float, float], _: Callable[[str], str]
) -> dict[str, Any]:
    """ECharts bars of each stage's score (coloured by verdict), with the two thresholds."""
    pass_threshold, marginal_threshold = thresholds
    lines = [
        {"yAxis": pass_threshold, "name": _("Pass threshold")},
        {"yAxis": marginal_threshold, "name": _("Marginal threshold")},
    ]
    return {
        "grid": {"left": 40, "right": 24, "top": 24, "bottom": 28},
        "tooltip": {"trigger": "axis"},
        "xAxis": {
            "type": "category",
            "data": [f"{stage.index} · {stage.traffic_percent:g}%" for stage in stages],
        },
        "yAxis": {"type": "value", "min": 0, "max": 100, "name": _("Score (0–100)")},
        "series": [
            {
                "name": _("Score (0–100)"),
                "type": "bar",
                "barMaxWidth": 48,
                "label": {"show": True, "position": "top"},
                "data": [
                    {
                        "value": round(stage.score, 1),
                        "itemStyle": {"color": VERDICT_COLOURS[stage.verdict]},
                    }
                    for stage in stages
                ],
                "markLine": {"symbol": "none", "label": {"formatter": "{b}"}, "data": lines},
            }
        ],
    }


@router.get("/devops/canary")
def canary_runs_page(
    request: Request,
    session: DbSession,
    actor: Reader,
    service: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """The latest canary runs, of one service when `service` names it."""
    service = service.strip()
    service_id = service_id_named(session, service) if service else None
    unknown = bool(service) and service_id is None
    rows = [] if unknown else queries.runs(session, service_id)
    return render(
        request,
        "devops/canary_runs.html",
        {"active": "canary", "runs": rows, "service": service, "unknown": unknown},
    )


@router.get("/devops/canary/{run_id}")
def canary_run_page(request: Request, session: DbSession, actor: Reader, run_id: str) -> Response:
    number = parse_int32(run_id)
    run = session.get(CanaryRun, number) if number else None
    if run is None:
        return not_found_page(request, RUN_NOT_FOUND)
    _ = translator(request)
    report = queries.run_out(session, run, request_locale(request))
    thresholds = (report.config.pass_threshold, report.config.marginal_threshold)
    return render(
        request,
        "devops/canary_run.html",
        {
            "active": "canary",
            "run": report,
            "source": render_message(
                source_label(report.deployment_source), request_locale(request)
            ),
            "scores_chart": score_chart(report.stages, thresholds, _) if report.stages else None,
        },
    )
