"""API design conformance on a parsed OpenAPI 3.x document: paths, versions, ids, errors, auth."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from itertools import pairwise
from typing import Any
from urllib.parse import urlsplit

from tmse.core.messages import message
from tmse.integrations.conformance import Violation
from tmse.integrations.openapi.naming import camel, is_parameter, kebab, looks_plural, plural, words
from tmse.integrations.openapi.rule_set import (
    ERROR_RESPONSES,
    HTTP_METHODS,
    INVALID_STRUCTURE,
    NO_VERBS_IN_PATH,
    NOT_OPENAPI3,
    OPERATION_ID_MISSING,
    OPERATION_ID_UNIQUE,
    OPERATION_ID_VALID,
    PATH_KEBAB_CASE,
    PATH_NO_TRAILING_SLASH,
    PATH_PLURAL_RESOURCE,
    SECURITY_REQUIRED,
    SECURITY_SCHEME_DEFINED,
    SUCCESS_RESPONSE,
    VERSIONED_BASE_PATH,
    OpenApiRules,
    rule_violation,
)
from tmse.integrations.openapi.structure import validate_structure

_KEBAB_SEGMENT = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+)?$")
_OPENAPI3 = re.compile(r"^3\.\d+(?:\.\d+)?(?:-[0-9A-Za-z.]+)?$")
_CLIENT_ERROR = re.compile(r"^4(?:\d\d|XX)$", re.IGNORECASE)
_SERVER_ERROR = re.compile(r"^5(?:\d\d|XX)$", re.IGNORECASE)
_SUCCESS = re.compile(r"^[23](?:\d\d|XX)$", re.IGNORECASE)
# RFC 3986 unreserved and reserved characters: an operationId is used in links and URLs.
_URL_SAFE = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]*$")
_SERVER_VARIABLE = re.compile(r"\{([^{}]*)\}")


def check_openapi(
    document: Mapping[str, Any], rules: OpenApiRules | None = None
) -> list[Violation]:
    """Check a parsed OpenAPI 3.0/3.1 document against the API design rules, in path order."""
    rules = rules or OpenApiRules()
    if not isinstance(document, Mapping):
        return validate_structure(document)
    version = document.get("openapi")
    if not isinstance(version, str) or not _OPENAPI3.match(version):
        # Everything below reads 3.x fields; on Swagger 2.0 it would only produce noise.
        said = f"swagger {document['swagger']!r}" if "swagger" in document else repr(version)
        return rule_violation(
            rules,
            NOT_OPENAPI3,
            "openapi",
            message("not an OpenAPI 3.x document ({said})", said=said),
            message("convert it to OpenAPI 3.x (e.g. with swagger2openapi) and set openapi: 3.1.0"),
        )
    broken = validate_structure(document)
    if broken:
        # A malformed document is reported precisely rather than half-checked.
        return broken if rules.enabled(INVALID_STRUCTURE) else []
    found: list[Violation] = []
    version_in_servers = _servers_versioned(document, rules.version_pattern)
    global_security = document.get("security")
    schemes = _security_schemes(document)
    found.extend(_schemes_defined(rules, "security", global_security, schemes))
    first_seen: dict[str, str] = {}
    for path, item in document.get("paths", {}).items():
        found.extend(_path_style(rules, path, version_in_servers))
        if "$ref" in item:
            continue  # a shared path item is checked where it is defined, not here
        for method, operation in _operations(item):
            where = f"paths.{path}.{method}"
            found.extend(_operation_id(rules, where, operation, first_seen))
            found.extend(_error_responses(rules, where, operation))
            found.extend(_success_response(rules, where, operation))
            found.extend(
                _schemes_defined(rules, f"{where}.security", operation.get("security"), schemes)
            )
            if path not in rules.open_paths:
                security = operation.get("security", global_security)
                if not _has_requirement(security):
                    found.extend(
                        rule_violation(
                            rules,
                            SECURITY_REQUIRED,
                            where,
                            message("the operation can be called without authentication"),
                            message(
                                "add a security requirement (globally or on the operation)"
                                " or list the path in open_paths"
                            ),
                        )
                    )
    return found


def _path_style(rules: OpenApiRules, path: str, version_in_servers: bool) -> Iterator[Violation]:
    where = f"paths.{path}"
    segments = [segment for segment in path.split("/") if segment]
    literals = [segment for segment in segments if not is_parameter(segment)]
    not_kebab = [segment for segment in literals if not _KEBAB_SEGMENT.match(segment)]
    if not_kebab:
        yield from rule_violation(
            rules,
            PATH_KEBAB_CASE,
            where,
            message("segment(s) not kebab-case: {segments}", segments=", ".join(not_kebab)),
            message(
                "use lower-case words joined by '-', e.g. {example}", example=kebab(not_kebab[0])
            ),
        )
    # Heuristic: the literal just before a {parameter} names a collection, so it should be plural.
    singular = [
        segment
        for segment, following in pairwise(segments)
        if is_parameter(following)
        and not is_parameter(segment)
        and not looks_plural(words(segment)[-1], rules.irregular_plurals)
    ]
    if singular:
        yield from rule_violation(
            rules,
            PATH_PLURAL_RESOURCE,
            where,
            message(
                "segment(s) naming a collection look singular: {segments}",
                segments=", ".join(singular),
            ),
            message(
                "name the collection in the plural, e.g. {example}", example=plural(singular[0])
            ),
        )
    if len(path) > 1 and path.endswith("/"):
        yield from rule_violation(
            rules,
            PATH_NO_TRAILING_SLASH,
            where,
            message("the path ends with '/'"),
            message("drop the trailing slash: {path}", path=path.rstrip("/") or "/"),
        )
    verbs = [segment for segment in literals if words(segment)[0] in rules.verbs]
    if verbs:
        yield from rule_violation(
            rules,
            NO_VERBS_IN_PATH,
            where,
            message("segment(s) start with a verb: {segments}", segments=", ".join(verbs)),
            message(
                "name the resource and let the HTTP method say the action"
                " (GET /users, not /getUsers)"
            ),
        )
    if (
        not version_in_servers
        and path not in rules.open_paths
        and not re.match(rules.version_pattern, path)
    ):
        yield from rule_violation(
            rules,
            VERSIONED_BASE_PATH,
            where,
            message("neither the servers url nor the path carries an API version"),
            message(
                "put the version in the base path, e.g. servers url https://api.example.com/v1"
                " or path {path}",
                path="/v1" + path,
            ),
        )


def _operation_id(
    rules: OpenApiRules, where: str, operation: Mapping[str, Any], first_seen: dict[str, str]
) -> Iterator[Violation]:
    operation_id = operation.get("operationId")
    if not isinstance(operation_id, str) or not operation_id.strip():
        yield from rule_violation(
            rules,
            OPERATION_ID_MISSING,
            where,
            message("the operation has no operationId"),
            message(
                "add a unique operationId such as listUsers;"
                " generated clients name methods after it"
            ),
        )
    elif operation_id in first_seen:
        yield from rule_violation(
            rules,
            OPERATION_ID_UNIQUE,
            where,
            message(
                "operationId {id} is also used at {where}",
                id=repr(operation_id),
                where=first_seen[operation_id],
            ),
            message("give each operation its own operationId"),
        )
    else:
        first_seen[operation_id] = where
    if isinstance(operation_id, str) and not _URL_SAFE.match(operation_id):
        yield from rule_violation(
            rules,
            OPERATION_ID_VALID,
            where,
            message(
                "operationId {id} has characters that are not allowed in a URL",
                id=repr(operation_id),
            ),
            message(
                "use letters, digits and '-', '_' or '.', e.g. {example}",
                example=camel(operation_id),
            ),
        )


def _success_response(
    rules: OpenApiRules, where: str, operation: Mapping[str, Any]
) -> Iterator[Violation]:
    if not any(_SUCCESS.match(str(code)) for code in operation.get("responses", {})):
        yield from rule_violation(
            rules,
            SUCCESS_RESPONSE,
            f"{where}.responses",
            message("no 2xx or 3xx response defined"),
            message("describe what the caller gets when the call works, e.g. 200, 201 or 204"),
        )


def _schemes_defined(
    rules: OpenApiRules, where: str, security: Any, schemes: Mapping[str, Any]
) -> Iterator[Violation]:
    # A requirement naming an undefined scheme or OAuth2 scope cannot be met by any client.
    for requirement in security if isinstance(security, list) else ():
        for name, scopes in requirement.items():
            if name not in schemes:
                yield from rule_violation(
                    rules,
                    SECURITY_SCHEME_DEFINED,
                    where,
                    message(
                        "security scheme {name} is not defined in components.securitySchemes",
                        name=repr(name),
                    ),
                    message(
                        "define {name} under components.securitySchemes or fix the name",
                        name=repr(name),
                    ),
                )
                continue
            known = _oauth2_scopes(schemes[name])
            if known is None or not isinstance(scopes, list):
                continue
            for scope in scopes:
                if not isinstance(scope, str) or scope not in known:
                    yield from rule_violation(
                        rules,
                        SECURITY_SCHEME_DEFINED,
                        where,
                        message(
                            "scope {scope} is not listed in the flows of {name}",
                            scope=repr(scope),
                            name=repr(name),
                        ),
                        message(
                            "add {scope} to the scopes of a flow of {name} or fix the name",
                            scope=repr(scope),
                            name=repr(name),
                        ),
                    )


def _oauth2_scopes(scheme: Any) -> frozenset[str] | None:
    """The scopes an OAuth2 scheme's flows list; None for other schemes, whose scopes (OpenID
    Connect discovery, OpenAPI 3.1 roles) the document cannot enumerate."""
    if not isinstance(scheme, Mapping) or scheme.get("type") != "oauth2":
        return None
    flows = scheme.get("flows")
    return frozenset(
        scope
        for flow in (flows.values() if isinstance(flows, Mapping) else ())
        if isinstance(flow, Mapping) and isinstance(flow.get("scopes"), Mapping)
        for scope in flow["scopes"]
    )


def _error_responses(
    rules: OpenApiRules, where: str, operation: Mapping[str, Any]
) -> Iterator[Violation]:
    codes = [str(code) for code in operation.get("responses", {})]
    no_client = not any(_CLIENT_ERROR.match(code) for code in codes)
    no_server = not any(_SERVER_ERROR.match(code) or code == "default" for code in codes)
    if no_client and no_server:
        finding = message("no 4xx response and no 5xx or default response defined")
    elif no_client:
        finding = message("no 4xx response defined")
    elif no_server:
        finding = message("no 5xx or default response defined")
    else:
        return
    yield from rule_violation(
        rules,
        ERROR_RESPONSES,
        f"{where}.responses",
        finding,
        message(
            "describe the errors callers must handle, e.g. 400/404 and default"
            " with an application/problem+json body"
        ),
    )


def _operations(item: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for method in HTTP_METHODS:
        if method in item:
            yield method, item[method]


def _has_requirement(security: Any) -> bool:
    # An empty list opts out; an empty {} entry makes authentication optional: both leave it open.
    return isinstance(security, list) and bool(security) and all(security)


def _security_schemes(document: Mapping[str, Any]) -> Mapping[str, Any]:
    components = document.get("components")
    schemes = components.get("securitySchemes") if isinstance(components, Mapping) else None
    return schemes if isinstance(schemes, Mapping) else {}


def _servers_versioned(document: Mapping[str, Any], pattern: str) -> bool:
    urls = [_expand(server) for server in document.get("servers", [])]
    return bool(urls) and all(re.match(pattern, urlsplit(url).path or "/") for url in urls)


def _expand(server: Mapping[str, Any]) -> str:
    """The server url with each {variable} replaced by its default, as clients resolve it."""
    variables = server.get("variables")
    variables = variables if isinstance(variables, Mapping) else {}

    def default(match: re.Match[str]) -> str:
        variable = variables.get(match.group(1))
        value = variable.get("default") if isinstance(variable, Mapping) else None
        return str(value) if value is not None else "x"

    return _SERVER_VARIABLE.sub(default, server["url"])
