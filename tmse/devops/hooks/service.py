"""Hook sources and their secrets, and receiving a delivery: verify it with its source's
secret, read it, store its facts, and log the outcome, a refusal included."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.db import Database, utcnow
from tmse.core.errors import Conflict, NotFound
from tmse.core.messages import Message, message
from tmse.devops.code.service import BatchCounts
from tmse.devops.hooks.models import PLAIN, HookDelivery, HookSource
from tmse.devops.hooks.receiving import Logged, Refusal, read_delivery
from tmse.devops.hooks.schemas import Outcome, Receipt, SecretGiven, SourceCreate
from tmse.devops.hooks.storing import Stored, store
from tmse.integrations.cicd_events import DeliveryRefused

SECRET_BYTES = 32


@dataclass(frozen=True)
class SourceRef:
    """The fields of a source a delivery is checked against, read before any write begins."""

    id: int
    kind: str
    name: str
    secret: str
    enabled: bool


def source_actor(kind: str, name: str) -> Actor:
    """Who the audit log says wrote a delivery's records: the source itself, with no role."""
    return Actor(user_id=None, username=f"hook:{kind}/{name}")


def new_secret(given: str | None) -> str:
    return given or secrets.token_urlsafe(SECRET_BYTES)


def create_source(session: Session, actor: Actor, data: SourceCreate) -> tuple[HookSource, str]:
    """A new source and its secret (shown to the caller once); 409 when the name is taken."""
    taken = session.scalar(
        select(HookSource.id).where(HookSource.kind == data.kind, HookSource.name == data.name)
    )
    if taken is not None:
        raise Conflict(f"A {data.kind} source named '{data.name}' exists already.")
    secret = new_secret(data.secret)
    source = HookSource(
        kind=data.kind,
        name=data.name,
        secret=secret,
        secret_scheme=PLAIN,
        rotated_at=utcnow(),
        enabled=data.enabled,
    )
    session.add(source)
    session.flush()
    after = {"kind": source.kind, "name": source.name, "enabled": source.enabled}
    audit.record(session, actor, "create", "hook_source", source.id, None, after)
    return source, secret


def rotate_secret(
    session: Session, actor: Actor, source_id: int, data: SecretGiven
) -> tuple[HookSource, str]:
    """Replace a source's secret: deliveries signed with the old one are refused from now on."""
    source = source_by_id(session, source_id)
    secret = new_secret(data.secret)
    source.secret = secret
    source.secret_scheme = PLAIN
    source.rotated_at = utcnow()
    session.flush()
    # The audit entry says that the secret changed, never what it is.
    changes = {"secret": {"before": "(previous)", "after": "(rotated)"}}
    audit.record(session, actor, "rotate", "hook_source", source.id, changes=changes)
    return source, secret


def delete_source(session: Session, actor: Actor, source_id: int) -> None:
    """Remove a source and its delivery log; the records its deliveries made stay."""
    source = source_by_id(session, source_id)
    before = {"kind": source.kind, "name": source.name, "enabled": source.enabled}
    session.delete(source)
    session.flush()
    audit.record(session, actor, "delete", "hook_source", source_id, before, None)


def source_by_id(session: Session, source_id: int) -> HookSource:
    source = session.get(HookSource, source_id)
    if source is None:
        raise NotFound(f"No hook source {source_id}.")
    return source


def source_ref(db: Database, kind: str, name: str) -> SourceRef:
    """The source a tool addressed; 404 when there is none of that kind and name."""
    # From the writer, never a replica: a rotated secret must stop working at once.
    with db.session(write=True) as session:
        source = session.scalar(
            select(HookSource).where(HookSource.kind == kind, HookSource.name == name)
        )
        if source is None:
            raise NotFound(f"No {kind} hook source named '{name}'.")
        return SourceRef(source.id, source.kind, source.name, source.secret, source.enabled)


def receive(
    db: Database, kind: str, name: str, headers: Mapping[str, str], body: bytes
) -> tuple[Receipt, Refusal | None]:
    """Handle one delivery to the source `kind`/`name`; its log line is always written, and a
    refused delivery writes nothing else."""
    source = source_ref(db, kind, name)
    read = read_delivery(source.kind, source.secret, source.enabled, headers, body)
    if read.refusal is not None:
        return _refused(db, source, read.event, read.delivery_id, read.refusal), read.refusal
    payload = read.batch
    assert payload is not None
    event, delivery_id = read.event, read.delivery_id
    actor = source_actor(source.kind, source.name)
    try:
        with db.session() as session:
            try:
                with session.begin_nested():
                    stored = store(session, actor, source.kind, payload)
            except DeliveryRefused as error:
                refusal = Refusal.of_body(error)
                line = _log(session, source.id, event, delivery_id, refusal.logged())
                return _receipt(line, event), refusal
            counts = stored.counts
            outcome = _outcome(stored)
            note = stored.ignored or _note(outcome, source.kind, counts)
            logged = Logged(outcome, 200, note, counts.created, counts.updated)
            line = _log(session, source.id, event, delivery_id, logged)
            if outcome == "stored":
                changes: dict[str, Any] = {"event": event, "delivery": delivery_id}
                changes |= {"created": counts.created, "updated": counts.updated}
                audit.record(session, actor, "receive", "hook_delivery", line.id, changes=changes)
            return _receipt(line, event, counts), None
    except Exception:
        # The delivery's writes are rolled back; the log still says it came and failed.
        failed = Refusal(500, message("The delivery could not be stored"))
        _refused(db, source, event, delivery_id, failed)
        raise


def _refused(
    db: Database, source: SourceRef, event: str | None, delivery_id: str | None, refusal: Refusal
) -> Receipt:
    with db.session() as session:
        line = _log(session, source.id, event, delivery_id, refusal.logged())
        return _receipt(line, event)


def _log(
    session: Session,
    source_id: int,
    event: str | None,
    delivery_id: str | None,
    logged: Logged,
) -> HookDelivery:
    line = HookDelivery(
        source_id=source_id,
        event=event,
        delivery_id=delivery_id,
        received_at=utcnow(),
        outcome=logged.outcome,
        status_code=logged.status_code,
        message=logged.note,
        created=logged.created,
        updated=logged.updated,
    )
    session.add(line)
    session.flush()
    return line


def _outcome(stored: Stored) -> Outcome:
    if stored.ignored is not None:
        return "ignored"
    counts = stored.counts
    return "stored" if counts.created or counts.updated else "unchanged"


def _note(outcome: Outcome, kind: str, counts: BatchCounts) -> Message:
    if outcome == "unchanged":
        return message("Received before: nothing changed")
    if kind in ("harbor", "sonarqube"):
        return message(
            "{created} records created, {updated} updated",
            created=counts.created,
            updated=counts.updated,
        )
    return message(
        "{created} records created, {updated} updated, {skipped} deployments not recorded",
        created=counts.created,
        updated=counts.updated,
        skipped=counts.skipped,
    )


def _receipt(line: HookDelivery, event: str | None, counts: BatchCounts | None = None) -> Receipt:
    counts = counts or BatchCounts()
    return Receipt(
        outcome=line.outcome,
        delivery=line.id,
        event=event,
        created=counts.created,
        updated=counts.updated,
        unchanged=counts.unchanged,
        skipped=counts.skipped,
    )
