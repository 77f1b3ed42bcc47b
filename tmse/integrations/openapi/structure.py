"""The shape an OpenAPI document needs before its design rules can read it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tmse.core.messages import Message, message
from tmse.integrations.conformance import Violation
from tmse.integrations.openapi.rule_set import HTTP_METHODS, INVALID_STRUCTURE


def validate_structure(document: Any) -> list[Violation]:
    """Report the shape errors that stop the rules from reading the document, each at its place."""
    if not isinstance(document, Mapping):
        problem = message("the document is a {kind}, not a mapping", kind=type(document).__name__)
        return [_structure("", problem)]
    found: list[Violation] = []
    servers = document.get("servers")
    if servers is not None:
        if not isinstance(servers, list):
            found.append(_structure("servers", message("servers is not a list")))
        else:
            for index, server in enumerate(servers):
                if not isinstance(server, Mapping) or not isinstance(server.get("url"), str):
                    problem = message("a server needs a string url")
                    found.append(_structure(f"servers.{index}", problem))
    if "security" in document:
        found.extend(_security_shape("security", document["security"]))
    paths = document.get("paths", {})
    if not isinstance(paths, Mapping):
        problem = message("paths is not a mapping of path to path item")
        return [*found, _structure("paths", problem)]
    for path, item in paths.items():
        found.extend(_path_item_shape(path, item))
    return found


def _path_item_shape(path: Any, item: Any) -> list[Violation]:
    where = f"paths.{path}"
    if not isinstance(path, str) or not path.startswith("/"):
        return [_structure(where, message("a path must be a string starting with '/'"))]
    if not isinstance(item, Mapping):
        return [_structure(where, message("a path item must be a mapping"))]
    found: list[Violation] = []
    for method in HTTP_METHODS:
        if method not in item:
            continue
        operation = item[method]
        if not isinstance(operation, Mapping):
            problem = message("an operation must be a mapping")
            found.append(_structure(f"{where}.{method}", problem))
            continue
        if not isinstance(operation.get("responses", {}), Mapping):
            problem = message("responses is not a mapping")
            found.append(_structure(f"{where}.{method}.responses", problem))
        if "security" in operation:
            found.extend(_security_shape(f"{where}.{method}.security", operation["security"]))
    return found


def _structure(location: str, problem: Message) -> Violation:
    hint = message("fix the document shape against the OpenAPI 3.x specification")
    return Violation(INVALID_STRUCTURE, "error", location, problem, hint)


def _security_shape(location: str, security: Any) -> list[Violation]:
    if not isinstance(security, list) or not all(isinstance(item, Mapping) for item in security):
        return [_structure(location, message("security must be a list of requirement mappings"))]
    return []
