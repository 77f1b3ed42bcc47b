"""APIs: their provider, consumers and definition documents; conformance of OpenAPI ones."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.catalog.apis.definitions import DefinitionError, validate_definition
from tmse.catalog.apis.schemas import ApiCreate, ApiDetail, ApiOut, ApiUpdate
from tmse.catalog.models import Api, ApiType, Dependency, Service, System
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
from tmse.core.actor import Actor
from tmse.core.errors import InvalidInput
from tmse.core.identity.models import Team
from tmse.core.messages import Message
from tmse.core.pagination import ListParams, paginate
from tmse.integrations.openapi import check_openapi

API_FIELDS = (
    "name",
    "type",
    "lifecycle",
    "owner_team_id",
    "system_id",
    "provider_service_id",
    "description",
    "definition",
)
_REFERENCES: dict[str, tuple[type[Any], str]] = {
    "owner": (Team, "owner_team_id"),
    "system": (System, "system_id"),
    "provider": (Service, "provider_service_id"),
}


class ConformanceViolation(BaseModel):
    rule: str
    severity: Literal["error", "warning", "info"]
    location: str
    message: str = Field(description="The finding in English.")
    fix_hint: str = Field(description="How to fix it, in English.")
    finding_message: dict[str, Any] = Field(description="The finding as a message id and params.")
    hint_message: dict[str, Any] = Field(description="The fix hint as a message id and params.")

    @property
    def finding(self) -> Message:
        return Message.from_json(self.finding_message)

    @property
    def hint(self) -> Message:
        return Message.from_json(self.hint_message)


class ApiConformance(BaseModel):
    api: str
    errors: int
    warnings: int
    violations: list[ConformanceViolation]


def check_definition(api_type: str, definition: str) -> Any:
    """The parsed document, or a 422 naming `definition` with the line at fault."""
    try:
        return validate_definition(api_type, definition)
    except DefinitionError as error:
        detail: dict[str, Any] = {
            "field": "definition",
            "message": str(error),
            "finding_message": error.finding.to_json(),
        }
        if error.line is not None:
            detail["line"] = error.line
        raise InvalidInput("Invalid API definition", [detail]) from None


def get_api(session: Session, name: str) -> Api:
    """The API named `name`, or 404."""
    row: Api = by_name(session, Api, "API", name)
    return row


def create_api(session: Session, actor: Actor, data: ApiCreate) -> Api:
    """Store an API; unknown owner/system/provider or an invalid definition stores nothing."""
    refs = References(session)
    ids = {
        column: refs.id_of(model, field, getattr(data, field))
        for field, (model, column) in _REFERENCES.items()
    }
    refs.check()
    check_definition(data.type, data.definition)
    ensure_unique(session, Api, "API", data.name)
    row = Api(**data.model_dump(exclude=set(_REFERENCES)), **ids, extra={})
    insert(session, actor, "api", row, API_FIELDS)
    return row


def update_api(session: Session, actor: Actor, name: str, data: ApiUpdate) -> Api:
    """Change the fields sent; the resulting type and definition must agree."""
    row = get_api(session, name)
    changes = prepare_update(
        session,
        Api,
        "API",
        row,
        data,
        ("name", "type", "owner", "lifecycle", "description", "definition"),
        _REFERENCES,
    )
    if "type" in changes or "definition" in changes:
        check_definition(changes.get("type", row.type), changes.get("definition", row.definition))
    apply_changes(session, actor, "api", row, changes, API_FIELDS)
    return row


def delete_api(session: Session, actor: Actor, name: str, version: int | None = None) -> None:
    """Remove an API and the dependencies of its consumers on it."""
    row = get_api(session, name)
    remove(
        session, actor, "api", row, API_FIELDS, version, "API", dependents=Dependency.target_api_id
    )


def list_apis(
    session: Session,
    params: ListParams,
    q: str | None = None,
    owner: str | None = None,
    system: str | None = None,
    provider: str | None = None,
    type: str | None = None,
) -> tuple[list[Api], int]:
    """One page of APIs; filters: q (name contains), owner, system, provider, type."""
    stmt = name_filter(select(Api), Api, q, owner)
    if system:
        stmt = stmt.where(in_named(Api.system_id, System, system))
    if provider:
        stmt = stmt.where(in_named(Api.provider_service_id, Service, provider))
    if type:
        stmt = stmt.where(Api.type == type)
    sortable = {"name": Api.name, "type": Api.type, "id": Api.id, "created_at": Api.created_at}
    return paginate(session, stmt, params, sortable, "name", Api.id)


def api_out(session: Session, rows: list[Api]) -> list[ApiOut]:
    teams = names_by_id(session, Team, {r.owner_team_id for r in rows})
    systems = names_by_id(session, System, {r.system_id for r in rows})
    providers = names_by_id(session, Service, {r.provider_service_id for r in rows})
    return [
        ApiOut(
            **snapshot(r, ("name", "type", "lifecycle", "description", *STAMP_FIELDS)),
            owner=teams[r.owner_team_id],
            system=systems.get(r.system_id) if r.system_id is not None else None,
            provider=(
                providers.get(r.provider_service_id) if r.provider_service_id is not None else None
            ),
            has_definition=bool(r.definition.strip()),
        )
        for r in rows
    ]


def api_detail(session: Session, row: Api) -> ApiDetail:
    """One API with its definition and the names of the services consuming it."""
    consumers = session.scalars(
        select(Service.name)
        .join(Dependency, Dependency.source_id == Service.id)
        .where(Dependency.target_api_id == row.id)
        .order_by(Service.name)
    ).all()
    return ApiDetail(
        **api_out(session, [row])[0].model_dump(),
        definition=row.definition,
        consumers=list(consumers),
    )


def api_conformance(session: Session, name: str) -> ApiConformance:
    """The API design rules (standards' OpenAPI checks) run on an OpenAPI API's definition."""
    row = get_api(session, name)
    if row.type != ApiType.OPENAPI:
        raise InvalidInput(
            "Not an OpenAPI API",
            [{"field": "type", "message": f"conformance checks read OpenAPI, not {row.type}"}],
        )
    document = check_definition(row.type, row.definition)
    if document is None:
        raise InvalidInput(
            "No definition", [{"field": "definition", "message": "the API has no definition yet"}]
        )
    violations = check_openapi(document)
    return ApiConformance(
        api=row.name,
        errors=sum(v.severity == "error" for v in violations),
        warnings=sum(v.severity == "warning" for v in violations),
        violations=[
            ConformanceViolation(
                rule=v.rule,
                severity=v.severity,
                location=v.location,
                message=v.message,
                fix_hint=v.fix_hint,
                finding_message=v.finding.to_json(),
                hint_message=v.hint.to_json(),
            )
            for v in violations
        ],
    )
