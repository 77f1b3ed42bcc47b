"""API design conformance on a parsed OpenAPI 3.x document: paths, versions, ids, errors, auth."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from itertools import pairwise
from typing import Any
from urllib.parse import urlsplit

from tmse.standards.openapi_rule_set import (
    DEFAULT_IRREGULAR_PLURALS,
    DEFAULT_OPEN_PATHS,
    DEFAULT_SEVERITIES,
    DEFAULT_VERBS,
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
    SPECTRAL_OAS_EQUIVALENTS,
    SUCCESS_RESPONSE,
    VERSIONED_BASE_PATH,
    OpenApiRules,
    rule_violation,
)
from tmse.standards.violations import Violation

# The public names, the rule set's included: callers import them all from here.
__all__ = [
    "DEFAULT_IRREGULAR_PLURALS", "DEFAULT_OPEN_PATHS", "DEFAULT_SEVERITIES", "DEFAULT_VERBS",
    "ERROR_RESPONSES", "HTTP_METHODS", "INVALID_STRUCTURE", "NOT_OPENAPI3", "NO_VERBS_IN_PATH",
    "OPERATION_ID_MISSING", "OPERATION_ID_UNIQUE", "OPERATION_ID_VALID", "PATH_KEBAB_CASE",
    "PATH_NO_TRAILING_SLASH", "PATH_PLURAL_RESOURCE", "SECURITY_REQUIRED",
    "SECURITY_SCHEME_DEFINED", "SPECTRAL_OAS_EQUIVALENTS", "SUCCESS_RESPONSE",
    "VERSIONED_BASE_PATH", "OpenApiRules", "check_openapi", "validate_structure"
]  # fmt: skip

_KEBAB_SEGMENT = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+)?$")
_WORD_BOUNDARY = re.compile(r"[-_.]|(?<=[a-z0-9])(?=[A-Z])")
_OPENAPI3 = re.compile(r"^3\.\d+(?:\.\d+)?(?:-[0-9A-Za-z.]+)?$")
_CLIENT_ERROR = re.compile(r"^4(?:\d\d|XX)$", re.IGNORECASE)
_SERVER_ERROR = re.compile(r"^5(?:\d\d|XX)$", re.IGNORECASE)
_SUCCESS = re.compile(r"^[23](?:\d\d|XX)$", re.IGNORECASE)
# RFC 3986 unreserved and reserved characters: an operationId is used in links and URLs.
_URL_SAFE = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]*$")
_SERVER_VARIABLE = re.compile(r"\{([^{}]*)\}")


def validate_structure(document: Any) -> list[Violation]:
    """Report the shape errors that stop the rules from reading the document, each at its place."""
    if not isinstance(document, Mapping):
        return [_structure("", f"the document is a {type(document).__name__}, not a mapping")]
    found: list[Violation] = []
    servers = document.get("servers")
    if servers is not None:
        if not isinstance(servers, list):
            found.append(_structure("servers", "servers is not a list"))
        else:
            for index, server in enumerate(servers):
                if not isinstance(server, Mapping) or not isinstance(server.get("url"), str):
                    found.append(_structure(f"servers.{index}", "a server needs a string url"))
    if "security" in document:
        found.extend(_security_shape("security", document["security"]))
    paths = document.get("paths", {})
    if not isinstance(paths, Mapping):
        return [*found, _structure("paths", "paths is not a mapping of path to path item")]
    for path, item in paths.items():
        where = f"paths.{path}"
        if not isinstance(path, str) or not path.startswith("/"):
            found.append(_structure(where, "a path must be a string starting with '/'"))
        elif not isinstance(item, Mapping):
            found.append(_structure(where, "a path item must be a mapping"))
        else:
            for method in HTTP_METHODS:
                if method not in item:
                    continue
                operation = item[method]
                if not isinstance(operation, Mapping):
                    found.append(_structure(f"{where}.{method}", "an operation must be a mapping"))
                    continue
                responses = operation.get("responses", {})
                if not isinstance(responses, Mapping):
                    found.append(
                        _structure(f"{where}.{method}.responses", "responses is not a mapping")
                    )
                if "security" in operation:
                    found.extend(
                        _security_shape(f"{where}.{method}.security", operation["security"])
                    )
    return found


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
            f"not an OpenAPI 3.x document ({said})",
            "convert it to OpenAPI 3.x (e.g. with swagger2openapi) and set openapi: 3.1.0",
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
                            "the operation can be called without authentication",
                            "add a security requirement (globally or on the operation)"
                            " or list the path in open_paths",
                        )
                    )
    return found


def _path_style(rules: OpenApiRules, path: str, version_in_servers: bool) -> Iterator[Violation]:
    where = f"paths.{path}"
    segments = [segment for segment in path.split("/") if segment]
    literals = [segment for segment in segments if not _is_parameter(segment)]
    not_kebab = [segment for segment in literals if not _KEBAB_SEGMENT.match(segment)]
    if not_kebab:
        yield from rule_violation(
            rules,
            PATH_KEBAB_CASE,
            where,
            f"segment(s) not kebab-case: {', '.join(not_kebab)}",
            f"use lower-case words joined by '-', e.g. {_kebab(not_kebab[0])}",
        )
    # Heuristic: the literal just before a {parameter} names a collection, so it should be plural.
    singular = [
        segment
        for segment, following in pairwise(segments)
        if _is_parameter(following)
        and not _is_parameter(segment)
        and not _looks_plural(_words(segment)[-1], rules.irregular_plurals)
    ]
    if singular:
        yield from rule_violation(
            rules,
            PATH_PLURAL_RESOURCE,
            where,
            f"segment(s) naming a collection look singular: {', '.join(singular)}",
            f"name the collection in the plural, e.g. {_plural(singular[0])}",
        )
    if len(path) > 1 and path.endswith("/"):
        yield from rule_violation(
            rules,
            PATH_NO_TRAILING_SLASH,
            where,
            "the path ends with '/'",
            f"drop the trailing slash: {path.rstrip('/') or '/'}",
        )
    verbs = [segment for segment in literals if _words(segment)[0] in rules.verbs]
    if verbs:
        yield from rule_violation(
            rules,
            NO_VERBS_IN_PATH,
            where,
            f"segment(s) start with a verb: {', '.join(verbs)}",
            "name the resource and let the HTTP method say the action (GET /users, not /getUsers)",
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
            "neither the servers url nor the path carries an API version",
            "put the version in the base path, e.g. servers url https://api.example.com/v1"
            " or path /v1" + path,
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
            "the operation has no operationId",
            "add a unique operationId such as listUsers; generated clients name methods after it",
        )
    elif operation_id in first_seen:
        yield from rule_violation(
            rules,
            OPERATION_ID_UNIQUE,
            where,
            f"operationId {operation_id!r} is also used at {first_seen[operation_id]}",
            "give each operation its own operationId",
        )
    else:
        first_seen[operation_id] = where
    if isinstance(operation_id, str) and not _URL_SAFE.match(operation_id):
        yield from rule_violation(
            rules,
            OPERATION_ID_VALID,
            where,
            f"operationId {operation_id!r} has characters that are not allowed in a URL",
            "use letters, digits and '-', '_' or '.', e.g. " + _camel(operation_id),
        )


def _success_response(
    rules: OpenApiRules, where: str, operation: Mapping[str, Any]
) -> Iterator[Violation]:
    if not any(_SUCCESS.match(str(code)) for code in operation.get("responses", {})):
        yield from rule_violation(
            rules,
            SUCCESS_RESPONSE,
            f"{where}.responses",
            "no 2xx or 3xx response defined",
            "describe what the caller gets when the call works, e.g. 200, 201 or 204",
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
                    f"security scheme {name!r} is not defined in components.securitySchemes",
                    f"define {name!r} under components.securitySchemes or fix the name",
                )
                continue
            known = _oauth2_scopes(schemes[name])
            for scope in scopes if known is not None and isinstance(scopes, list) else ():
                if not isinstance(scope, str) or scope not in known:
                    yield from rule_violation(
                        rules,
                        SECURITY_SCHEME_DEFINED,
                        where,
                        f"scope {scope!r} is not listed in the flows of {name!r}",
                        f"add {scope!r} to the scopes of a flow of {name!r} or fix the name",
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
    missing = []
    if not any(_CLIENT_ERROR.match(code) for code in codes):
        missing.append("4xx response")
    if not any(_SERVER_ERROR.match(code) or code == "default" for code in codes):
        missing.append("5xx or default response")
    if missing:
        yield from rule_violation(
            rules,
            ERROR_RESPONSES,
            f"{where}.responses",
            f"no {' and no '.join(missing)} defined",
            "describe the errors callers must handle, e.g. 400/404 and default"
            " with an application/problem+json body",
        )


def _structure(location: str, message: str) -> Violation:
    return Violation(
        INVALID_STRUCTURE,
        "error",
        location,
        message,
        "fix the document shape against the OpenAPI 3.x specification",
    )


def _security_shape(location: str, security: Any) -> list[Violation]:
    if not isinstance(security, list) or not all(isinstance(item, Mapping) for item in security):
        return [_structure(location, "security must be a list of requirement mappings")]
    return []


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


def _is_parameter(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


def _words(segment: str) -> list[str]:
    return [word.lower() for word in _WORD_BOUNDARY.split(segment) if word] or [""]


def _looks_plural(word: str, irregular: frozenset[str]) -> bool:
    # "status" and "address" end in s but are singular; "statuses"/"addresses" pass.
    if word in irregular:
        return True
    return word.endswith("s") and not word.endswith(("ss", "us", "is"))


def _plural(segment: str) -> str:
    if segment.endswith(("s", "x", "ch", "sh")):
        return segment + "es"
    if segment.endswith("y") and segment[-2:-1] not in "aeiou":
        return segment[:-1] + "ies"
    return segment + "s"


def _kebab(segment: str) -> str:
    return "-".join(_words(segment))


def _camel(text: str) -> str:
    first, *rest = [word for word in re.split(r"[^A-Za-z0-9]+", text) if word] or ["x"]
    return first + "".join(word[:1].upper() + word[1:] for word in rest)
