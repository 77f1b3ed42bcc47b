"""The phase timeline: row order, range, today, and the chart option built from it."""

from __future__ import annotations

import datetime as dt

from tmse.delivery.timeline import (
    IterationBar,
    MilestoneMark,
    PhaseBar,
    build_timeline,
    chart_height,
    chart_option,
)

D = dt.date.fromisoformat


def _timeline(today: str = "2026-02-10"):  # type: ignore[no-untyped-def]
    phases = [
        PhaseBar(2, "Launch", "gated", 2, D("2026-03-01"), D("2026-03-15"), "hold"),
        PhaseBar(1, "Build", "iterative", 1, D("2026-01-05"), D("2026-02-27")),
    ]
    iterations = [
        IterationBar(1, "Sprint 2", D("2026-01-19"), D("2026-01-30")),
        IterationBar(1, "Sprint 1", D("2026-01-05"), D("2026-01-16")),
    ]
    milestones = [
        MilestoneMark("GA", D("2026-03-20")),
        MilestoneMark("Beta", D("2026-02-01"), reached_on=D("2026-02-02")),
    ]
    return build_timeline(phases, iterations, milestones, D(today))


def test_rows_follow_phase_order_with_iterations_beneath():
    timeline = _timeline()
    assert [(r.label, r.kind) for r in timeline.rows] == [
        ("Build", "iterative"),
        ("Sprint 1", "iteration"),
        ("Sprint 2", "iteration"),
        ("Launch", "gated"),
    ]
    assert [m.name for m in timeline.milestones] == ["Beta", "GA"]
    # The range covers the milestone after the last phase.
    assert (timeline.start_on, timeline.end_on) == (D("2026-01-05"), D("2026-03-20"))
    assert timeline.today_in_range


def test_chart_option_has_a_bar_per_row_gates_milestones_and_today():
    option = chart_option(_timeline(), {"milestones": "里程碑", "today": "今天", "gate": "关口"})
    assert option["yAxis"]["data"] == [
        "1. Build",
        "2. Sprint 1",
        "3. Sprint 2",
        "4. Launch",
        "里程碑",
    ]
    bars = [s for s in option["series"] if s["type"] == "line"]
    assert bars[0]["data"] == [["2026-01-05", "1. Build"], ["2026-02-27", "1. Build"]]
    assert bars[1]["lineStyle"]["width"] < bars[0]["lineStyle"]["width"]
    gate, milestones = [s for s in option["series"] if s["type"] == "scatter"]
    assert gate["data"][0]["value"] == ["2026-03-15", "4. Launch"]
    assert gate["data"][0]["itemStyle"]["color"] == "#f59f00"  # hold
    assert [d["name"] for d in milestones["data"]] == ["Beta", "GA"]
    beta, ga = (d["itemStyle"]["color"] for d in milestones["data"])
    assert beta != ga  # reached and not yet reached
    assert bars[0]["markLine"]["data"] == [{"xAxis": "2026-02-10"}]
    assert bars[0]["markLine"]["label"]["formatter"] == "今天"
    assert (option["xAxis"]["min"], option["xAxis"]["max"]) == ("2026-01-01", "2026-03-24")
    assert chart_height(_timeline()) == 60 + 30 * 5


def test_today_outside_the_range_draws_no_line_and_empty_has_no_range():
    option = chart_option(_timeline("2027-01-01"), {})
    assert all("markLine" not in s for s in option["series"])
    empty = build_timeline([], [], [], D("2026-01-01"))
    assert empty.rows == [] and empty.start_on is None and not empty.today_in_range
    assert chart_option(empty, {})["series"] == []
    assert chart_height(empty) == 160
