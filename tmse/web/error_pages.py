"""Browsers that asked for a page get a refused request as a page in the shell, in their language;
API clients (and anyone not asking for HTML) keep problem+json."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from tmse.core.errors import Forbidden, Problem
from tmse.web.forms import error_page, forbidden_page, translator
from tmse.web.labels import N_

Handler = Callable[[Request, Exception], Awaitable[Response]]
# As FastAPI keeps them: a handler may answer directly or through an awaitable.
InstalledHandler = Callable[[Request, Any], Response | Awaitable[Response]]

_PAGE_MESSAGES = {
    400: (N_("Bad request"), N_("This page could not read what was sent.")),
    403: (N_("Not allowed"), N_("You may not do this here.")),
    404: (N_("Not found"), N_("This page does not exist.")),
    405: (N_("Not found"), N_("This page does not exist.")),
    409: (N_("Changed meanwhile"), N_("Someone changed this record meanwhile; reload it.")),
    413: (N_("Too large"), N_("What you sent is larger than this page accepts.")),
    422: (
        N_("Invalid input"),
        N_(
            "What you sent holds something this page cannot take, such as a control character "
            "or a number too large. Go back and check what you entered."
        ),
    ),
}


def wants_page(request: Request) -> bool:
    """A browser's request for a page (not the API, and HTML accepted)."""
    accept = request.headers.get("accept", "")
    return not request.url.path.startswith("/api/") and "text/html" in accept


def install_error_pages(app: FastAPI) -> None:
    """Wrap the problem+json handlers already installed so browsers get a page instead."""
    for exc_class in (Problem, RequestValidationError, StarletteHTTPException):
        app.add_exception_handler(exc_class, _page_or(app.exception_handlers[exc_class]))


def _page_or(problem_handler: InstalledHandler) -> Handler:
    async def handle(request: Request, exc: Exception) -> Response:
        status = _status(exc)
        if not wants_page(request) or status not in _PAGE_MESSAGES:
            answer = problem_handler(request, exc)
            return await answer if inspect.isawaitable(answer) else answer
        permission = exc.extra.get("permission") if isinstance(exc, Forbidden) else None
        if isinstance(permission, str):  # refused by require(): say which permission is missing
            return forbidden_page(request, permission)
        _ = translator(request)
        title, message = _PAGE_MESSAGES[status]
        return error_page(request, status, _(title), _(message))

    return handle


def _status(exc: Exception) -> int:
    if isinstance(exc, Problem):
        return exc.status
    if isinstance(exc, StarletteHTTPException):
        return exc.status_code
    return 422
