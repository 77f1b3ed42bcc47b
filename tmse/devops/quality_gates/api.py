"""JSON routes where pipelines upload coverage and test reports and read the gate, and where each
service's gate rules are set."""

# A pipeline stops on the gate by reading its status, sent in the body and in a header:
#   curl --fail-with-body -sS -H "Authorization: Bearer $TMSE_TOKEN" \
#     -F service=billing -F sha=$CI_COMMIT_SHA -F branch=$CI_COMMIT_BRANCH \
#     -F run_id=$CI_PIPELINE_ID -F reports=@coverage.xml -F reports=@junit.xml \
#     -F changed_lines=@change.diff \
#     -D headers.txt https://tmse.example/api/v1/quality/runs
#   grep -qi '^x-tmse-gate: passed' headers.txt
# The answer is 200 whether the gate passed or failed; 4xx only when the upload is refused.

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from tmse.core.actor import Actor
from tmse.core.body_limit import accepts_import_body
from tmse.core.deps import DbSession, reader_locale, require
from tmse.core.errors import InvalidInput, NotFound
from tmse.core.input_types import Id
from tmse.core.pagination import ListParams, sorted_by
from tmse.core.parse_first import import_actor, write_session
from tmse.core.permissions import FACTS_WRITE, READ, STANDARDS_WRITE
from tmse.core.routing import Router
from tmse.devops.quality_gates import queries, service
from tmse.devops.quality_gates.answers import gate_config_out, run_out
from tmse.devops.quality_gates.schemas import (
    GateConfigIn,
    GateConfigOut,
    RunIn,
    RunMeta,
    RunOut,
    RunPage,
    UploadOut,
)
from tmse.devops.quality_gates.upload import (
    RunUpload,
    checked_changed_lines,
    read_changed_lines,
    read_reports,
)

router = Router(prefix="/api/v1/quality", tags=["devops"])
Reader = Annotated[Actor, Depends(require(READ))]
Configurer = Annotated[Actor, Depends(require(STANDARDS_WRITE))]
Uploader = Annotated[Actor, Depends(import_actor(FACTS_WRITE))]
GATE_HEADER = "X-Tmse-Gate"
MAX_FIELDS = 10
MAX_FILES = 21  # the reports and a changed-lines file

_FIELD = {"type": "string", "maxLength": 255}
_FILE = {"type": "string", "format": "binary"}
_MULTIPART = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["service", "sha", "branch", "run_id", "reports"],
                    "properties": {
                        "service": _FIELD,
                        "sha": _FIELD,
                        "branch": _FIELD,
                        "run_id": _FIELD,
                        "reports": {"type": "array", "items": _FILE, "maxItems": 20},
                        "changed_lines": _FILE,
                    },
                }
            }
        },
    }
}
_GATE_HEADER_DOC = {
    "headers": {
        GATE_HEADER: {
            "description": "The gate's status: passed, failed or no-data.",
            "schema": {"type": "string", "enum": ["passed", "failed", "no-data"]},
        }
    }
}


@router.post(
    "/runs",
    response_model=UploadOut,
    openapi_extra=_MULTIPART,
    responses={200: _GATE_HEADER_DOC},
)
@accepts_import_body
async def upload_run(request: Request, response: Response, actor: Uploader) -> UploadOut:
    """Upload a run's reports (multipart: `service`, `sha`, `branch`, `run_id`, one or more
    `reports` files, optional `changed_lines` as a unified diff or JSON {path: [lines]}): the
    gate is held against the service's rules, stored, and answered with 200 whatever its status,
    which is also in the `X-Tmse-Gate` header. The same `run_id` again replaces the run."""
    locale = reader_locale(request, actor)
    fields, files, changes = await _form(request)
    meta = _meta(fields)

    def parse_and_store() -> UploadOut:
        coverage, tests = read_reports(files, locale)
        changed = read_changed_lines("changed_lines", changes, locale)
        upload = RunUpload(
            meta.service, meta.sha, meta.branch, meta.run_id, coverage, tests, changed
        )
        return _store(request, actor, upload, locale)

    answer = await run_in_threadpool(parse_and_store)
    response.headers[GATE_HEADER] = answer.status
    return answer


@router.post("/runs/json", response_model=UploadOut, responses={200: _GATE_HEADER_DOC})
@accepts_import_body
def upload_run_json(
    data: RunIn, request: Request, response: Response, actor: Uploader
) -> UploadOut:
    """The same upload as JSON: reports as text, changed lines as `diff` or `changed_lines`."""
    locale = reader_locale(request, actor)
    if data.diff is not None and data.changed_lines is not None:
        message = "give either diff or changed_lines"
        raise InvalidInput("Changed lines given twice", [{"field": "diff", "message": message}])
    files = [(f"reports.{i}.content", r.filename, r.content) for i, r in enumerate(data.reports)]
    coverage, tests = read_reports(files, locale)
    changed = (
        read_changed_lines("diff", data.diff, locale)
        if data.diff is not None
        else checked_changed_lines("changed_lines", data.changed_lines, locale)
    )
    upload = RunUpload(data.service, data.sha, data.branch, data.run_id, coverage, tests, changed)
    answer = _store(request, actor, upload, locale)
    response.headers[GATE_HEADER] = answer.status
    return answer


@router.get("/runs", response_model=RunPage)
def list_runs(
    request: Request,
    session: DbSession,
    actor: Reader,
    paging: Annotated[ListParams, Depends(sorted_by("status", "uploaded_at"))],
    service_name: Annotated[
        str | None, Query(alias="service", max_length=200, description="Service name.")
    ] = None,
) -> RunPage:
    """The gate history, newest upload first; of one service with `service`."""
    locale = reader_locale(request, actor)
    service_id = service.service_id_of(session, service_name) if service_name else None
    rows, total = queries.list_runs(session, paging, service_id)
    items = [run_out(run, name, locale) for run, name in rows]
    return RunPage(items=items, total=total, limit=paging.limit, offset=paging.offset)


@router.get("/runs/{quality_run_id}", response_model=RunOut)
def get_run(quality_run_id: Id, request: Request, session: DbSession, actor: Reader) -> RunOut:
    """One stored run by its `id` (not the pipeline's `run_id`)."""
    found = queries.get_run(session, quality_run_id)
    if found is None:
        raise NotFound(f"No quality run {quality_run_id}")
    return run_out(*found, reader_locale(request, actor))


ServiceName = Annotated[str, Path(max_length=200, description="Service name.")]


@router.get("/gates/{service_name}", response_model=GateConfigOut)
def get_gate(service_name: ServiceName, session: DbSession, _: Reader) -> GateConfigOut:
    """The service's gate rules: every threshold in force, and those set for it."""
    service_id = service.service_id_of(session, service_name)
    return gate_config_out(session, service_id, service_name)


@router.put("/gates/{service_name}", response_model=GateConfigOut)
def put_gate(
    service_name: ServiceName, data: GateConfigIn, session: DbSession, actor: Configurer
) -> GateConfigOut:
    """Set the service's thresholds (metric → number, null switches a rule off); 422 names
    `rules.<metric>`, 409 when `version` is not the one in force."""
    config = service.configure_gate(session, actor, service_name, data.rules, data.version)
    return gate_config_out(session, config.service_id, service_name)


def _store(request: Request, actor: Actor, upload: RunUpload, locale: str) -> UploadOut:
    with write_session(request) as session:
        outcome, run = service.record_run(session, actor, upload)
        answer = run_out(run, upload.service, locale)
    return UploadOut(**answer.model_dump(), outcome=outcome)


async def _form(
    request: Request,
) -> tuple[dict[str, str], list[tuple[str, str | None, bytes]], bytes | str | None]:
    """The text fields, each report (field, file name, bytes) and the changed lines."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        message = "send multipart/form-data, or JSON to /api/v1/quality/runs/json"
        raise InvalidInput("Not a form", [{"field": "body", "message": message}])
    form = await request.form(max_files=MAX_FILES, max_fields=MAX_FIELDS)
    fields: dict[str, str] = {}
    files: list[tuple[str, str | None, bytes]] = []
    changes: bytes | str | None = None
    for name, value in form.multi_items():
        if name == "reports":
            if not isinstance(value, UploadFile):
                message = "attach each report as a file"
                raise InvalidInput("Not a file", [{"field": "reports", "message": message}])
            files.append((f"reports.{len(files)}", value.filename, await value.read()))
        elif name == "changed_lines":
            changes = await value.read() if isinstance(value, UploadFile) else value
        elif isinstance(value, str):
            fields[name] = value
    return fields, files, changes


def _meta(fields: dict[str, Any]) -> RunMeta:
    try:
        return RunMeta.model_validate(fields)
    except ValidationError as error:
        problems = [
            {"field": ".".join(str(part) for part in e["loc"]) or "body", "message": e["msg"]}
            for e in error.errors()
        ]
        raise InvalidInput("Invalid run", problems) from None
