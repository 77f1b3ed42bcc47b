"""Form handling shared by the organisation pages: reading the body, translated field errors,
and HTML error pages for browsers (the API keeps problem+json)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from starlette.datastructures import FormData

from tmse.core import i18n
from tmse.core.errors import Conflict, InvalidInput, Problem, StaleVersion
from tmse.core.input_types import parse_int32
from tmse.core.safe_url import URL_SCHEME_ERROR
from tmse.web.labels import N_
from tmse.web.templating import render, request_locale

Translate = Callable[[str], str]


async def _submitted_form(request: Request) -> FormData:
    return await request.form()


SubmittedForm = Annotated[FormData, Depends(_submitted_form)]


def translator(request: Request) -> Translate:
    """gettext in the language of this request."""
    return i18n.translations(request_locale(request)).gettext


def optional_int(value: Any) -> int | None:
    """A form's id or number; anything else, or past what a column holds (int32), is None."""
    return parse_int32(value)


def int_list(values: list[Any]) -> list[int]:
    return [number for number in map(optional_int, values) if number is not None]


_PATTERN_HINTS = {
    "username": N_("Use 2 to 80 letters, digits, dots, dashes or underscores."),
    "email": N_("Enter a valid e-mail address."),
}


def _validation_message(error: Any, field: str, _: Translate) -> str:
    kind, context = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing" or (kind == "string_too_short" and context.get("min_length") == 1):
        return _("This field is required.")
    if kind == "string_too_short":
        return _("Too short: at least %(count)s characters.") % {"count": context.get("min_length")}
    if kind == "string_too_long":
        return _("Too long: at most %(count)s characters.") % {"count": context.get("max_length")}
    if kind == "too_short":
        return _("Choose at least one.")
    if kind == "string_pattern_mismatch":
        return _(_PATTERN_HINTS.get(field, N_("The format is not valid.")))
    if kind in ("enum", "literal_error"):
        return _("Choose one of the offered values.")
    if kind in ("int_parsing", "int_type"):
        return _("Enter a whole number.")
    if kind == URL_SCHEME_ERROR:
        return _(
            "Links may use only http, https, mailto or a repository address; not %(scheme)s:."
        ) % {"scheme": context.get("scheme", "")}
    return str(error.get("msg", _("The value is not valid.")))


def validation_errors(exc: ValidationError, _: Translate) -> dict[str, str]:
    """{field: message} from a schema's ValidationError, first message per field."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        location = error.get("loc") or ("form",)
        field = str(location[0])
        errors.setdefault(field, _validation_message(error, field, _))
    return errors


# Service errors by their English detail or field; anything else shows its own text.
_CONFLICT_BY_FIELD = {
    "name": N_("A unit with this name already exists."),
    "username": N_("This username is already taken."),
}
_INVALID_BY_DETAIL = {
    "Unknown parent team": N_("The chosen parent unit does not exist."),
    "A team cannot sit under itself": N_(
        "A unit cannot sit under itself or under one of its sub-units."
    ),
    "Unknown team": N_("One of the chosen teams does not exist."),
}
STALE_MESSAGE = N_(
    "Someone else saved a change while you were editing (now version %(version)s). "
    "Nothing was saved: reload the page to see their change, then apply yours again."
)


def problem_errors(exc: Problem, _: Translate) -> tuple[dict[str, str], str]:
    """({field: message}, form-level message) for a service error shown on a form."""
    if isinstance(exc, StaleVersion):
        version = exc.extra.get("current_version", "?")
        return {}, _(STALE_MESSAGE) % {"version": version}
    if isinstance(exc, InvalidInput):
        message = _(_INVALID_BY_DETAIL.get(exc.detail, exc.detail))
        errors: dict[str, str] = {}
        for error in exc.extra.get("errors", []):
            errors.setdefault(str(error.get("field", "form")).split(".")[0], message)
        return errors, _("Please correct the marked fields.")
    if isinstance(exc, Conflict) and exc.extra.get("field") in _CONFLICT_BY_FIELD:
        field = exc.extra["field"]
        return {field: _(_CONFLICT_BY_FIELD[field])}, _("Please correct the marked fields.")
    return {}, exc.detail


def error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    """A page in the shell's layout, for browsers that asked for a page and cannot have it."""
    return render(
        request,
        "web/error.html",
        {"status": status, "error_title": title, "error_message": message},
        status_code=status,
    )


def forbidden_page(request: Request, permission: str) -> HTMLResponse:
    _ = translator(request)
    return error_page(
        request,
        403,
        _("Not allowed"),
        _(
            "Your roles do not include the permission '%(permission)s'. "
            "Ask an administrator if you need it."
        )
        % {"permission": permission},
    )


def not_found_page(request: Request, message: str) -> HTMLResponse:
    _ = translator(request)
    return error_page(request, 404, _("Not found"), _(message))
