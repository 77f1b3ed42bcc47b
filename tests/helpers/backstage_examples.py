"""The Backstage example descriptors, and a database's catalog as comparable plain data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from tmse.catalog.models import Api, DataStore, Dependency, Domain, Service, System
from tmse.core.db import Database
from tmse.core.identity.models import Team

EXAMPLES = Path(__file__).parents[1] / "integrations" / "fixtures" / "backstage" / "examples"


def catalog_records(db: Database) -> dict[str, Any]:
    """Every catalog record by name, references by name: comparable across databases."""
    with db.session(write=False) as session:
        teams = {t.id: t for t in session.scalars(select(Team))}
        team = {i: t.name for i, t in teams.items()}
        names: dict[str, dict[int, str]] = {}
        records: dict[str, Any] = {
            "team": {
                t.name: (t.kind, team.get(t.parent_id), t.description)  # type: ignore[arg-type]
                for t in teams.values()
            }
        }
        for label, model in (
            ("domain", Domain),
            ("system", System),
            ("service", Service),
            ("data-store", DataStore),
            ("api", Api),
        ):
            rows: list[Any] = list(session.scalars(select(model)))
            names[label] = {r.id: r.name for r in rows}
            records[label] = {r.name: r for r in rows}
        out: dict[str, Any] = {"team": records["team"]}
        skip = {"id", "version", "created_at", "updated_at"}
        for label in names:
            out[label] = {}
            for name, row in records[label].items():
                values = {
                    c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in skip
                }
                values["owner_team_id"] = team[values["owner_team_id"]]
                for column, target in (
                    ("system_id", "system"),
                    ("domain_id", "domain"),
                    ("provider_service_id", "service"),
                    ("primary_id", "data-store"),
                ):
                    if column in values and values[column] is not None:
                        values[column] = names[target][values[column]]
                out[label][name] = values
        out["dependency"] = sorted(
            (
                names["service"][d.source_id],
                names["service"].get(d.target_id or 0)
                or names["api"].get(d.target_api_id or 0)
                or names["data-store"][d.target_data_store_id or 0],
                d.protocol,
            )
            for d in session.scalars(select(Dependency))
        )
        return out
