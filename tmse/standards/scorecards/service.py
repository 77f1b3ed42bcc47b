"""Daily snapshots, the scorecard list, one service's scorecard, the heat map."""

# Lists, trends and the heat map read the latest daily snapshot (fast on 10,000 services);
# one service's scorecard is evaluated live, so a fix shows at once.

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Integer, and_, cast, func, insert, literal, select, true, update
from sqlalchemy.orm import Session, aliased

from tmse.catalog.queries import ServiceRef, service_ids, service_ids_in, service_ref, service_rows
from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.db import utctoday
from tmse.core.errors import InvalidInput, NotFound
from tmse.core.pagination import ListParams, paginate
from tmse.core.permissions import STANDARDS_WRITE
from tmse.standards.registry import evaluation
from tmse.standards.scorecards import rollup
from tmse.standards.scorecards.heatmap import Cell, HeatMap, heat_map
from tmse.standards.scorecards.levels.service import ensure_levels, level_defs
from tmse.standards.scorecards.models import ScorecardLevel, ScoreSnapshot
from tmse.standards.scorecards.schemas import SnapshotResult

CHANGE_WINDOW_DAYS = 30
# The catalog's services with owner and system names, joined where a list sorts and pages in SQL.
SERVICES = service_rows()
HEAT_MAP_ROWS = {"team": SERVICES.c.owner, "system": SERVICES.c.system, "layer": SERVICES.c.layer}


# Snapshots ----------------------------------------------------------------------------------


def take_snapshots(session: Session, actor: Actor, day: dt.date | None = None) -> SnapshotResult:
    """Evaluate every service and store its score for `day` (today); a second run the same day
    replaces that day's figures instead of adding rows."""
    day = day or utctoday()
    ensure_levels(session, actor)
    defs = level_defs(session)
    results = evaluation.evaluate_services(session)
    ids = service_ids(session)
    existing = dict(
        session.execute(
            select(ScoreSnapshot.service_id, ScoreSnapshot.id).where(ScoreSnapshot.taken_on == day)
        ).all()
    )
    new_rows, changed_rows = [], []
    for service_id in ids:
        rolled = rollup.roll_up(results.get(service_id, []), defs)
        row = {
            "score": rolled.score,
            "level": rolled.level,
            "passed": rolled.passed,
            "total": rolled.total,
            "by_standard": rolled.by_standard,
        }
        if service_id in existing:
            changed_rows.append({"id": existing[service_id], **row})
        else:
            new_rows.append({"service_id": service_id, "taken_on": day, **row})
    if new_rows:
        session.execute(insert(ScoreSnapshot), new_rows)
    if changed_rows:
        session.execute(update(ScoreSnapshot), changed_rows)
    outcome = SnapshotResult(
        taken_on=day, services=len(ids), created=len(new_rows), updated=len(changed_rows)
    )
    audit.record(
        session,
        actor,
        "snapshot",
        "scorecards",
        day.isoformat(),
        changes=outcome.model_dump(mode="json"),
    )
    return outcome


def latest_day(session: Session, on_or_before: dt.date | None = None) -> dt.date | None:
    stmt = select(func.max(ScoreSnapshot.taken_on))
    if on_or_before is not None:
        stmt = stmt.where(ScoreSnapshot.taken_on <= on_or_before)
    return session.scalar(stmt)


# The scorecard list -------------------------------------------------------------------------


# The latest and the 30-day-old snapshot of a service, and the score change between them: made
# once, as building aliases and their expressions costs more than the query they go into.
_NOW, _OLD = aliased(ScoreSnapshot), aliased(ScoreSnapshot)
_CHANGE = (_NOW.score - _OLD.score).label("change")


def list_scorecards(
    session: Session,
    params: ListParams,
    team: str | None = None,
    system: str | None = None,
    layer: str | None = None,
    level: str | None = None,
) -> tuple[list[Any], int]:
    """One page of services with their latest snapshot and the score change over 30 days.
    `level="none"` lists services holding no level (or not yet scored)."""
    day = latest_day(session)
    before = latest_day(session, day - dt.timedelta(days=CHANGE_WINDOW_DAYS)) if day else None
    now, old, change = _NOW, _OLD, _CHANGE
    stmt = (
        select(
            SERVICES.c.name.label("service"),
            SERVICES.c.owner,
            SERVICES.c.system,
            SERVICES.c.layer,
            now.level,
            now.score,
            func.coalesce(now.passed, 0).label("passed"),
            func.coalesce(now.total, 0).label("total"),
            change,
            now.taken_on,
            now.by_standard,
        )
        .select_from(SERVICES)
        .outerjoin(now, and_(now.service_id == SERVICES.c.id, now.taken_on == day))
        .outerjoin(old, and_(old.service_id == SERVICES.c.id, old.taken_on == before))
        .outerjoin(ScorecardLevel, ScorecardLevel.key == now.level)
    )
    if team:
        stmt = stmt.where(SERVICES.c.owner == team)
    if system:
        stmt = stmt.where(SERVICES.c.system == system)
    if layer:
        stmt = stmt.where(SERVICES.c.layer == layer)
    if level == "none":
        stmt = stmt.where(now.level.is_(None))
    elif level:
        stmt = stmt.where(now.level == level)
    sortable = {
        "service": SERVICES.c.name,
        "owner": SERVICES.c.owner,
        "level": ScorecardLevel.rank,
        "score": now.score,
        "change": change,
    }
    return paginate(session, stmt, params, sortable, "service", SERVICES.c.id, as_rows=True)  # type: ignore[arg-type]


def level_distribution(
    session: Session,
    team: str | None = None,
    system: str | None = None,
    layer: str | None = None,
) -> dict[str | None, int]:
    """How many services (of a team, system, layer) hold each level on the latest snapshot
    day; None counts those holding no level."""
    day = latest_day(session)
    if day is None:
        return {}
    stmt = (
        select(ScoreSnapshot.level, func.count())
        .where(ScoreSnapshot.taken_on == day)
        .where(ScoreSnapshot.service_id.in_(service_ids_in(team, system, layer)))
        .group_by(ScoreSnapshot.level)
    )
    return {level: count for level, count in session.execute(stmt).all()}


# One service --------------------------------------------------------------------------------


def service_named(session: Session, name: str) -> tuple[ServiceRef, str | None]:
    service = service_ref(session, name)
    if service is None:
        raise NotFound(f"Service '{name}' does not exist")
    return service, service.owner


def service_results(session: Session, service_id: int) -> list[evaluation.RuleResult]:
    return evaluation.evaluate_services(session, [service_id]).get(service_id, [])


def trend(session: Session, service_id: int, days: int) -> list[ScoreSnapshot]:
    since = utctoday() - dt.timedelta(days=days)
    return list(
        session.scalars(
            select(ScoreSnapshot)
            .where(ScoreSnapshot.service_id == service_id, ScoreSnapshot.taken_on >= since)
            .order_by(ScoreSnapshot.taken_on)
        )
    )


# Heat map -----------------------------------------------------------------------------------


def organisation_heat_map(session: Session, by: str = "team") -> tuple[dt.date | None, HeatMap]:
    """Rows (teams, systems or layers) × standards from the latest snapshot day."""
    if by not in HEAT_MAP_ROWS:
        raise InvalidInput(
            f"Cannot group by '{by}'",
            [{"field": "by", "message": f"choose one of: {', '.join(HEAT_MAP_ROWS)}"}],
        )
    day = latest_day(session)
    if day is None:
        return None, heat_map([])
    row = HEAT_MAP_ROWS[by]
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        return day, _heat_map_in_sql(session, day, by, dialect)
    stmt = _rows_of(select(row, ScoreSnapshot.by_standard), by, day)
    return day, heat_map((name, counts or {}) for name, counts in session.execute(stmt))


def _rows_of(stmt: Any, by: str, day: dt.date) -> Any:
    stmt = stmt.select_from(ScoreSnapshot).join(SERVICES, SERVICES.c.id == ScoreSnapshot.service_id)
    if by == "system":
        stmt = stmt.where(SERVICES.c.system_id.is_not(None))
    return stmt.where(ScoreSnapshot.taken_on == day)


def _heat_map_in_sql(session: Session, day: dt.date, by: str, dialect: str) -> HeatMap:
    """The cells summed by the database: each snapshot's {standard: [passed, total]} unnested
    with json_each, so 10,000 services' JSON is never decoded in Python."""
    cell = func.json_each(ScoreSnapshot.by_standard).table_valued("key", "value")

    def element(index: int) -> Any:
        if dialect == "sqlite":
            return func.json_extract(cell.c.value, f"$[{index}]")
        return cast(cell.c.value.op("->>")(literal(index)), Integer)

    row = HEAT_MAP_ROWS[by]
    stmt = _rows_of(
        select(
            row,
            cell.c.key,
            func.sum(element(0)),
            func.sum(element(1)),
            func.count(),
        ),
        by,
        day,
    )
    stmt = stmt.join(cell, true()).group_by(row, cell.c.key).order_by(row, cell.c.key)
    cells = [
        Cell(str(name), str(standard), int(passed or 0), int(total or 0), int(count))
        for name, standard, passed, total, count in session.execute(stmt)
    ]
    return HeatMap(
        rows=sorted({c.row for c in cells}),
        standards=sorted({c.standard for c in cells}),
        cells=cells,
    )


SNAPSHOT = "snapshot"


def allowed_actions(actor: Actor) -> frozenset[str]:
    """What the actor may do on the scorecard list: score every service now."""
    return frozenset({SNAPSHOT}) if actor.can(STANDARDS_WRITE) else frozenset()
