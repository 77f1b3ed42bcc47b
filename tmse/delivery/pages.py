"""The project page's content: timeline chart, iterations with velocity, gate panels, releases,
milestones and the MoSCoW balance; shared by the page route and the forms that show it again."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.db import utcnow
from tmse.delivery import gate_criteria, gates, iterations, phases, queries, timeline, velocity
from tmse.delivery.labels import labels
from tmse.delivery.models import PhaseKind, StageGate
from tmse.planning import service as planning
from tmse.planning.models import Project
from tmse.requirements.baselines import queries as baseline_queries
from tmse.web.forms import translator
from tmse.web.templating import render

VELOCITY_COLOURS = {"planned": "#adb5bd", "added": "#f76707", "completed": "#2fb344"}


def velocity_chart(summary: velocity.VelocitySummary, words: dict[str, str]) -> dict[str, Any]:
    """Bars per iteration: planned, added after start, completed effort; the average line."""
    names = [row.name for row in summary.iterations]

    def bars(key: str, values: list[float]) -> dict[str, Any]:
        return {
            "type": "bar",
            "name": words[key],
            "data": values,
            "itemStyle": {"color": VELOCITY_COLOURS[key]},
            "barMaxWidth": 28,
        }

    completed = bars("completed", [r.completed_effort for r in summary.iterations])
    if summary.average_effort is not None:
        completed["markLine"] = {
            "symbol": "none",
            "data": [{"yAxis": summary.average_effort, "name": words["average"]}],
            "label": {
                "formatter": f"{words['average']}: {summary.average_effort}",
                "position": "insideEndTop",
            },
            "lineStyle": {"type": "dashed", "color": "#2fb344"},
        }
    return {
        "animation": False,
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "top": 36, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": names},
        "yAxis": {"type": "value", "name": words["unit"], "nameTextStyle": {"align": "left"}},
        "series": [
            bars("planned", [r.planned_effort for r in summary.iterations]),
            bars("added", [r.added_effort for r in summary.iterations]),
            completed,
        ],
    }


def _gate_view(session: Session, actor: Actor, gate: StageGate) -> dict[str, Any]:
    out = gates.gate_out(session, gate)
    results = gates.evaluate(session, gate)
    baseline = None
    if gate.required_baseline_id is not None:
        baseline = baseline_queries.baseline_ref(session, gate.required_baseline_id)
    return {
        **out,
        "results": results,
        "passed": all(r.passed for r in results),
        "baseline": baseline,
        "actions": gates.allowed_actions(actor, gate),
        # Open, and this reader is not one who may decide it: the page says who may.
        "approvers_only": gate.status not in gates.CLOSED and not gates.is_approver(actor, gate),
    }


def project_context(session: Session, actor: Actor, project: Project) -> dict[str, Any]:
    phase_rows = phases.list_phases(session, project.id)
    # What the page shows of the list's summary, from the phases it reads anyway.
    summary = {
        "mode": queries.project_mode([p.kind for p in phase_rows]),
        "requirement_count": queries.requirement_count(session, project.id),
    }
    gate_by_phase = phases.gates_by_phase(session, [p.id for p in phase_rows])
    all_iterations = iterations.project_iterations(session, project.id)
    today = utcnow().date()
    rows = iterations.item_rows(session, [i.id for i in all_iterations])
    facts = iterations.facts(all_iterations, rows)
    summary_velocity = velocity.summarise(facts, today)
    by_iteration = {v.iteration_id: v for v in summary_velocity.iterations}
    phase_views = []
    for phase in phase_rows:
        gate = gate_by_phase.get(phase.id)
        its = [i for i in all_iterations if i.phase_id == phase.id]
        phase_views.append(
            {
                "phase": phase,
                "iterations": [{"iteration": i, "velocity": by_iteration[i.id]} for i in its],
                "gate": _gate_view(session, actor, gate) if gate is not None else None,
            }
        )
    milestones = planning.list_milestones(session, project.id)
    chart = timeline.build_timeline(
        [
            timeline.PhaseBar(
                p.id,
                p.name,
                p.kind,
                p.position,
                p.start_on,
                p.end_on,
                gate_by_phase[p.id].status if p.id in gate_by_phase else None,
            )
            for p in phase_rows
        ],
        [timeline.IterationBar(i.phase_id, i.name, i.start_on, i.end_on) for i in all_iterations],
        [timeline.MilestoneMark(m.name, m.due_on, m.reached_on) for m in milestones],
        today,
    )
    return {
        "project": project,
        "summary": summary,
        "phases": phase_views,
        "has_iterative": any(p.kind == PhaseKind.ITERATIVE for p in phase_rows),
        "velocity": summary_velocity,
        "timeline": chart,
        "releases": planning.list_releases(session, project.id),
        "milestones": milestones,
        "must_share": queries.must_share(session, project),
        **queries.owner_and_team(session, project),
    }


def render_project(
    request: Request,
    session: Session,
    actor: Actor,
    project: Project,
    message: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    flashes: list[dict[str, str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    _ = translator(request)
    context = project_context(session, actor, project)
    words = {
        "milestones": _("Milestones"),
        "today": _("Today"),
        "gate": _("Gate"),
        "planned": _("Planned"),
        "added": _("Added after start"),
        "completed": _("Completed"),
        "average": _("Average of the last 3"),
        "unit": _("person-days"),
    }
    context["timeline_option"] = timeline.chart_option(context["timeline"], words)
    context["timeline_height"] = timeline.chart_height(context["timeline"])
    context["velocity_option"] = velocity_chart(context["velocity"], words)
    actions = planning.allowed_actions(actor, project)
    if "plan" in actions:
        context["plan"] = plan_choices(session, project, context["phases"])
    return render(
        request,
        "delivery/project.html",
        {
            "active": "projects",
            **context,
            "labels": labels(),
            "actions": actions,
            "message": message,
            "errors": errors or {},
            "values": values or {},
            "flashes": flashes or [],
        },
        status_code=status_code,
    )


def plan_choices(session: Session, project: Project, phase_views: list[Any]) -> dict[str, Any]:
    """What the planning forms offer: phases, iterations, gate-less gated phases, criteria,
    approvers and the project's signed baselines."""
    return {
        "iterative": [v["phase"] for v in phase_views if v["phase"].kind == PhaseKind.ITERATIVE],
        "iterations": [
            (v["phase"], row["iteration"]) for v in phase_views for row in v["iterations"]
        ],
        "gateless": [
            v["phase"]
            for v in phase_views
            if v["phase"].kind == PhaseKind.GATED and v["gate"] is None
        ],
        "criteria": gate_criteria.registered_criteria(),
        "users": queries.approver_choices(session),
        "baselines": baseline_queries.signed_baselines(session, project.id),
        "kinds": list(PhaseKind),
    }
