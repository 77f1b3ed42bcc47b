"""RFC 9457 problem+json for every error tmse returns, and the exceptions services raise."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_TYPE_BASE = "https://tmse.dev/problems/"
log = logging.getLogger("tmse.errors")


class Problem(Exception):
    """A client-facing error; services raise it, the handler renders it as problem+json."""

    status: int = 400
    slug: str = "bad-request"

    def __init__(
        self, detail: str, *, status: int | None = None, slug: str | None = None, **extra: Any
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if status is not None:
            self.status = status
        if slug is not None:
            self.slug = slug
        self.extra = extra


class NotFound(Problem):
    status, slug = 404, "not-found"


class Conflict(Problem):
    status, slug = 409, "conflict"


class Forbidden(Problem):
    status, slug = 403, "forbidden"


class Unauthorized(Problem):
    status, slug = 401, "unauthorized"


class InvalidInput(Problem):
    """A 422 naming the fields at fault: errors=[{"field": "a.b", "message": "..."}]."""

    status, slug = 422, "invalid-input"

    def __init__(self, detail: str, errors: list[dict[str, Any]]) -> None:
        super().__init__(detail, errors=errors)


class StaleVersion(Conflict):
    slug = "stale-version"

    def __init__(self, entity: str, current_version: int) -> None:
        super().__init__(
            f"{entity} was changed by someone else; reload and apply your edit to version "
            f"{current_version}.",
            current_version=current_version,
        )


def check_version(entity: str, current: int, given: int) -> None:
    """The optimistic-concurrency check every editable entity uses: a stale version is a 409."""
    if current != given:
        raise StaleVersion(entity, current)


def problem_response(
    request: Request, status: int, slug: str, detail: str, **extra: Any
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + slug,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    request_id = getattr(request.state, "request_id", None)
    if request_id:
        body["request_id"] = request_id
    body.update(extra)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    if "retry_after" in extra:
        headers["Retry-After"] = str(extra["retry_after"])
    return JSONResponse(
        body, status_code=status, media_type="application/problem+json", headers=headers
    )


def field_path(location: tuple[Any, ...] | list[Any]) -> str:
    """('body', 'owner', 'name') -> 'owner.name'; query and path parameters keep their name."""
    parts = [str(p) for p in location]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form"):
        parts = parts[1:]
    return ".".join(parts) or "body"


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Problem)
    return problem_response(request, exc.status, exc.slug, exc.detail, **exc.extra)


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [_validation_error(e, exc.body) for e in exc.errors()]
    fields = ", ".join(sorted({e["field"] for e in errors}))
    return problem_response(
        request, 422, "invalid-input", f"Invalid input: {fields}", errors=errors
    )


def _validation_error(error: Any, body: Any) -> dict[str, Any]:
    """One error of a request's validation; a JSON syntax error says where: line and column."""
    if error.get("type") == "json_invalid" and isinstance(body, str):
        position = int(error["loc"][-1]) if str(error["loc"][-1]).isdigit() else 0
        line = body.count("\n", 0, position) + 1
        column = position - body.rfind("\n", 0, position)
        reason = (error.get("ctx") or {}).get("error", "malformed JSON")
        return {
            "field": "body",
            "message": f"JSON syntax error at line {line}, column {column}: {reason}",
            "type": "json_invalid",
            "line": line,
            "column": column,
        }
    return {
        "field": field_path(error.get("loc", ())),
        "message": error.get("msg", "invalid"),
        "type": error.get("type", "value_error"),
    }


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    slug = HTTPStatus(exc.status_code).phrase.lower().replace(" ", "-")
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).description
    return problem_response(request, exc.status_code, slug, detail)


async def _on_stale(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(
        request, 409, "stale-version", "The record was changed concurrently; reload and retry."
    )


def unexpected_error(request: Request, exc: BaseException) -> JSONResponse:
    """Log the traceback (inside the request, so with its id) and answer 500 problem+json with
    the request id to quote and nothing of the failure itself."""
    log.error("unhandled error", exc_info=exc)
    return problem_response(
        request, 500, "internal-error", "An unexpected error occurred; it has been logged."
    )


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    # Only failures outside the request context reach here (observability.py answers the rest);
    # Starlette re-raises after this, so uvicorn logs and closes the connection as well.
    return unexpected_error(request, exc)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Problem, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(StaleDataError, _on_stale)
    app.add_exception_handler(Exception, _on_unexpected)
