"""Catalog rows written in bulk with one audit entry per row: inserts and updates by name,
read-replica links and dependencies, for imports of thousands of records."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from tmse.catalog.models import DataStore, Dependency
from tmse.core import audit
from tmse.core.actor import Actor
from tmse.integrations.backstage import TABLE_OF_KIND, Draft

CHUNK = 2000


class AuditBatch:
    """Audit entries collected while rows are written, appended in one statement."""

    def __init__(self, session: Session, actor: Actor) -> None:
        self.session, self.actor = session, actor
        self.items: list[audit.Change] = []

    def add(
        self,
        action: str,
        kind: str,
        entity_id: object,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        if before is None and after is not None:
            # A new record's values are plain JSON already: the diff is every non-empty field.
            changes = {k: {"before": None, "after": after[k]} for k in sorted(after)}
            changes = {k: v for k, v in changes.items() if v["after"] is not None}
        else:
            changes = audit.diff(before, after)
        self.items.append(audit.Change(action, kind, entity_id, changes))

    def flush(self) -> None:
        audit.record_many(self.session, self.actor, self.items)
        self.items = []


@dataclass
class Upserted:
    ids: dict[str, int]
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _snapshot(row: dict[str, Any], fingerprint: bool = False) -> dict[str, Any]:
    """What the audit keeps of a row: its columns; for updates also the kept descriptor and the
    definition reduced to a fingerprint, so a change to them shows."""
    kept = {k: v for k, v in row.items() if k not in ("extra", "definition", "id", "version")}
    kept = {k: v for k, v in kept.items() if not k.startswith("_") and k not in TIMESTAMPS}
    for big in ("extra", "definition") if fingerprint else ():
        if big in row:
            text = json.dumps(row[big], sort_keys=True, ensure_ascii=False, default=str)
            kept[f"{big}_sha256"] = hashlib.sha256(text.encode()).hexdigest()[:16]
    return kept


TIMESTAMPS = ("created_at", "updated_at")


def upsert_rows(
    session: Session,
    batch: AuditBatch,
    model: Any,
    kind: str,
    rows: list[dict[str, Any]],
    existing: dict[str, dict[str, Any]],
) -> Upserted:
    """Insert new names, update changed ones (version bumped), leave equal ones alone."""
    table = model.__table__
    outcome = Upserted({name: row["id"] for name, row in existing.items()})
    new = [r for r in rows if r["name"] not in existing]
    changed: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for row in rows:
        current = existing.get(row["name"])
        if current is None:
            continue
        columns = [k for k in row if not k.startswith("_")]
        if any(current.get(k) != row[k] for k in columns):
            changed.append((current, row))
        else:
            outcome.unchanged += 1
    if new:
        columns = [k for k in new[0] if not k.startswith("_")]
        values = [{k: r[k] for k in columns} | {"version": 1} for r in new]
        statement = insert(table).returning(table.c.id, table.c.name)
        for row_id, name in session.execute(statement, values):
            outcome.ids[name] = row_id
        for row in new:
            batch.add("create", kind, outcome.ids[row["name"]], None, _snapshot(row))
        outcome.created = len(new)
    if changed:
        columns = [k for k in changed[0][1] if not k.startswith("_")]
        changes = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values({c: bindparam(f"b_{c}") for c in (*columns, "version")})
        )
        params = [
            {f"b_{c}": row[c] for c in columns}
            | {"b_id": current["id"], "b_version": current["version"] + 1}
            for current, row in changed
        ]
        session.execute(changes, params)
        for current, row in changed:
            before = {k: current.get(k) for k in row}
            batch.add("update", kind, current["id"], _snapshot(before, True), _snapshot(row, True))
        outcome.updated = len(changed)
    if kind == "data-store":
        _set_primaries(session, batch, rows, existing, outcome.ids)
    return outcome


def _set_primaries(
    session: Session,
    batch: AuditBatch,
    rows: list[dict[str, Any]],
    existing: dict[str, dict[str, Any]],
    ids: dict[str, int],
) -> None:
    """Read replicas point at their primary, which may be created in the same import."""
    params = []
    for row in rows:
        primary = ids[row["_primary"]] if row.get("_primary") else None
        current = existing.get(row["name"], {}).get("primary_id")
        if primary != current:
            params.append({"b_id": ids[row["name"]], "b_primary": primary})
            batch.add(
                "update",
                "data-store",
                ids[row["name"]],
                {"primary": current},
                {"primary": row.get("_primary")},
            )
    if params:
        table = DataStore.__table__
        assert isinstance(table, Table)
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(primary_id=bindparam("b_primary"))
        )
        session.execute(statement, params)


def write_dependencies(
    session: Session,
    batch: AuditBatch,
    by_table: dict[str, list[Draft]],
    ids: dict[str, dict[str, int]],
) -> int:
    """The dependencies the descriptors state that are not stored yet (an import adds, never
    removes): dependsOn, consumesApis, and resources' dependencyOf."""
    target_column = {
        "service": "target_id",
        "data-store": "target_data_store_id",
        "api": "target_api_id",
    }
    wanted: dict[tuple[int, str, int], tuple[str, str, str]] = {}
    for draft in by_table.get("service", []):
        source = ids["service"][draft.name]
        for reference in (*draft.depends_on, *draft.consumes):
            table = TABLE_OF_KIND.get(reference.ref.kind)
            if table in target_column and (table != "api") == (reference in draft.depends_on):
                key = (source, table, ids[table][reference.ref.name])
                wanted[key] = (draft.name, table, reference.ref.name)
    for draft in by_table.get("data-store", []):
        store = ids["data-store"][draft.name]
        for reference in draft.dependency_of:
            if reference.ref.kind == "Component":
                key = (ids["service"][reference.ref.name], "data-store", store)
                wanted[key] = (reference.ref.name, "data-store", draft.name)
    if not wanted:
        return 0
    stored: set[tuple[int, str, int]] = set()
    dependency = Dependency.__table__
    assert isinstance(dependency, Table)
    sources = sorted({source for source, _, _ in wanted})
    for start in range(0, len(sources), CHUNK):
        chunk = sources[start : start + CHUNK]
        rows = session.execute(
            select(
                dependency.c.source_id,
                dependency.c.target_id,
                dependency.c.target_api_id,
                dependency.c.target_data_store_id,
            ).where(dependency.c.source_id.in_(chunk))
        )
        for source, service, api, store in rows:
            if service is not None:
                stored.add((source, "service", service))
            elif api is not None:
                stored.add((source, "api", api))
            else:
                stored.add((source, "data-store", store))
    new = [key for key in wanted if key not in stored]
    if not new:
        return 0
    values = [
        {
            "source_id": source,
            "target_id": None,
            "target_api_id": None,
            "target_data_store_id": None,
            target_column[table]: target,
        }
        for source, table, target in new
    ]
    statement = insert(dependency).returning(
        dependency.c.id,
        dependency.c.source_id,
        dependency.c.target_id,
        dependency.c.target_api_id,
        dependency.c.target_data_store_id,
    )
    created = {}
    for row_id, source, service, api, store in session.execute(statement, values):
        if service is not None:
            created[(source, "service", service)] = row_id
        elif api is not None:
            created[(source, "api", api)] = row_id
        else:
            created[(source, "data-store", store)] = row_id
    for key in new:
        source_name, table, target_name = wanted[key]
        batch.add(
            "create",
            "dependency",
            created[key],
            None,
            {"source": source_name, f"target_{table}": target_name},
        )
    return len(new)
