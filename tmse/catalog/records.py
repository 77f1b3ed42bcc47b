"""The create/update/delete steps every named catalog record shares (domains, systems, APIs,
data stores): look-up by name, uniqueness, audited writes, PATCH bodies, list filters."""
# Each write is audited; a stale `version` is a 409; an unknown name is a 422 naming the field.

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from tmse.catalog.models import Dependency
from tmse.catalog.references import References, reject_nulls
from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.errors import Conflict, NotFound, check_version
from tmse.core.identity.models import Team

STAMP_FIELDS = ("id", "version", "created_at", "updated_at")


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


def insert(session: Session, actor: Actor, kind: str, row: Any, fields: tuple[str, ...]) -> None:
    """Store a new row and audit it."""
    session.add(row)
    session.flush()
    audit.record(session, actor, "create", kind, row.id, None, snapshot(row, fields))


def apply_changes(
    session: Session,
    actor: Actor,
    kind: str,
    row: Any,
    changes: dict[str, Any],
    fields: tuple[str, ...],
) -> None:
    """Set the changed columns, flush and audit before/after."""
    before = snapshot(row, fields)
    for key, value in changes.items():
        setattr(row, key, value)
    session.flush()
    audit.record(session, actor, "update", kind, row.id, before, snapshot(row, fields))


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
