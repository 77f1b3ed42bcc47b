"""Every change and query of architecture decision records, and their adr-tools files."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.errors import InvalidInput, NotFound, check_version
from tmse.core.pagination import ListParams, paginate
from tmse.core.permissions import DECISIONS_WRITE, LINKS_WRITE
from tmse.integrations.adr_tools import (
    Adr,
    AdrFormatError,
    AdrLink,
    ExtraSection,
    adr_filename,
    parse_adr_folder,
    render_adr,
)
from tmse.standards.decisions.models import DecisionRecord
from tmse.standards.decisions.schemas import DecisionCreate, DecisionUpdate

FIELDS = ("number", "title", "status", "date", "context", "decision", "consequences", "links")


def _snapshot(record: DecisionRecord) -> dict[str, Any]:
    return {f: getattr(record, f) for f in FIELDS}


def get_decision(session: Session, number: int) -> DecisionRecord:
    record = session.scalar(select(DecisionRecord).where(DecisionRecord.number == number))
    if record is None:
        raise NotFound(f"Decision record {number} does not exist")
    return record


def create_decision(session: Session, actor: Actor, data: DecisionCreate) -> DecisionRecord:
    number = (session.scalar(select(func.max(DecisionRecord.number))) or 0) + 1
    record = DecisionRecord(number=number, links=[], extra_sections=[], **data.model_dump())
    session.add(record)
    session.flush()
    audit.record(session, actor, "create", "decision", record.number, None, _snapshot(record))
    return record


def update_decision(
    session: Session, actor: Actor, number: int, data: DecisionUpdate
) -> DecisionRecord:
    record = get_decision(session, number)
    check_version("Decision record", record.version, data.version)
    before = _snapshot(record)
    for key, value in data.model_dump(exclude_unset=True, exclude={"version"}).items():
        setattr(record, key, value)
    session.flush()
    audit.record(session, actor, "update", "decision", record.number, before, _snapshot(record))
    return record


def decisions_query(status: str | None = None, q: str | None = None) -> Select[Any]:
    stmt = select(DecisionRecord)
    if status:
        stmt = stmt.where(DecisionRecord.status == status)
    if q:
        stmt = stmt.where(DecisionRecord.title.ilike(f"%{q}%"))
    return stmt


def list_decisions(
    session: Session, params: ListParams, **filters: Any
) -> tuple[list[DecisionRecord], int]:
    sortable = {
        "number": DecisionRecord.number,
        "title": DecisionRecord.title,
        "status": DecisionRecord.status,
    }
    return paginate(
        session, decisions_query(**filters), params, sortable, "number", DecisionRecord.id
    )


def _as_adr(record: DecisionRecord) -> Adr:
    return Adr(
        number=record.number,
        title=record.title,
        date=record.date,
        status=record.status,
        links=[AdrLink(str(r), int(n), str(t)) for r, n, t in record.links],
        context=record.context,
        decision=record.decision,
        consequences=record.consequences,
        extra_sections=[ExtraSection(**e) for e in record.extra_sections],
    )


def export_files(session: Session) -> dict[str, str]:
    """Every record as an adr-tools file, named NNNN-title.md."""
    records = session.scalars(select(DecisionRecord).order_by(DecisionRecord.number))
    return {adr_filename(adr): render_adr(adr) for adr in map(_as_adr, records)}


def import_files(session: Session, actor: Actor, files: dict[str, str]) -> tuple[int, int]:
    """Create or update records from adr-tools files, matched by number; one bad file imports
    nothing and names the file, line and problem."""
    return store_adrs(session, actor, parse_files(files))


def parse_files(files: dict[str, str]) -> list[Adr]:
    """The adr-tools files parsed, or a 422 naming file, line and problem; needs no database,
    so imports run it before their write transaction."""
    try:
        return parse_adr_folder(files)
    except AdrFormatError as error:
        raise InvalidInput(
            "Not an adr-tools file",
            [
                {
                    "field": f"files.{error.filename}" if error.filename else "files",
                    "line": error.line,
                    "message": error.message,
                }
            ],
        ) from None


def store_adrs(session: Session, actor: Actor, adrs: list[Adr]) -> tuple[int, int]:
    """Create or update a record per parsed file, matched by number: (created, updated)."""
    created = updated = 0
    for adr in adrs:
        values = {
            "title": adr.title,
            "status": adr.status,
            "date": adr.date,
            "context": adr.context,
            "decision": adr.decision,
            "consequences": adr.consequences,
            "links": [list(link) for link in adr.links],
            "extra_sections": [dataclasses.asdict(e) for e in adr.extra_sections],
        }
        record = session.scalar(select(DecisionRecord).where(DecisionRecord.number == adr.number))
        if record is None:
            record = DecisionRecord(number=adr.number, **values)
            session.add(record)
            session.flush()
            audit.record(session, actor, "import", "decision", adr.number, None, _snapshot(record))
            created += 1
            continue
        before = _snapshot(record)
        for key, value in values.items():
            setattr(record, key, value)
        session.flush()
        if _snapshot(record) != before:
            audit.record(
                session, actor, "import", "decision", adr.number, before, _snapshot(record)
            )
            updated += 1
    return created, updated


# What a page may offer on the register (no record) and on one record.
CREATE, EDIT, LINK = "create", "edit", "link"


def allowed_actions(actor: Actor, record: DecisionRecord | None = None) -> frozenset[str]:
    """What the actor may do now: record a decision, or edit this one and link it to services."""
    if not actor.can(DECISIONS_WRITE):
        return frozenset()
    if record is None:
        return frozenset({CREATE})
    return frozenset({EDIT, LINK}) if actor.can(LINKS_WRITE) else frozenset({EDIT})
