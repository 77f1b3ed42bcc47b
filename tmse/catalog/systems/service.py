"""Domains and systems: create, update, delete (audited, version-checked) and list."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.catalog.models import Domain, System
from tmse.catalog.records import (
    STAMP_FIELDS,
    apply_changes,
    by_name,
    ensure_unique,
    in_named,
    insert,
    name_filter,
    prepare_update,
    remove,
    snapshot,
)
from tmse.catalog.references import References, names_by_id
from tmse.catalog.systems.schemas import (
    DomainCreate,
    DomainOut,
    DomainUpdate,
    SystemCreate,
    SystemOut,
    SystemUpdate,
)
from tmse.core.actor import Actor
from tmse.core.identity.models import Team
from tmse.core.pagination import ListParams, paginate

DOMAIN_FIELDS = ("name", "title", "description", "owner_team_id")
SYSTEM_FIELDS = ("name", "title", "description", "owner_team_id", "domain_id")


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
    insert(session, actor, "domain", row, DOMAIN_FIELDS)
    return row


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
    apply_changes(session, actor, "domain", row, changes, DOMAIN_FIELDS)
    return row


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
        if domain_id is not None:
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
    insert(session, actor, "system", row, SYSTEM_FIELDS)
    return row


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
    apply_changes(session, actor, "system", row, changes, SYSTEM_FIELDS)
    return row


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
