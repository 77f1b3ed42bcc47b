"""Backstage descriptors into the catalog: every file checked, each file imported whole or not at
all, references resolved across the files of one import, rows written in bulk and audited."""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from tmse.catalog.models import Api, DataStore, Dependency, Domain, Service, System
from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.context import request_id_var
from tmse.core.db import utcnow
from tmse.core.identity.models import Membership, Team, User
from tmse.core.identity.schemas import TeamCreate, TeamUpdate
from tmse.core.identity.service import create_team, update_team
from tmse.integrations.backstage import Issue, parse_catalog
from tmse.integrations.backstage_mapping import (
    EXTRA_KEY,
    KIND_OF_TABLE,
    OWNER_TEAM_KEY,
    Draft,
    draft_entity,
)
from tmse.integrations.backstage_resolve import (
    TABLE_OF_KIND,
    duplicates,
    group_cycles,
    owner_team,
    references,
    resolve,
)

Progress = Callable[[int, int], None]
MODELS: dict[str, Any] = {
    "domain": Domain,
    "system": System,
    "service": Service,
    "data-store": DataStore,
    "api": Api,
}
CHUNK = 2000


@dataclass
class ImportReport:
    """Counts by Backstage kind (lower case, plus 'dependency'), skipped entities, and errors."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    files_imported: list[str] = field(default_factory=list)
    files_rejected: list[str] = field(default_factory=list)

    def count(self, bucket: dict[str, int], kind: str, n: int = 1) -> None:
        if n:
            bucket[kind] = bucket.get(kind, 0) + n

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "errors": self.errors,
            "files_imported": self.files_imported,
            "files_rejected": self.files_rejected,
        }


def import_backstage(
    session: Session,
    actor: Actor,
    files: dict[str, str],
    progress: Progress | None = None,
) -> ImportReport:
    """Import descriptor files (name → YAML text, one or many documents each). A file with any
    error imports nothing; the others are imported. Re-importing updates by name."""
    # Parsing builds millions of short-lived objects that the cycle collector would keep scanning.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _import(session, actor, files, progress)
    finally:
        if collecting:
            gc.enable()


def _import(
    session: Session, actor: Actor, files: dict[str, str], progress: Progress | None
) -> ImportReport:
    total = 2 * max(1, sum(len(text) for text in files.values()))
    tick = _ticker(progress, total)
    report = ImportReport()
    issues: list[Issue] = []
    drafts: list[Draft] = []
    memberships: dict[str, list[str]] = {}
    for name in sorted(files):
        parsed = parse_catalog(files[name], name)
        issues += parsed.issues
        report.skipped += parsed.skipped
        memberships.update(parsed.memberships)
        for entity in parsed.entities:
            draft, problems = draft_entity(entity)
            drafts.append(draft)
            issues += problems
        tick(len(files[name]))
    issues += duplicates(drafts) + group_cycles(drafts)
    user_teams = _user_teams(session, drafts, memberships)
    extra_teams = set(user_teams.values())
    for draft in drafts:
        if draft.owner is not None and draft.owner.ref.kind == "User":
            extra_teams.update(memberships.get(draft.owner.ref.name, []))
    existing = _existing(session, drafts, extra_teams)
    stored = {table: set(rows) for table, rows in existing.items()}
    issues += resolve(drafts, stored, memberships, user_teams, {i.source for i in issues})
    rejected = {i.source for i in issues}
    good = [d for d in drafts if d.entity.source not in rejected]
    report.errors = [_error(i) for i in sorted(issues, key=lambda i: (i.source, i.line))]
    report.files_rejected = sorted(rejected)
    report.files_imported = sorted(set(files) - rejected)
    if good:
        _write(session, actor, good, existing, memberships, user_teams, report, tick, total)
    tick(total)
    return report


def _ticker(progress: Progress | None, total: int) -> Callable[[int], None]:
    done = 0

    def tick(step: int) -> None:
        nonlocal done
        done = min(total, done + step)
        if progress is not None:
            progress(done, total)

    return tick


def _error(issue: Issue) -> dict[str, Any]:
    return {
        "file": issue.source,
        "line": issue.line,
        "entity": issue.entity,
        "field": issue.field,
        "message": issue.message,
    }


def _chunks(names: Iterable[str]) -> Iterable[list[str]]:
    ordered = sorted(set(names))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _existing(
    session: Session, drafts: list[Draft], teams: set[str]
) -> dict[str, dict[str, dict[str, Any]]]:
    """Rows already stored that the import names or refers to: table → name → columns."""
    wanted: dict[str, set[str]] = {table: set() for table in (*MODELS, "team")}
    wanted["team"] |= {t.partition(":")[2].rpartition("/")[2] if ":" in t else t for t in teams}
    for draft in drafts:
        wanted[draft.table].add(draft.name)
        for reference in references(draft):
            table = TABLE_OF_KIND.get(reference.ref.kind)
            if table:
                wanted[table].add(reference.ref.name)
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for table, names in wanted.items():
        model = Team if table == "team" else MODELS[table]
        columns = model.__table__.c
        rows: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(names):
            for row in session.execute(select(*columns).where(columns.name.in_(chunk))):
                rows[row.name] = dict(row._mapping)
        found[table] = rows
    return found


def _user_teams(
    session: Session, drafts: list[Draft], memberships: dict[str, list[str]]
) -> dict[str, str]:
    """Stored users named as owners (and not described in the import) → their first team."""
    names = {
        d.owner.ref.name
        for d in drafts
        if d.owner is not None
        and d.owner.ref.kind == "User"
        and d.owner.ref.name not in memberships
    }
    teams: dict[str, str] = {}
    for chunk in _chunks(names):
        rows = session.execute(
            select(User.username, Team.name)
            .join(Membership, Membership.user_id == User.id)
            .join(Team, Team.id == Membership.team_id)
            .where(User.username.in_(chunk))
            .order_by(Membership.id)
        )
        for username, team in rows:
            teams.setdefault(username, team)
    return teams


# --- writing ---------------------------------------------------------------------------------


def _write(
    session: Session,
    actor: Actor,
    drafts: list[Draft],
    existing: dict[str, dict[str, dict[str, Any]]],
    memberships: dict[str, list[str]],
    user_teams: dict[str, str],
    report: ImportReport,
    tick: Callable[[int], None],
    total: int,
) -> None:
    by_table: dict[str, list[Draft]] = {}
    for draft in drafts:
        by_table.setdefault(draft.table, []).append(draft)
    step = (total // 2) // 7
    team_ids = _write_teams(session, actor, by_table.get("team", []), existing["team"], report)
    tick(step)
    ids: dict[str, dict[str, int]] = {"team": team_ids}
    batch = AuditBatch(session, actor)
    providers: dict[str, str] = {}
    for draft in by_table.get("service", []):
        for reference in draft.provides:
            if reference.ref.kind == "API":
                providers.setdefault(reference.ref.name, draft.name)
    for table in ("domain", "system", "service", "data-store", "api"):
        rows = []
        for draft in by_table.get(table, []):
            row = _row(draft, ids, team_ids, memberships, user_teams)
            stored_extra = existing[table].get(draft.name, {}).get("extra") or {}
            others = {k: v for k, v in stored_extra.items() if k not in (EXTRA_KEY, OWNER_TEAM_KEY)}
            row["extra"] = others | row["extra"]  # what others keep in `extra` stays
            if table == "api":
                provider = providers.get(draft.name)
                stored = existing["api"].get(draft.name, {}).get("provider_service_id")
                row["provider_service_id"] = ids["service"][provider] if provider else stored
            rows.append(row)
        outcome = upsert_rows(session, batch, MODELS[table], table, rows, existing[table])
        kind = KIND_OF_TABLE[table].lower()
        report.count(report.created, kind, outcome.created)
        report.count(report.updated, kind, outcome.updated)
        report.count(report.unchanged, kind, outcome.unchanged)
        ids[table] = outcome.ids
        tick(step)
    created = write_dependencies(session, batch, by_table, ids)
    report.count(report.created, "dependency", created)
    batch.flush()
    tick(step)


def _row(
    draft: Draft,
    ids: dict[str, dict[str, int]],
    team_ids: dict[str, int],
    memberships: dict[str, list[str]],
    user_teams: dict[str, str],
) -> dict[str, Any]:
    row = dict(draft.values, name=draft.name)
    assert draft.owner is not None
    owner = owner_team(draft.owner, team_ids.keys(), memberships, user_teams)
    assert owner is not None
    row["owner_team_id"] = team_ids[owner]
    if draft.owner.ref.kind == "User":
        row["extra"] = dict(row["extra"], **{OWNER_TEAM_KEY: owner})
    if draft.table != "domain":
        row["system_id"] = ids["system"][draft.system.ref.name] if draft.system else None
    if draft.table == "system":
        row["domain_id"] = ids["domain"][draft.domain.ref.name] if draft.domain else None
    if draft.table == "data-store":
        row["_primary"] = draft.primary.ref.name if draft.primary else None
    return row


def _write_teams(
    session: Session,
    actor: Actor,
    drafts: list[Draft],
    existing: dict[str, dict[str, Any]],
    report: ImportReport,
) -> dict[str, int]:
    """Groups through the identity service (teams are few): create the missing ones, then set
    kinds, descriptions and parents (a group's own `parent`, else a group listing it as child)."""
    teams = {name: session.get(Team, row["id"]) for name, row in existing.items()}
    created = set()
    for draft in drafts:
        if draft.name not in teams:
            data = TeamCreate(name=draft.name, **draft.values)
            teams[draft.name] = create_team(session, actor, data)
            created.add(draft.name)
    parents: dict[str, str] = {}
    for draft in drafts:
        for child in draft.children:
            parents.setdefault(child.ref.name, draft.name)
    for draft in drafts:
        if draft.parent is not None:
            parents[draft.name] = draft.parent.ref.name
    wanted = {d.name: dict(d.values) for d in drafts}
    for name, parent in parents.items():
        wanted.setdefault(name, {})["parent_id"] = teams[parent].id
    for name, values in sorted(wanted.items()):
        team = teams[name]
        changes = {k: v for k, v in values.items() if getattr(team, k) != v}
        if changes:
            update_team(session, actor, team.id, TeamUpdate(version=team.version, **changes))
        if name in created:
            report.count(report.created, "group")
        elif name in {d.name for d in drafts}:
            bucket = report.updated if changes else report.unchanged
            report.count(bucket, "group")
    return {name: team.id for name, team in teams.items()}


# --- bulk rows -------------------------------------------------------------------------------


class AuditBatch:
    """Audit entries appended in one statement: the first through `audit.record` (it takes the
    chain's lock and finds its head), the rest chained to it here, so `verify` still passes."""

    def __init__(self, session: Session, actor: Actor) -> None:
        self.session, self.actor = session, actor
        self.items: list[tuple[str, str, object, dict[str, Any]]] = []

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
        self.items.append((action, kind, entity_id, changes))

    def flush(self) -> None:
        if not self.items:
            return
        action, kind, entity_id, changes = self.items[0]
        head = audit.record(self.session, self.actor, action, kind, entity_id, changes=changes)
        prev_hash, next_id, rows = head.hash, head.id + 1, []
        request_id = request_id_var.get()
        for action, kind, entity_id, changes in self.items[1:]:
            entry = SimpleNamespace(
                id=next_id,
                at=utcnow(),
                actor_id=self.actor.user_id,
                actor_name=self.actor.username,
                via=self.actor.via,
                action=action,
                entity_type=kind,
                entity_id=str(entity_id),
                changes=changes,
                request_id=request_id,
                prev_hash=prev_hash,
            )
            entry.hash = audit.entry_hash(prev_hash, audit.hashed_fields(entry))  # type: ignore[arg-type]
            rows.append(vars(entry))
            prev_hash, next_id = entry.hash, next_id + 1
        if rows:
            self.session.execute(insert(audit.AuditEntry.__table__), rows)
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
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values({c: bindparam(f"b_{c}") for c in (*columns, "version")})
        )
        params = [
            {f"b_{c}": row[c] for c in columns}
            | {"b_id": current["id"], "b_version": current["version"] + 1}
            for current, row in changed
        ]
        session.execute(statement, params)
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
