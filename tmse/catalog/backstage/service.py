"""Backstage descriptors into the catalog: every file checked, each file imported whole or not at
all, references resolved across the files of one import, rows written in bulk and audited."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.catalog.backstage.bulk_rows import CHUNK, AuditBatch, upsert_rows, write_dependencies
from tmse.catalog.models import Api, DataStore, Domain, Service, System
from tmse.core.actor import Actor
from tmse.core.identity.models import Membership, Team, User
from tmse.core.identity.schemas import TeamCreate, TeamUpdate
from tmse.core.identity.service import create_team, keep_team_extra, update_team
from tmse.integrations.backstage import (
    EXTRA_KEY,
    KIND_OF_TABLE,
    OWNER_TEAM_KEY,
    TABLE_OF_KIND,
    Draft,
    Issue,
    ParsedDescriptors,
    Progress,
    collector_paused,
    owner_team,
    parse_descriptors,
    references,
    resolve,
    ticker,
)

MODELS: dict[str, Any] = {
    "domain": Domain,
    "system": System,
    "service": Service,
    "data-store": DataStore,
    "api": Api,
}


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
    # Parses inside the caller's transaction: callers that write use parse_descriptors first,
    # outside it, then import_parsed.
    return import_parsed(session, actor, parse_descriptors(files, progress), progress)


def import_parsed(
    session: Session, actor: Actor, parsed: ParsedDescriptors, progress: Progress | None = None
) -> ImportReport:
    """Resolve the parsed drafts against the database and write every file without errors."""
    with collector_paused():
        return _import(session, actor, parsed, progress)


def _import(
    session: Session, actor: Actor, parsed: ParsedDescriptors, progress: Progress | None
) -> ImportReport:
    total = parsed.work
    tick = ticker(progress, total, done=total // 2)
    files = parsed.files
    report = ImportReport(skipped=list(parsed.skipped))
    issues = list(parsed.issues)
    drafts = parsed.drafts
    memberships = parsed.memberships
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


def _error(issue: Issue) -> dict[str, Any]:
    return {
        "file": issue.source,
        "line": issue.line,
        "entity": issue.entity,
        "field": issue.field,
        "message": issue.message,
        "finding_message": issue.finding.to_json(),
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
    teams = {name: session.get_one(Team, row["id"]) for name, row in existing.items()}
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
        extra = values.pop("extra", None)
        changes = {k: v for k, v in values.items() if getattr(team, k) != v}
        if changes:
            update_team(session, actor, team.id, TeamUpdate(version=team.version, **changes))
        if extra is not None:
            others = {k: v for k, v in team.extra.items() if k not in extra}
            if keep_team_extra(session, actor, team, others | extra):
                changes["extra"] = extra
        if name in created:
            report.count(report.created, "group")
        elif name in {d.name for d in drafts}:
            bucket = report.updated if changes else report.unchanged
            report.count(bucket, "group")
    return {name: team.id for name, team in teams.items()}
