"""Names in requests resolved to rows, every unknown one collected into one 422."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.catalog.models import Api, DataStore, Domain, Service, System
from tmse.core.errors import InvalidInput
from tmse.core.identity.models import Team

# What each reference field names, for the error message.
_KINDS: dict[type[Any], str] = {
    Team: "team",
    Domain: "domain",
    System: "system",
    Service: "service",
    Api: "API",
    DataStore: "data store",
}


class References:
    """Look names up for one request; `check()` raises one 422 naming every unknown field."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.errors: list[dict[str, Any]] = []

    def id_of(self, model: type[Any], field: str, name: str | None) -> int | None:
        """The id of the row named `name` (None for no name); an unknown name is an error."""
        if name is None:
            return None
        found: int | None = self.session.scalar(select(model.id).where(model.name == name))
        if found is None:
            self.errors.append({"field": field, "message": f"no {_KINDS[model]} named '{name}'"})
        return found

    def fail(self, field: str, message: str) -> None:
        self.errors.append({"field": field, "message": message})

    def check(self, title: str = "Unknown reference") -> None:
        if self.errors:
            raise InvalidInput(title, self.errors)


def names_by_id(session: Session, model: type[Any], ids: set[int | None]) -> dict[int, str]:
    """id → name for the given ids (None ignored), in one query."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(session.execute(select(model.id, model.name).where(model.id.in_(wanted))).all())


def reject_nulls(changes: dict[str, Any], required: tuple[str, ...]) -> None:
    """A PATCH may not set a required field to null: 422 naming each such field."""
    errors = [
        {"field": field, "message": "may not be null"}
        for field in required
        if field in changes and changes[field] is None
    ]
    if errors:
        raise InvalidInput("Missing value", errors)
