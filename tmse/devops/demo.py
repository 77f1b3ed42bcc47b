"""Demo step: two years of deployments, the commits they carried and the incidents they caused,
for the demo company's services, telling the story of an improvement programme started a year
ago: before it, weekly releases of week-old commits, a quarter of them failing and hours to
restore; after it, several deployments a week of same-day commits, few failures, minutes to
restore."""

# Rows are planned in Python from the step's seeded generator and written with bulk INSERTs in
# chunks, with the stored figures (finished_day, finished_s, lead_time_s, opened_s, restore_s)
# computed as `tmse.devops.service` computes them. The audit log gets one entry per service
# (`tmse.core.audit.record_many`) naming how many deployments, commits and incidents it was
# given: one entry per row would be most of the step's time. The large size stops once it has
# written >= 1,000,000 deployments and >= 5,000,000 commits over >= 500 services, committing
# chunk by chunk so memory stays bounded.

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from typing import Any, cast

from rich.console import Console
from sqlalchemy import Table, func, insert, select, text

from tmse.catalog.queries import service_names
from tmse.core import audit
from tmse.core.db import Base, utcnow, utctoday
from tmse.demo.steps import DemoContext, register_step
from tmse.devops.models import Deployment, DeploymentCommit, Incident
from tmse.devops.service import GENERIC

DAY_S = 86_400
HISTORY_DAYS = 730
PROGRAMME_DAYS_AGO = 365
# The programme's effect grows over its first eight weeks.
RAMP_DAYS = 56
CHUNK = 20_000
LARGE_DEPLOYMENTS = 1_000_000
LARGE_COMMITS = 5_000_000
LARGE_MIN_SERVICES = 500
SEVERITIES = ("SEV1", "SEV2", "SEV3")
SEVERITY_WEIGHTS = (1, 3, 6)


@dataclass(frozen=True)
class Regime:
    """How a service delivers: production deployments a week, commits per deployment, the
    median time from commit to staging and from staging to production, the shares of
    deployments that fail or cause an incident, and the median time to restore."""

    deploys_per_week: float
    commits_per_deploy: float
    to_staging_s: float
    staging_to_production_s: float
    failed_share: float
    incident_share: float
    restore_s: float


BEFORE = Regime(1.0, 6.0, 4.5 * DAY_S, 1.0 * DAY_S, 0.10, 0.18, 4 * 3600.0)
AFTER = Regime(3.5, 2.0, 5 * 3600.0, 1.5 * 3600.0, 0.03, 0.05, 30 * 60.0)


def regime_at(moment_s: float, programme_s: float) -> Regime:
    """The regime at a moment: BEFORE until the programme starts, then moving to AFTER over
    RAMP_DAYS (rates and shares linearly, durations geometrically)."""
    weight = (moment_s - programme_s) / (RAMP_DAYS * DAY_S)
    if weight <= 0 or weight >= 1:
        return BEFORE if weight <= 0 else AFTER

    def lin(a: float, b: float) -> float:
        return a + (b - a) * weight

    def geo(a: float, b: float) -> float:
        return math.exp(math.log(a) + (math.log(b) - math.log(a)) * weight)

    return Regime(
        lin(BEFORE.deploys_per_week, AFTER.deploys_per_week),
        lin(BEFORE.commits_per_deploy, AFTER.commits_per_deploy),
        geo(BEFORE.to_staging_s, AFTER.to_staging_s),
        geo(BEFORE.staging_to_production_s, AFTER.staging_to_production_s),
        lin(BEFORE.failed_share, AFTER.failed_share),
        lin(BEFORE.incident_share, AFTER.incident_share),
        geo(BEFORE.restore_s, AFTER.restore_s),
    )


def _moment(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


@dataclass
class HistoryWriter:
    """Plans each service's history and writes it in chunks, each in its own transaction at
    the large size, so memory stays bounded."""

    ctx: DemoContext
    names: dict[int, str]
    now_s: int
    next_id: int
    deployments: list[dict[str, Any]] = field(default_factory=list)
    commits: list[dict[str, Any]] = field(default_factory=list)
    incidents: list[dict[str, Any]] = field(default_factory=list)
    changes: list[audit.Change] = field(default_factory=list)
    regimes: dict[int, Regime] = field(default_factory=dict)
    totals: dict[str, int] = field(
        default_factory=lambda: {"deployments": 0, "commits": 0, "services": 0}
    )

    @property
    def rng(self) -> random.Random:
        return self.ctx.random

    def regime(self, moment_s: int, programme_s: int) -> Regime:
        """The regime of the moment's day (computed once a day, shared by every service)."""
        day = moment_s // DAY_S
        if day not in self.regimes:
            self.regimes[day] = regime_at(day * DAY_S + DAY_S // 2, programme_s)
        return self.regimes[day]

    def service(self, service_id: int) -> None:
        """Plan two years of one service's deployments and incidents."""
        rng, now_s = self.rng, self.now_s
        today_s = int(dt.datetime.combine(utctoday(), dt.time(), dt.UTC).timestamp())
        start_s = today_s - (HISTORY_DAYS - 1) * DAY_S
        programme_s = today_s - PROGRAMME_DAYS_AGO * DAY_S
        pace = rng.uniform(0.7, 1.3)
        moments = []
        for week_s in range(start_s, now_s, 7 * DAY_S):
            rate = pace * self.regime(week_s + 3 * DAY_S, programme_s).deploys_per_week
            count = int(rate) + (rng.random() < rate - int(rate))
            for _ in range(count):
                moment = week_s + rng.randrange(7) * DAY_S + rng.randrange(8 * 3600, 20 * 3600)
                if moment < now_s:
                    moments.append(moment)
        counts = {"deployments": 0, "commits": 0, "incidents": 0}
        for index, finished_s in enumerate(sorted(moments)):
            regime = self.regime(finished_s, programme_s)
            self._release(service_id, index, finished_s, regime, counts)
        for index in range(rng.randint(1, 3)):
            # Restarted by hand: the incident names a deployment no tool reported.
            opened_s = rng.randrange(start_s, now_s - DAY_S)
            regime = self.regime(opened_s, programme_s)
            self._incident(service_id, opened_s, regime, f"manual-{service_id}-{index}", None)
            counts["incidents"] += 1
        self._audit_service(service_id, counts)
        self.totals["deployments"] += counts["deployments"]
        self.totals["commits"] += counts["commits"]

    def _release(
        self, service_id: int, index: int, finished_s: int, regime: Regime, counts: dict[str, int]
    ) -> None:
        """One change set: to staging, then to production, maybe causing an incident."""
        rng = self.rng
        staged_s = finished_s - max(
            600, int(regime.staging_to_production_s * rng.lognormvariate(0, 0.5))
        )
        commits = max(1, round(rng.gauss(regime.commits_per_deploy, regime.commits_per_deploy / 3)))
        authored = [
            staged_s - max(120, int(regime.to_staging_s * rng.lognormvariate(0, 0.8)))
            for _ in range(commits)
        ]
        shas = [f"{rng.getrandbits(160):040x}" for _ in range(commits)]
        failed = rng.random() < regime.failed_share
        self._deployment(
            service_id, f"{index}-staging", "staging", "success", staged_s, shas, authored
        )
        production = self._deployment(
            service_id,
            str(index),
            "production",
            "failure" if failed else "success",
            finished_s,
            shas,
            authored,
        )
        counts["deployments"] += 2
        counts["commits"] += 2 * commits
        if not failed and rng.random() < regime.incident_share:
            opened_s = finished_s + rng.randrange(300, 20 * 3600)
            if opened_s < self.now_s:
                # Half name the deployment; the others are matched by time (within 24 h).
                named = rng.random() < 0.5
                ref = f"demo-{service_id}-{index}" if named else None
                self._incident(service_id, opened_s, regime, ref, production if named else None)
                counts["incidents"] += 1

    def _deployment(
        self,
        service_id: int,
        suffix: str,
        environment: str,
        result: str,
        finished_s: int,
        shas: list[str],
        authored: list[int],
    ) -> int:
        deployment_id, self.next_id = self.next_id, self.next_id + 1
        finished = _moment(finished_s)
        stamp = _moment(self.now_s)
        row = {
            "id": deployment_id,
            "source": GENERIC,
            "external_id": f"demo-{service_id}-{suffix}",
            "service_id": service_id,
            "environment": environment,
            "result": result,
            "started_at": _moment(finished_s - self.rng.randrange(240, 1500)),
            "finished_at": finished,
            "finished_day": finished.date(),
            "finished_s": finished_s,
            "created_at": stamp,
            "updated_at": stamp,
        }
        self.deployments.append(row)
        self.commits.extend(
            {
                "deployment_id": deployment_id,
                "sha": sha,
                "authored_at": _moment(at),
                "lead_time_s": finished_s - at,
            }
            for sha, at in zip(shas, authored, strict=True)
        )
        return deployment_id

    def _incident(
        self, service_id: int, opened_s: int, regime: Regime, ref: str | None, linked: int | None
    ) -> None:
        rng = self.rng
        restore_s = max(120, int(regime.restore_s * rng.lognormvariate(0, 0.7)))
        resolved = opened_s + restore_s <= self.now_s
        stamp = _moment(self.now_s)
        row = {
            "source": GENERIC,
            "external_id": f"demo-incident-{service_id}-{len(self.incidents)}-{opened_s}",
            "service_id": service_id,
            "severity": rng.choices(SEVERITIES, SEVERITY_WEIGHTS)[0],
            "opened_at": _moment(opened_s),
            "opened_s": opened_s,
            "resolved_at": _moment(opened_s + restore_s) if resolved else None,
            "restore_s": restore_s if resolved else None,
            "deployment_ref": ref,
            "deployment_id": linked,
            "created_at": stamp,
            "updated_at": stamp,
        }
        self.incidents.append(row)

    def _audit_service(self, service_id: int, counts: dict[str, int]) -> None:
        """One entry per service: how many deployments, commits and incidents it was given."""
        summary = {kind: {"before": None, "after": count} for kind, count in counts.items()}
        self.changes.append(audit.Change("record-delivery-history", "service", service_id, summary))

    def full(self) -> bool:
        return len(self.commits) >= CHUNK * 4 or len(self.deployments) >= CHUNK

    def flush(self) -> None:
        """Write what is planned in one transaction and forget it."""
        with self.ctx.db.session() as session:
            for model, rows in (
                (Deployment, self.deployments),
                (DeploymentCommit, self.commits),
                (Incident, self.incidents),
            ):
                for start in range(0, len(rows), CHUNK):
                    session.execute(insert(_table(model)), rows[start : start + CHUNK])
            audit.record_many(session, self.ctx.actor, self.changes)
        if self.ctx.large:
            self.ctx.advance(len(self.commits))  # the quota reached last, so the bar ends full
        self.deployments, self.commits, self.incidents, self.changes = [], [], [], []


def create_delivery_history(ctx: DemoContext) -> None:
    with ctx.db.session(write=False) as session:
        names = service_names(session)
        first_id = (session.scalar(select(func.max(Deployment.id))) or 0) + 1
    ids = sorted(names)
    now = utcnow()
    writer = HistoryWriter(ctx, names, int(now.timestamp()), first_id)
    if ctx.large and len(ids) < LARGE_MIN_SERVICES:
        Console(stderr=True).print(
            f"[yellow]warning:[/yellow] {len(ids)} services, fewer than {LARGE_MIN_SERVICES}"
        )
    ctx.expect(LARGE_COMMITS if ctx.large else len(ids) + 1)  # small: one more, the write
    for service_id in ids:
        writer.service(service_id)
        if not ctx.large:
            ctx.advance()
        if ctx.large and writer.full():
            writer.flush()
        writer.totals["services"] += 1
        if ctx.large and _enough(writer.totals):
            break
    writer.flush()
    if not ctx.large:
        ctx.advance()
    with ctx.db.session() as session:
        if session.get_bind().dialect.name == "postgresql":
            # Ids were given, not drawn: move the sequence past them.
            session.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('devops_deployments', 'id'), "
                    "(SELECT max(id) FROM devops_deployments))"
                )
            )


def _table(model: type[Base]) -> Table:
    """The model's table: Core INSERTs skip the ORM's per-row bookkeeping."""
    return cast(Table, model.__table__)


def _enough(totals: dict[str, int]) -> bool:
    return (
        totals["deployments"] >= LARGE_DEPLOYMENTS
        and totals["commits"] >= LARGE_COMMITS
        and totals["services"] >= LARGE_MIN_SERVICES
    )


register_step("delivery-history", create_delivery_history, order=260)
