"""What the DORA pages show: the checked query from the page's fields, the four tiles, and the
trend charts (ECharts options built from plain data, labels already translated)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from tmse.catalog.queries import filter_choices, service_names
from tmse.core.errors import InvalidInput
from tmse.devops.dora import params
from tmse.devops.dora.drilldown import DoraQuery
from tmse.devops.dora.queries import Definitions, Scope
from tmse.devops.dora.schemas import DoraOut
from tmse.devops.dora.trend import TrendPoint
from tmse.web.labels import N_
from tmse.web.page_context import filter_url

Translate = Callable[[str], str]
BENCHMARKS = ("2024", "2023", "2022", "2021")
BUCKETS = ("week", "month")
PRIMARY = "#206bc4"
# What a page says about a parameter it could not use, by the parameter's name.
FIELD_ERRORS = {
    "service": N_("There is no service of that name."),
    "team": N_("Choose a team that exists, and a service or a team, not both."),
    "from": N_("The first day must be a date (YYYY-MM-DD) no later than the last day."),
    "to": N_(
        "The last day must be a date (YYYY-MM-DD), at most about three years after the first."
    ),
}


@dataclass
class PageQuery:
    """The page's fields as typed, and the checked query (None, with errors, when unusable)."""

    service: str = ""
    team: str = ""
    start: str = ""
    end: str = ""
    query: DoraQuery | None = None
    errors: dict[str, str] = field(default_factory=dict)

    def url(self, path: str, **more: Any) -> str:
        """`path?` with these fields and `more`, ending in `?` or `&` for paging."""
        fields = {"service": self.service, "team": self.team, "from": self.start, "to": self.end}
        return filter_url(path, **fields, **more)


def read_query(
    session: Session, _: Translate, service: str, team: str, start: str, end: str
) -> PageQuery:
    """The page query of the typed fields, checked by the rules of every DORA route (the
    default definitions)."""
    page = PageQuery(service.strip(), team.strip(), start.strip(), end.strip())
    days: dict[str, dt.date | None] = {}
    for name, text in (("from", page.start), ("to", page.end)):
        try:
            days[name] = dt.date.fromisoformat(text) if text else None
        except ValueError:
            page.errors[name] = _(FIELD_ERRORS[name])
    if page.errors:
        return page
    try:
        whom = params.whose(session, page.service or None, page.team or None)
        span = params.span(days["from"], days["to"])
    except InvalidInput as exc:
        for error in exc.extra.get("errors", []):
            name = error["field"]
            page.errors[name] = _(FIELD_ERRORS[name])
        return page
    scope = Scope(start=span.start, end=span.end, service_ids=whom.service_ids)
    page.query = DoraQuery(scope, Definitions(), whom.service, whom.team)
    page.start = page.start or page.query.scope.start.isoformat()
    page.end = page.end or page.query.scope.end.isoformat()
    return page


def choices(session: Session) -> dict[str, list[str]]:
    """Team and service names for the scope pickers."""
    return {
        "teams": filter_choices(session)["teams"],
        "services": sorted(service_names(session).values()),
    }


def duration(minutes: float | None, _: Translate) -> str:
    """Minutes as people read them: minutes under two hours, hours under two days, else days."""
    if minutes is None:
        return "—"
    if minutes < 120:
        return _("%(n)s min") % {"n": _number(minutes)}
    if minutes < 2880:
        return _("%(n)s h") % {"n": _number(minutes / 60)}
    return _("%(n)s d") % {"n": _number(minutes / 1440)}


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}".removesuffix(".0") + " %"


def tiles(report: DoraOut, _: Translate) -> list[dict[str, Any]]:
    """The four figures: value, tier, what they are computed from, and why not when missing."""
    frequency, lead = report.deployment_frequency, report.lead_time
    failures, restore = report.change_failure_rate, report.time_to_restore
    per_week = frequency.deploy_days_per_week_median
    return [
        {
            "key": "deployment_frequency",
            "title": _("Deployment frequency"),
            "value": "—" if per_week is None else _number(per_week),
            "unit": _("deploy days a week (median)"),
            "tier": frequency.tier,
            "reason": frequency.reason,
            "facts": [
                (_("Successful production deployments"), str(frequency.deployments)),
                (_("Deploy days"), str(frequency.deploy_days)),
                (_("Weeks"), str(frequency.weeks)),
            ],
            "link": "deployments",
        },
        {
            "key": "lead_time",
            "title": _("Lead time for changes"),
            "value": duration(lead.median_minutes, _),
            "unit": _("median"),
            "tier": lead.tier,
            "reason": lead.reason,
            "facts": [
                (_("Changes"), str(lead.sample_size)),
                (_("Median"), duration(lead.median_minutes, _)),
                (_("P75"), duration(lead.p75_minutes, _)),
                (_("Mean"), duration(lead.mean_minutes, _)),
            ],
            "link": "changes",
        },
        {
            "key": "change_failure_rate",
            "title": _("Change failure rate"),
            "value": percent(failures.value),
            "unit": _("of production deployments"),
            "tier": failures.tier,
            "reason": failures.reason,
            "facts": [
                (_("Failed deployments"), str(failures.failed_deployments)),
                (_("Production deployments"), str(failures.deployments)),
                (_("Incidents linked to no deployment"), str(failures.unlinked_incidents)),
            ],
            "link": "deployments",
        },
        {
            "key": "time_to_restore",
            "title": _("Time to restore"),
            "value": duration(restore.median_minutes, _),
            "unit": _("median"),
            "tier": restore.tier,
            "reason": restore.reason,
            "facts": [
                (_("Resolved incidents"), str(restore.sample_size)),
                (_("Median"), duration(restore.median_minutes, _)),
                (_("P75"), duration(restore.p75_minutes, _)),
                (_("Mean"), duration(restore.mean_minutes, _)),
                (_("Still open"), str(restore.open_incidents)),
            ],
            "link": "incidents",
        },
    ]


def trend_charts(points: Sequence[TrendPoint], _: Translate) -> list[dict[str, Any]]:
    """One line chart per figure over the buckets (x: each bucket's first day)."""
    days = [point.start.isoformat() for point in points]

    def hours(minutes: float | None) -> float | None:
        return None if minutes is None else round(minutes / 60, 2)

    series: list[tuple[str, str, list[float | int | None]]] = [
        ("trend-deploy-days", _("Deploy days"), [p.deploy_days for p in points]),
        (
            "trend-lead-time",
            _("Median lead time (hours)"),
            [hours(p.lead_time_median_minutes) for p in points],
        ),
        (
            "trend-failure-rate",
            _("Change failure rate (%)"),
            [
                None if p.change_failure_rate is None else round(p.change_failure_rate * 100, 1)
                for p in points
            ],
        ),
        (
            "trend-restore",
            _("Median time to restore (hours)"),
            [hours(p.restore_median_minutes) for p in points],
        ),
    ]
    return [
        {"id": chart_id, "title": title, "option": _line(days, title, values)}
        for chart_id, title, values in series
    ]


def _line(days: list[str], name: str, values: Sequence[float | int | None]) -> dict[str, Any]:
    return {
        "grid": {"left": 44, "right": 16, "top": 16, "bottom": 28},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": days},
        "yAxis": {"type": "value", "min": 0},
        "series": [
            {
                "name": name,
                "type": "line",
                "connectNulls": False,
                "lineStyle": {"color": PRIMARY},
                "itemStyle": {"color": PRIMARY},
                "data": list(values),
            }
        ],
    }
