"""Reporting and reading facts about services; the latest report of each kind is kept."""

from __future__ import annotations

from typing import Any, cast

from pydantic import ValidationError
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tmse.catalog.queries import service_id_named, service_name_rows
from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.db import utcnow
from tmse.core.errors import InvalidInput
from tmse.core.pagination import ListParams, paginate
from tmse.standards.facts.models import ServiceFact
from tmse.standards.facts.schemas import FACT_KINDS, FactOut, FactReport


def validate_value(kind: str, value: dict[str, Any]) -> dict[str, Any]:
    """The value as stored; a known kind's payload is checked, a 422 names `value.<field>`."""
    model = FACT_KINDS.get(kind)
    if model is None:
        return value
    try:
        return model.model_validate(value).model_dump(exclude_none=True)
    except ValidationError as error:
        raise InvalidInput(
            f"Invalid {kind} fact",
            [
                {
                    "field": ".".join(["value", *(str(part) for part in problem["loc"])]),
                    "message": problem["msg"],
                }
                for problem in error.errors()
            ],
        ) from None


def report_fact(session: Session, actor: Actor, data: FactReport) -> tuple[ServiceFact, str]:
    """Store the latest `kind` fact of a service, replacing the previous one (the audit log
    keeps it); returns the row and the service name."""
    value = validate_value(data.kind, data.value)
    service_id = service_id_named(session, data.service)
    if service_id is None:
        raise InvalidInput(
            "Unknown service",
            [{"field": "service", "message": f"no service named '{data.service}'"}],
        )
    name = data.service
    fact = _latest(session, service_id, data.kind)
    before = _snapshot(fact, name) if fact else None
    if fact is None:
        fact = ServiceFact(service_id=service_id, kind=data.kind)
        try:
            # Two pipelines reporting at once: the loser updates the winner's row.
            with session.begin_nested():
                _fill(fact, actor, value, data.source)
                session.add(fact)
                session.flush()
        except IntegrityError:
            fact = _latest(session, service_id, data.kind)
            assert fact is not None
            before = _snapshot(fact, name)
    _fill(fact, actor, value, data.source)
    session.flush()
    after = _snapshot(fact, name)
    audit.record(session, actor, "report", "service-fact", fact.id, before, after)
    return fact, name


def _fill(fact: ServiceFact, actor: Actor, value: dict[str, Any], source: str) -> None:
    fact.value = value
    fact.source = source
    fact.reported_at = utcnow()
    fact.reported_by = actor.username


def _latest(session: Session, service_id: int, kind: str) -> ServiceFact | None:
    return session.scalar(
        select(ServiceFact).where(ServiceFact.service_id == service_id, ServiceFact.kind == kind)
    )


def _snapshot(fact: ServiceFact, service: str) -> dict[str, Any]:
    return {"service": service, "kind": fact.kind, "value": fact.value, "source": fact.source}


# The catalog's service names, joined so that a page of facts is sorted by service in SQL.
_SERVICES = service_name_rows()


def facts_query(service: str | None = None, kind: str | None = None) -> Select[ServiceFact, str]:
    stmt = select(ServiceFact, _SERVICES.c.name).join(
        _SERVICES, _SERVICES.c.id == ServiceFact.service_id
    )
    if service:
        stmt = stmt.where(_SERVICES.c.name == service)
    if kind:
        stmt = stmt.where(ServiceFact.kind == kind)
    return stmt


def list_facts(session: Session, params: ListParams, **filters: Any) -> tuple[list[FactOut], int]:
    """One page of the latest facts; filters: service (name), kind."""
    # A subquery column sorts as well as a mapped attribute does.
    sortable: dict[str, Any] = {
        "service": _SERVICES.c.name,
        "kind": ServiceFact.kind,
        "reported_at": ServiceFact.reported_at,
    }
    # paginate() takes a one-entity select's type; this one's rows are (fact, service name).
    query = cast("Select[Any]", facts_query(**filters))
    rows, total = paginate(
        session, query, params, sortable, "service", ServiceFact.id, as_rows=True
    )
    return [fact_out(fact, name) for fact, name in rows], total


def fact_out(fact: ServiceFact, service: str) -> FactOut:
    return FactOut(
        service=service,
        kind=fact.kind,
        value=fact.value,
        source=fact.source,
        reported_at=fact.reported_at,
        reported_by=fact.reported_by,
    )
