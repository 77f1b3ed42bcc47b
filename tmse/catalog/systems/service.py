"""Domains and systems, and the create/update/delete steps every named catalog record shares.

Each write is audited; a stale `version` is a 409; an unknown name is a 422 naming the field."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from tmse.catalog.entity_schemas import (
    DomainCreate,
    DomainOut,
    DomainUpdate,
    SystemCreate,
    SystemOut,
    SystemUpdate,
)
from tmse.catalog.models import Dependency, Domain, System
from tmse.catalog.references import References, names_by_id, reject_nulls
from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.errors import Conflict, NotFound, check_version
from tmse.core.identity.models import Team
from tmse.core.pagination import ListParams, paginate

DOMAIN_FIELDS = ("name", "title", "description", "owner_team_id")
SYSTEM_FIELDS = ("name", "title", "description", "owner_team_id", "domain_id")
STAMP_FIELDS = ("id", "version", "created_at", "updated_at")


# --- shared steps ----------------------------------------------------------------------------


def by_name(session: Session, model: type[Any], label: str, name: str) -> Any:
    """The row of `model` named `name`, or 404 saying which kind of record is missing."""
    row = session.scalar(select(model).where(model.name == name))
    if row is None:
        raise NotFound(f"{label} '{name}' does not exist")
    return row


def ensure_unique(session: Session, model: type[Any], label: str, name: str | None) -> None:
    if name is not None and session.scalar(select(model.id).where(model.name == name)):
        raise Conflict(f"A {label.lower()} named '{name}' already exists", field="name")


def snapshot(row: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {field: getattr(row, field) for field in fields}


def insert(session: Session, actor: Actor, kind: str, row: Any, fields: tuple[str, ...]) -> Any:
    """Store a new row and audit it."""
    session.add(row)
    session.flush()
    audit.record(session, actor, "create", kind, row.id, None, snapshot(row, fields))
    return row


def apply_changes(
    session: Session,
    actor: Actor,
    kind: str,
    row: Any,
    changes: dict[str, Any],
    fields: tuple[str, ...],
) -> Any:
    """Set the changed columns, flush and audit before/after."""
    before = snapshot(row, fields)
    for key, value in changes.items():
        setattr(row, key, value)
    session.flush()
    audit.record(session, actor, "update", kind, row.id, before, snapshot(row, fields))
    return row


def remove(
    session: Session,
    actor: Actor,
    kind: str,
    row: Any,
    fields: tuple[str, ...],
    version: int | None,
    label: str,
    dependents: Any = None,
) -> None:
    """Delete a row (after the version check when one is given) and audit what it held; with
    `dependents` (a Dependency target column), the dependencies on the row go first."""
    if dependents is not None:
        for dependency in session.scalars(select(Dependency).where(dependents == row.id)):
            session.delete(dependency)
        session.flush()
    if version is not None:
        check_version(label, row.version, version)
    before = snapshot(row, fields)
    session.delete(row)
    session.flush()
    audit.record(session, actor, "delete", kind, row.id, before, None)


def prepare_update(
    session: Session,
    model: type[Any],
    label: str,
    row: Any,
    data: Any,
    required: tuple[str, ...],
    references: dict[str, tuple[type[Any], str]],
) -> dict[str, Any]:
    """Column changes from a PATCH body: version checked, nulls refused for required fields,
    reference names (field → (model, column)) resolved, a new name checked for uniqueness."""
    check_version(label, row.version, data.version)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True, exclude={"version"})
    reject_nulls(changes, required)
    refs = References(session)
    for field, (target, column) in references.items():
        if field in changes:
            changes[column] = refs.id_of(target, field, changes.pop(field))
    refs.check()
    if changes.get("name") not in (None, row.name):
        ensure_unique(session, model, label, changes["name"])
    return changes


def name_filter(
    stmt: Select[Any], model: type[Any], q: str | None, owner: str | None
) -> Select[Any]:
    if q:
        stmt = stmt.where(model.name.ilike(f"%{q}%"))
    if owner:
        stmt = stmt.where(model.owner_team_id.in_(select(Team.id).where(Team.name == owner)))
    return stmt


def in_named(column: Any, model: type[Any], name: str) -> Any:
    """`column` points at the row of `model` named `name`."""
    return column.in_(select(model.id).where(model.name == name))


# --- domains ---------------------------------------------------------------------------------


def get_domain(session: Session, name: str) -> Domain:
    """The domain named `name`, or 404."""
    row: Domain = by_name(session, Domain, "Domain", name)
    return row


def create_domain(session: Session, actor: Actor, data: DomainCreate) -> Domain:
    refs = References(session)
    owner_id = refs.id_of(Team, "owner", data.owner)
    refs.check()
    ensure_unique(session, Domain, "Domain", data.name)
    row = Domain(**data.model_dump(exclude={"owner"}), owner_team_id=owner_id, extra={})
    return insert(session, actor, "domain", row, DOMAIN_FIELDS)


def update_domain(session: Session, actor: Actor, name: str, data: DomainUpdate) -> Domain:
    row = get_domain(session, name)
    changes = prepare_update(
        session,
        Domain,
        "Domain",
        row,
        data,
        ("name", "owner", "description"),
        {"owner": (Team, "owner_team_id")},
    )
    return apply_changes(session, actor, "domain", row, changes, DOMAIN_FIELDS)


def delete_domain(session: Session, actor: Actor, name: str, version: int | None = None) -> None:
    """Remove a domain; its systems stay, without a domain."""
    row = by_name(session, Domain, "Domain", name)
    remove(session, actor, "domain", row, DOMAIN_FIELDS, version, "Domain")


def list_domains(
    session: Session, params: ListParams, q: str | None = None, owner: str | None = None
) -> tuple[list[Domain], int]:
    stmt = name_filter(select(Domain), Domain, q, owner)
    sortable = {"name": Domain.name, "id": Domain.id, "created_at": Domain.created_at}
    return paginate(session, stmt, params, sortable, "name", Domain.id)


def domain_out(session: Session, rows: list[Domain]) -> list[DomainOut]:
    teams = names_by_id(session, Team, {r.owner_team_id for r in rows})
    systems: dict[int, list[str]] = {r.id: [] for r in rows}
    for domain_id, system in session.execute(
        select(System.domain_id, System.name)
        .where(System.domain_id.in_(list(systems)))
        .order_by(System.name)
    ):
        systems[domain_id].append(system)
    return [
        DomainOut(
            **snapshot(r, (*DOMAIN_FIELDS, *STAMP_FIELDS)),
            owner=teams[r.owner_team_id],
            systems=systems[r.id],
        )
        for r in rows
    ]


# --- systems ---------------------------------------------------------------------------------


def get_system(session: Session, name: str) -> System:
    """The system named `name`, or 404."""
    row: System = by_name(session, System, "System", name)
    return row


def create_system(session: Session, actor: Actor, data: SystemCreate) -> System:
    refs = References(session)
    owner_id = refs.id_of(Team, "owner", data.owner)
    domain_id = refs.id_of(Domain, "domain", data.domain)
    refs.check()
    ensure_unique(session, System, "System", data.name)
    row = System(
        **data.model_dump(exclude={"owner", "domain"}),
        owner_team_id=owner_id,
        domain_id=domain_id,
        extra={},
    )
    return insert(session, actor, "system", row, SYSTEM_FIELDS)


def update_system(session: Session, actor: Actor, name: str, data: SystemUpdate) -> System:
    row = get_system(session, name)
    changes = prepare_update(
        session,
        System,
        "System",
        row,
        data,
        ("name", "owner", "description"),
        {"owner": (Team, "owner_team_id"), "domain": (Domain, "domain_id")},
    )
    return apply_changes(session, actor, "system", row, changes, SYSTEM_FIELDS)


def delete_system(session: Session, actor: Actor, name: str, version: int | None = None) -> None:
    """Remove a system; its services, APIs and data stores stay, without a system."""
    row = by_name(session, System, "System", name)
    remove(session, actor, "system", row, SYSTEM_FIELDS, version, "System")


def list_systems(
    session: Session,
    params: ListParams,
    q: str | None = None,
    owner: str | None = None,
    domain: str | None = None,
) -> tuple[list[System], int]:
    stmt = name_filter(select(System), System, q, owner)
    if domain:
        stmt = stmt.where(in_named(System.domain_id, Domain, domain))
    sortable = {"name": System.name, "id": System.id, "created_at": System.created_at}
    return paginate(session, stmt, params, sortable, "name", System.id)


def system_out(session: Session, rows: list[System]) -> list[SystemOut]:
    teams = names_by_id(session, Team, {r.owner_team_id for r in rows})
    domains = names_by_id(session, Domain, {r.domain_id for r in rows})
    return [
        SystemOut(
            **snapshot(r, ("name", "title", "description", *STAMP_FIELDS)),
            owner=teams[r.owner_team_id],
            domain=domains.get(r.domain_id) if r.domain_id is not None else None,
        )
        for r in rows
    ]
