"""What holds for every JSON operation, declared once in the OpenAPI document: problem+json error
answers, and no control character in any string (tmse.core.control_characters enforces it)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from tmse.core.input_types import MULTI_LINE, SINGLE_LINE

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "request_id": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {
                    "field": {"type": ["string", "null"]},
                    "message": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
        "current_version": {"type": "integer"},
    },
}

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_answer(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route answering 200 with a file of `media_type` (use it with
    `response_class=Response`, which declares no media type of its own)."""
    # No schema: a CSV table or a YAML stream of several documents is not one JSON value.
    return {200: {"description": description, "content": {media_type: {}}}}


EVERY_OPERATION = {
    "401": "No valid bearer token.",
    "403": "The token's roles do not grant this.",
    "404": "A record named in the path or the body does not exist.",
    "409": "A stale version, or a clash with an existing record.",
    "422": "Invalid input; `errors` names each field at fault.",
}
WITH_BODY = {
    "400": "The body could not be parsed.",
    "413": "The body is larger than the server accepts.",
    "415": "The body is not of a media type this operation reads.",
}


def install_api_declarations(app: FastAPI, prefix: str = "/api/") -> None:
    """Build the OpenAPI document with the problem answers and the control-character rule added
    to each operation under `prefix`."""
    # The problem answers replace FastAPI's own 422, which is not what tmse sends.

    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            add_problem_responses(schema, prefix)
            declare_control_character_rule(schema, prefix)
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def add_problem_responses(schema: dict[str, Any], prefix: str) -> None:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    for components_name in ("HTTPValidationError", "ValidationError"):
        components.pop(components_name, None)
    content = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, item in schema.get("paths", {}).items():
        if not path.startswith(prefix):
            continue
        for operation in item.values():
            statuses = dict(EVERY_OPERATION)
            if "requestBody" in operation:
                statuses |= WITH_BODY
            responses = operation.setdefault("responses", {})
            for status, description in statuses.items():
                responses[status] = {"description": description, "content": content}


def declare_control_character_rule(schema: dict[str, Any], prefix: str) -> None:
    """Give every request string without a pattern of its own the pattern the server enforces:
    single-line for path and query parameters, tab/newline/return allowed in bodies."""
    components = schema.get("components", {}).get("schemas", {})
    seen: set[str] = set()
    for path, item in schema.get("paths", {}).items():
        if not path.startswith(prefix):
            continue
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                _add_pattern(parameter.get("schema", {}), SINGLE_LINE, components, seen)
            content = operation.get("requestBody", {}).get("content", {})
            for media_type, media in content.items():
                if media_type.endswith("json"):
                    _add_pattern(media.get("schema", {}), MULTI_LINE, components, seen)


def _add_pattern(node: Any, pattern: str, components: dict[str, Any], seen: set[str]) -> None:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, list):
            stack += current
            continue
        if not isinstance(current, dict):
            continue
        reference = current.get("$ref")
        if isinstance(reference, str):
            name = reference.rsplit("/", 1)[-1]
            if name not in seen and name in components:
                seen.add(name)
                stack.append(components[name])
            continue
        if current.get("type") == "string" and not {"pattern", "enum", "const", "format"} & set(
            current
        ):
            current["pattern"] = pattern
        for key in ("properties", "patternProperties"):
            stack += list(current.get(key, {}).values())
        for key in ("items", "additionalProperties", "anyOf", "oneOf", "allOf", "not"):
            if key in current:
                stack.append(current[key])
