"""Backstage catalog-info.yaml in and out over the API: import a YAML body, export the catalog."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import Response

from tmse.catalog.backstage.queries import export_backstage
from tmse.catalog.backstage.schemas import ImportResult
from tmse.catalog.backstage.service import import_parsed
from tmse.core.actor import Actor
from tmse.core.body_limit import accepts_import_body
from tmse.core.deps import DbSession, require
from tmse.core.errors import InvalidInput, Problem
from tmse.core.openapi_declarations import file_answer
from tmse.core.parse_first import import_actor, write_session
from tmse.core.permissions import CATALOG_WRITE, READ
from tmse.core.routing import Router
from tmse.integrations.backstage import parse_descriptors

router = Router(prefix="/api/v1/catalog", tags=["catalog"])
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain")
YAML_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "One or many catalog-info.yaml documents (at most TMSE_MAX_IMPORT_BODY_MB, "
        "20 MB unless configured).",
        "content": {t: {"schema": {"type": "string"}} for t in YAML_TYPES[::2]},
    }
}


async def yaml_body(request: Request) -> str:
    """The request body as text: a YAML media type, UTF-8 (its size is the body limit's)."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in YAML_TYPES:
        raise Problem(
            f"Send the descriptors as {', '.join(YAML_TYPES[::2])}.",
            status=415,
            slug="unsupported-media-type",
        )
    try:
        return (await request.body()).decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInput(
            "The body is not UTF-8 text", [{"field": "body", "message": str(error)}]
        ) from error


@router.post("/import/backstage", response_model=ImportResult, openapi_extra=YAML_BODY)
@accepts_import_body
def import_descriptors(
    request: Request,
    actor: Annotated[Actor, Depends(import_actor(CATALOG_WRITE))],
    text: Annotated[str, Depends(yaml_body)],
    file: str = Query("catalog-info.yaml", max_length=300, description="Name used in errors."),
) -> ImportResult:
    """Create or update catalog records from Backstage descriptors (kinds Component, API,
    Resource, System, Domain, Group). Any error: 422 listing each one, and nothing is stored."""
    parsed = parse_descriptors({file: text})
    with write_session(request) as session:
        report = import_parsed(session, actor, parsed)
        if report.errors:
            count = len(report.errors)
            raise InvalidInput(
                f"{file} has {count} error{'s' if count > 1 else ''}; nothing was imported.",
                report.errors,
            )
    return ImportResult(
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        skipped=report.skipped,
        errors=[],
    )


@router.get(
    "/export/backstage",
    response_class=Response,
    responses=file_answer("application/yaml", "A YAML stream, one descriptor per document."),
)
def export_descriptors(session: DbSession, _: Annotated[Actor, Depends(require(READ))]) -> Response:
    """Every team, domain, system, service, data store and API as Backstage descriptors."""
    return Response(
        export_backstage(session),
        media_type="application/yaml",
        headers={"Content-Disposition": 'inline; filename="catalog-info.yaml"'},
    )
