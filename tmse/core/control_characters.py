"""One check for every route: no C0/C1 control character in a path, query, form field or JSON
body (keys included); a 422 names where it was found."""

# Typed fields refuse them too (tmse.core.input_types); this catches what no type covers: free-form
# JSON objects, their keys, and parameters declared as plain `str`.

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import Request

from tmse.core.errors import InvalidInput
from tmse.core.input_types import CONTROL_CHARACTERS

# Parameters are single-line: tab, newline and carriage return are refused there as well.
_PARAMETER_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_MESSAGE = "control characters are not allowed"


async def refuse_control_characters(request: Request) -> None:
    """Raise a 422 naming the first parameter or body field that holds a control character."""
    found: list[dict[str, Any]] = []
    for name, value in request.path_params.items():
        if isinstance(value, str) and _PARAMETER_CONTROL.search(value):
            found.append({"field": name, "message": _MESSAGE})
    for name, value in request.query_params.multi_items():
        if _PARAMETER_CONTROL.search(name) or _PARAMETER_CONTROL.search(value):
            field = "query" if _PARAMETER_CONTROL.search(name) else name
            found.append({"field": field, "message": _MESSAGE})
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        # Form text keeps tab and line breaks (text areas); files are the importers' to check.
        for name, value in (await request.form()).multi_items():
            if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
                found.append({"field": name, "message": _MESSAGE})
    if content_type.startswith("application/json"):
        try:
            body = json.loads(await request.body())
        except ValueError:
            body = None  # FastAPI answers malformed JSON itself
        found += [{"field": where, "message": _MESSAGE} for where in _fields_with_control(body)]
    if found:
        fields = ", ".join(sorted({item["field"] for item in found}))
        raise InvalidInput(f"Invalid input: {fields}", found)


def _fields_with_control(body: Any) -> list[str]:
    """Dotted paths of the strings (or of the objects whose keys) holding a control character;
    walked with a stack, as a deeply nested body must not exhaust the interpreter's recursion."""
    found: list[str] = []
    stack: list[tuple[Any, str]] = [(body, "")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str):
            if CONTROL_CHARACTERS.search(value):
                found.append(where or "body")
        elif isinstance(value, dict):
            for key, item in value.items():
                if CONTROL_CHARACTERS.search(key):
                    found.append(where or "body")
                else:
                    stack.append((item, f"{where}.{key}" if where else key))
        elif isinstance(value, list):
            stack += [(item, f"{where}.{i}" if where else str(i)) for i, item in enumerate(value)]
    return found
