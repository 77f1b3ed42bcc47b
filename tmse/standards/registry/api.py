"""JSON routes of the standards registry and of the rule results across services."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query, status

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.input_types import INT32_MAX, Id, Reference, SearchText
from tmse.core.pagination import ListParams, Page, list_params, sorted_by
from tmse.core.permissions import READ, STANDARDS_WRITE
from tmse.core.routing import Router
from tmse.standards.registry import queries, service
from tmse.standards.registry.checks import RULE_KINDS
from tmse.standards.registry.models import Category
from tmse.standards.registry.schemas import (
    RuleKindOut,
    RuleResultOut,
    ServiceResults,
    StandardCreate,
    StandardDetail,
    StandardOut,
    StandardRetire,
    StandardUpdate,
    VersionDiff,
    VersionOut,
    VersionPublish,
)

router = Router(prefix="/api/v1/standards", tags=["standards"])
Reader = Annotated[Actor, Depends(require(READ))]
Writer = Annotated[Actor, Depends(require(STANDARDS_WRITE))]


@router.get("/registry", response_model=Page[StandardOut])
def list_standards(
    session: DbSession,
    _: Reader,
    paging: Annotated[ListParams, Depends(sorted_by("category", "key", "name"))],
    category: Category | None = None,
    retired: bool | None = None,
    q: str | None = Query(None, max_length=200, description="Name or key contains."),
) -> Page[StandardOut]:
    rows, total = service.list_standards(session, paging, category=category, retired=retired, q=q)
    return Page(
        items=service.standard_out(session, rows),
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.post("/registry", response_model=StandardOut, status_code=status.HTTP_201_CREATED)
def create_standard(data: StandardCreate, session: DbSession, actor: Writer) -> StandardOut:
    standard = service.create_standard(session, actor, data)
    return service.standard_out(session, [standard])[0]


@router.get("/registry/rule-kinds", response_model=list[RuleKindOut])
def rule_kinds(_: Reader) -> list[RuleKindOut]:
    """The checks a rule may name, each with the JSON schema of its params."""
    return [
        RuleKindOut(
            name=kind.name,
            description=kind.description,
            params_schema=kind.params.model_json_schema(),
        )
        for kind in RULE_KINDS.values()
    ]


@router.get("/registry/{key}", response_model=StandardDetail)
def get_standard(key: Reference, session: DbSession, _: Reader) -> StandardDetail:
    return service.standard_detail(session, key)


@router.patch("/registry/{key}", response_model=StandardOut)
def update_standard(
    key: Reference, data: StandardUpdate, session: DbSession, actor: Writer
) -> StandardOut:
    standard = service.update_standard(session, actor, key, data)
    return service.standard_out(session, [standard])[0]


@router.post(
    "/registry/{key}/versions", response_model=VersionOut, status_code=status.HTTP_201_CREATED
)
def publish_version(
    key: Reference, data: VersionPublish, session: DbSession, actor: Writer
) -> VersionOut:
    """Publish the next immutable version; it is in force from now on."""
    return service.version_out(service.publish_version(session, actor, key, data))


@router.get("/registry/{key}/versions", response_model=list[VersionOut])
def list_versions(key: Reference, session: DbSession, _: Reader) -> list[VersionOut]:
    return [service.version_out(v) for v in service.list_versions(session, key)]


@router.get("/registry/{key}/versions/{number}", response_model=VersionOut)
def get_version(key: Reference, number: Id, session: DbSession, _: Reader) -> VersionOut:
    return service.version_out(service.get_version(session, key, number))


@router.get("/registry/{key}/diff", response_model=VersionDiff)
def diff_versions(
    key: Reference,
    session: DbSession,
    _: Reader,
    from_version: int = Query(alias="from", ge=1, le=INT32_MAX),
    to_version: int = Query(alias="to", ge=1, le=INT32_MAX),
) -> VersionDiff:
    """Rules added, removed and changed between two versions."""
    return service.diff_versions(session, key, from_version, to_version)


@router.post("/registry/{key}/retire", response_model=StandardOut)
def retire_standard(
    key: Reference, data: StandardRetire, session: DbSession, actor: Writer
) -> StandardOut:
    standard = service.retire_standard(session, actor, key, data.version)
    return service.standard_out(session, [standard])[0]


@router.get("/results", response_model=Page[RuleResultOut])
def list_results(
    session: DbSession,
    _: Reader,
    paging: Annotated[ListParams, Depends(list_params)],
    service_name: str | None = Query(None, alias="service", max_length=200),
    standard: SearchText | None = None,
    passed: bool | None = None,
    severity: Literal["error", "warning", "info"] | None = None,
    level: SearchText | None = None,
) -> Page[RuleResultOut]:
    """Rule results of every standard in force across services, failures first."""
    rows, total = queries.filtered_results_page(
        session,
        paging.offset,
        paging.limit,
        service_name,
        standard,
        passed=passed,
        severity=severity,
        level=level,
    )
    return Page(
        items=rows,
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.get("/results/{service_name}", response_model=ServiceResults)
def service_results(service_name: Reference, session: DbSession, _: Reader) -> ServiceResults:
    """One service's rule results with severity, location and fix hint, failures first."""
    return queries.service_results(session, service_name)
