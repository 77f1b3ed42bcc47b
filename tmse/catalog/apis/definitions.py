"""API definition documents: parse OpenAPI / AsyncAPI text, say precisely what is wrong, and
read the paths and schema field names the duplicate detector compares."""
# Pure: text in, data or errors out.

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import yaml

from tmse.core.messages import Message, message, render
from tmse.integrations import yaml_safe
from tmse.integrations.json_text import JsonRefused, load_json

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_OPENAPI3 = re.compile(r"^3\.\d+(\.\d+)?")
# (version key, what it must look like, the key holding the operations)
_SHAPES = {
    "openapi": ("openapi", "3.x", "paths"),
    "asyncapi": ("asyncapi", "2.x or 3.x", "channels"),
}


class DefinitionError(Exception):
    """Why a definition is refused, and the 1-based line it concerns (None: the whole text)."""

    def __init__(self, finding: Message, line: int | None = None) -> None:
        self.finding = finding
        self.message = render(finding, "en")
        self.line = line
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


def parse_document(text: str) -> Any:
    """JSON or YAML text as data; malformed text, or YAML whose aliases expand too far, raises
    DefinitionError with the line (and the column, for JSON)."""
    json_error: JsonRefused | None = None
    if text.lstrip().startswith(("{", "[")):
        try:
            return load_json(text)
        except JsonRefused as error:
            if error.too_deep:
                raise DefinitionError(Message(error.message), error.line) from None
            json_error = error  # YAML's flow style may still read it
    try:
        return yaml_safe.load(text)
    except yaml.YAMLError as error:
        if json_error is not None:
            refused = message(
                "not valid JSON ({error} at column {column})",
                error=json_error.message,
                column=json_error.column,
            )
            raise DefinitionError(refused, json_error.line) from None
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or "malformed YAML"
        refused = message("not valid JSON or YAML ({problem})", problem=problem)
        raise DefinitionError(refused, mark.line + 1 if mark else None) from None


def _key_lines(text: str) -> dict[str, int]:
    """Top-level key → 1-based line, from YAML's node marks (JSON is YAML here too)."""
    try:
        node = yaml_safe.compose(text)
    except yaml.YAMLError:
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {
        key.value: key.start_mark.line + 1
        for key, _ in node.value
        if isinstance(key, yaml.ScalarNode)
    }


def validate_definition(api_type: str, text: str) -> Any:
    """The parsed document of an OpenAPI 3.x or AsyncAPI definition, or DefinitionError."""
    # Other types (grpc, graphql) and an empty text are not parsed: None is returned.
    if api_type not in _SHAPES or not text.strip():
        return None
    document = parse_document(text)
    version_key, expected, body_key = _SHAPES[api_type]
    if not isinstance(document, Mapping):
        shape = message("expected an {type} document (a mapping), not a value", type=api_type)
        raise DefinitionError(shape, 1)
    lines = _key_lines(text)
    version = document.get(version_key)
    if version is None:
        if "swagger" in document:
            missing = message(
                "missing '{key}: {expected}' (it declares swagger {swagger})",
                key=version_key,
                expected=expected,
                swagger=repr(document["swagger"]),
            )
        else:
            missing = message("missing '{key}: {expected}'", key=version_key, expected=expected)
        raise DefinitionError(missing, lines.get("swagger", 1))
    if api_type == "openapi" and not _OPENAPI3.match(str(version)):
        old = message("'openapi: {version}' is not OpenAPI 3.x", version=version)
        raise DefinitionError(old, lines.get(version_key, 1))
    if not isinstance(document.get("info"), Mapping):
        info = message("'info' must be a mapping (title, version)")
        raise DefinitionError(info, lines.get("info", 1))
    if not isinstance(document.get(body_key), Mapping):
        body = message("'{key}' must be a mapping", key=body_key)
        raise DefinitionError(body, lines.get(body_key, 1))
    return document


def operation_paths(document: Any) -> list[str]:
    """ "METHOD /path" for every operation of an OpenAPI document (channels for AsyncAPI)."""
    if not isinstance(document, Mapping):
        return []
    found: list[str] = []
    paths = document.get("paths")
    if isinstance(paths, Mapping):
        for path, item in paths.items():
            if not isinstance(item, Mapping):
                continue
            methods = [m for m in HTTP_METHODS if m in item]
            found.extend(f"{m.upper()} {path}" for m in methods)
    channels = document.get("channels")
    if isinstance(channels, Mapping):
        found.extend(f"/{str(channel).lstrip('/')}" for channel in channels)
    return found


def schema_fields(document: Any) -> list[str]:
    """Every property name declared anywhere in the document's schemas, sorted, once each."""
    return sorted(set(_properties(document)))


def _properties(node: Any) -> Iterator[str]:
    # Iterative, so a deeply nested document cannot overflow the stack.
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, Mapping):
            properties = current.get("properties")
            if isinstance(properties, Mapping):
                yield from (str(name) for name in properties)
            pending.extend(current.values())
        elif isinstance(current, list):
            pending.extend(current)
