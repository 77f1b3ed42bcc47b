"""OpenAPI design rules: clean spec, planted problems, switches, Swagger 2.0, malformed shapes.

How the rules line up with Stoplight Spectral's `spectral:oas` ruleset is in docs/spectral.md
(SPECTRAL_OAS_EQUIVALENTS); tests/standards/test_spectral_comparison.py runs both on public specs.
"""

from __future__ import annotations

import copy
from typing import Any

from tmse.integrations.openapi import Violation, check_openapi
from tmse.integrations.openapi.rule_set import (
    ERROR_RESPONSES,
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
)
from tmse.integrations.openapi.structure import validate_structure

ERRORS = {"400": {"description": "bad"}, "default": {"description": "problem"}}


def operation(operation_id: str | None, **responses: Any) -> dict[str, Any]:
    result: dict[str, Any] = {"responses": {"200": {"description": "ok"}, **(responses or ERRORS)}}
    if operation_id is not None:
        result["operationId"] = operation_id
    return result


def clean_spec() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Users", "version": "1.0.0"},
        "security": [{"bearer": []}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": {
            "/v1/users": {"get": operation("listUsers"), "post": operation("createUser")},
            "/v1/users/{userId}": {
                "parameters": [{"name": "userId", "in": "path", "required": True}],
                "get": operation("getUser"),
                "delete": operation("deleteUser"),
            },
            "/v1/user-groups/{groupId}/people": {"get": operation("listGroupPeople")},
            "/v1/addresses/{addressId}": {"get": operation("getAddress")},
            "/health": {"get": {**operation("health"), "security": []}},
        },
    }


def rules_at(found: list[Violation]) -> set[tuple[str, str]]:
    return {(violation.rule, violation.location) for violation in found}


def test_clean_spec_has_no_violations() -> None:
    assert check_openapi(clean_spec()) == []


def test_version_in_servers_url_covers_unversioned_paths() -> None:
    spec = clean_spec()
    spec["servers"] = [{"url": "https://api.example.com/v2"}, {"url": "/v2"}]
    spec["paths"] = {"/users": {"get": operation("listUsers")}}
    assert check_openapi(spec) == []
    spec["servers"].append({"url": "https://staging.example.com"})
    assert rules_at(check_openapi(spec)) == {(VERSIONED_BASE_PATH, "paths./users")}


def planted_spec() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Planted", "version": "1"},
        "security": [{"bearer": []}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": {
            "/v1/userProfiles": {"get": operation("listProfiles")},
            "/v1/user/{id}": {"get": operation("getUserById")},
            "/v1/getUsers": {"get": operation("fetchUsers")},
            "/v1/orders": {"get": operation(None), "post": operation("listProfiles")},
            "/v1/invoices": {"get": operation("listInvoices", **{"500": {"description": "x"}})},
            "/v1/reports": {"get": {**operation("listReports"), "security": []}},
            "/v1/optional": {"get": {**operation("listOptional"), "security": [{}]}},
            "/carts": {"get": operation("listCarts")},
        },
    }


def test_planted_problems_yield_exactly_the_expected_rules_at_their_locations() -> None:
    found = check_openapi(planted_spec())
    assert rules_at(found) == {
        (PATH_KEBAB_CASE, "paths./v1/userProfiles"),
        (PATH_PLURAL_RESOURCE, "paths./v1/user/{id}"),
        (PATH_KEBAB_CASE, "paths./v1/getUsers"),
        (NO_VERBS_IN_PATH, "paths./v1/getUsers"),
        (OPERATION_ID_MISSING, "paths./v1/orders.get"),
        (OPERATION_ID_UNIQUE, "paths./v1/orders.post"),
        (ERROR_RESPONSES, "paths./v1/invoices.get.responses"),
        (SECURITY_REQUIRED, "paths./v1/reports.get"),
        (SECURITY_REQUIRED, "paths./v1/optional.get"),
        (VERSIONED_BASE_PATH, "paths./carts"),
    }
    assert len(found) == 10
    by_rule = {violation.rule: violation for violation in found}
    assert by_rule[OPERATION_ID_MISSING].severity == "error"
    assert by_rule[OPERATION_ID_UNIQUE].severity == "error"
    assert "paths./v1/userProfiles.get" in by_rule[OPERATION_ID_UNIQUE].message
    assert by_rule[PATH_KEBAB_CASE].severity == "warning"
    assert by_rule[PATH_PLURAL_RESOURCE].fix_hint.endswith("users")
    assert all(violation.fix_hint for violation in found)


def test_no_global_security_flags_every_operation_but_allowed_paths() -> None:
    spec = clean_spec()
    del spec["security"]
    flagged = {v.location for v in check_openapi(spec) if v.rule == SECURITY_REQUIRED}
    assert flagged == {
        "paths./v1/users.get",
        "paths./v1/users.post",
        "paths./v1/users/{userId}.get",
        "paths./v1/users/{userId}.delete",
        "paths./v1/user-groups/{groupId}/people.get",
        "paths./v1/addresses/{addressId}.get",
    }


def test_error_responses_accept_range_codes_and_need_both_ends() -> None:
    spec = clean_spec()
    spec["paths"] = {
        "/v1/a": {"get": operation("a", **{"4XX": {}, "5XX": {}})},
        "/v1/b": {"get": operation("b", **{"default": {}})},
    }
    found = check_openapi(spec)
    assert rules_at(found) == {(ERROR_RESPONSES, "paths./v1/b.get.responses")}
    assert "4xx" in found[0].message


def test_rules_can_be_switched_off_and_reconfigured() -> None:
    every_rule = frozenset(
        {
            PATH_KEBAB_CASE,
            PATH_PLURAL_RESOURCE,
            NO_VERBS_IN_PATH,
            OPERATION_ID_MISSING,
            OPERATION_ID_UNIQUE,
            ERROR_RESPONSES,
            SECURITY_REQUIRED,
            VERSIONED_BASE_PATH,
        }
    )
    planted = planted_spec()
    planted["paths"]["/v1/orders/"] = {"get": operation("bad id", **{"404": {}, "default": {}})}
    planted["paths"]["/v1/orders/"]["get"]["responses"].pop("200")
    planted["paths"]["/v1/orders/"]["get"]["security"] = [{"nobody": []}]
    newer = {PATH_NO_TRAILING_SLASH, OPERATION_ID_VALID, SUCCESS_RESPONSE, SECURITY_SCHEME_DEFINED}
    assert {v.rule for v in check_openapi(planted, OpenApiRules(disabled=every_rule))} == newer
    assert check_openapi(planted, OpenApiRules(disabled=every_rule | newer)) == []
    assert check_openapi(planted_spec(), OpenApiRules(disabled=every_rule)) == []
    some = check_openapi(planted_spec(), OpenApiRules(disabled=every_rule - {VERSIONED_BASE_PATH}))
    assert rules_at(some) == {(VERSIONED_BASE_PATH, "paths./carts")}

    custom = OpenApiRules(
        version_pattern=r"^/api/v\d+(?:/|$)",
        verbs=frozenset({"search"}),
        open_paths=frozenset({"/api/v1/reports", "/api/v1/optional"}),
        severities={PATH_KEBAB_CASE: "info"},
    )
    spec = planted_spec()
    spec["paths"] = {f"/api{path}": item for path, item in spec["paths"].items()}
    found = rules_at(check_openapi(spec, custom))
    assert (NO_VERBS_IN_PATH, "paths./api/v1/getUsers") not in found
    assert not any(rule == SECURITY_REQUIRED for rule, _ in found)
    assert [where for rule, where in found if rule == VERSIONED_BASE_PATH] == ["paths./api/carts"]
    levels = {v.severity for v in check_openapi(spec, custom) if v.rule == PATH_KEBAB_CASE}
    assert levels == {"info"}


def test_swagger_2_gives_only_not_openapi3() -> None:
    swagger = {"swagger": "2.0", "info": {"title": "Old", "version": "1"}, "paths": {"/getX": {}}}
    found = check_openapi(swagger)
    assert [(v.rule, v.severity, v.location) for v in found] == [(NOT_OPENAPI3, "error", "openapi")]
    assert "2.0" in found[0].message
    assert [v.rule for v in check_openapi({"openapi": 3.1, "paths": {}})] == [NOT_OPENAPI3]
    assert [v.rule for v in check_openapi({"openapi": "4.0.0", "paths": {}})] == [NOT_OPENAPI3]


def test_invalid_structure_is_reported_precisely_and_stops_the_rules() -> None:
    spec = clean_spec()
    spec["paths"]["/v1/users"]["get"] = ["not", "a", "mapping"]
    spec["paths"]["/v1/addresses/{addressId}"]["get"]["responses"] = []
    spec["paths"]["users"] = {}
    spec["servers"] = [{"url": 1}]
    found = check_openapi(spec)
    assert {v.rule for v in found} == {INVALID_STRUCTURE}
    assert {v.location for v in found} == {
        "servers.0",
        "paths./v1/users.get",
        "paths./v1/addresses/{addressId}.get.responses",
        "paths.users",
    }
    assert [v.location for v in validate_structure({"openapi": "3.0.0", "paths": []})] == ["paths"]
    assert [v.location for v in validate_structure({"security": {}})] == ["security"]
    assert [v.location for v in validate_structure(["x"])] == [""]
    assert validate_structure(clean_spec()) == []


def test_checker_does_not_modify_the_document() -> None:
    spec = planted_spec()
    before = copy.deepcopy(spec)
    check_openapi(spec)
    assert spec == before


def test_plural_heuristic_knows_s_endings_and_irregular_plurals() -> None:
    spec = clean_spec()
    spec["paths"] = {
        path: {"get": operation(f"op{index}")}
        for index, path in enumerate(
            ["/v1/status/{id}", "/v1/category/{id}", "/v1/people/{id}", "/v1/order-statuses/{id}"]
        )
    }
    found = [v for v in check_openapi(spec) if v.rule == PATH_PLURAL_RESOURCE]
    assert [(v.location, v.fix_hint.rsplit(" ", 1)[-1]) for v in found] == [
        ("paths./v1/status/{id}", "statuses"),
        ("paths./v1/category/{id}", "categories"),
    ]


def test_success_response_needs_a_2xx_or_3xx_and_default_alone_is_not_enough() -> None:
    spec = clean_spec()
    spec["paths"] = {
        "/v1/a": {"delete": {"operationId": "a", "responses": {"204": {}, **ERRORS}}},
        "/v1/b": {"get": {"operationId": "b", "responses": {"2XX": {}, **ERRORS}}},
        "/v1/c": {"get": {"operationId": "c", "responses": {"302": {}, **ERRORS}}},
        "/v1/d": {"post": {"operationId": "d", "responses": {"default": {}, "400": {}}}},
        "/v1/e": {"put": {"operationId": "e", "responses": {"404": {}, "500": {}}}},
    }
    found = check_openapi(spec)
    assert rules_at(found) == {
        (SUCCESS_RESPONSE, "paths./v1/d.post.responses"),
        (SUCCESS_RESPONSE, "paths./v1/e.put.responses"),
    }
    assert {v.severity for v in found} == {"warning"}


def test_operation_id_must_be_usable_in_a_url() -> None:
    spec = clean_spec()
    spec["paths"] = {
        "/v1/pets/{id}": {"get": operation("find pet by id"), "put": operation("pets.update:v1")},
        "/v1/pets": {"get": operation("list<pets>")},
    }
    found = check_openapi(spec)
    assert rules_at(found) == {
        (OPERATION_ID_VALID, "paths./v1/pets/{id}.get"),
        (OPERATION_ID_VALID, "paths./v1/pets.get"),
    }
    assert found[0].fix_hint.endswith("findPetById")


def test_security_requirements_must_name_defined_schemes() -> None:
    spec = clean_spec()
    spec["security"] = [{"bearer": []}, {"apiKey": []}]
    spec["paths"]["/v1/users"]["get"]["security"] = [{"oauth": ["read"], "bearer": []}]
    found = check_openapi(spec)
    assert rules_at(found) == {
        (SECURITY_SCHEME_DEFINED, "security"),
        (SECURITY_SCHEME_DEFINED, "paths./v1/users.get.security"),
    }
    assert {v.severity for v in found} == {"error"}
    assert "'oauth'" in next(v.message for v in found if v.location.startswith("paths"))
    schemes = spec["components"]["securitySchemes"]
    schemes["oauth"] = {"type": "oauth2", "flows": {"implicit": {"scopes": {"read": "r"}}}}
    schemes["oidc"] = {"type": "openIdConnect", "openIdConnectUrl": "https://id.example.com"}
    spec["paths"]["/v1/users"]["post"]["security"] = [{"oauth": ["read", "write"], "oidc": ["x"]}]
    spec["paths"]["/v1/users/{userId}"]["get"]["security"] = [{"oauth": [["read"]]}]
    found = [v for v in check_openapi(spec) if v.location.startswith("paths")]
    assert [(v.location, v.message) for v in found] == [
        ("paths./v1/users.post.security", "scope 'write' is not listed in the flows of 'oauth'"),
        (
            "paths./v1/users/{userId}.get.security",
            "scope ['read'] is not listed in the flows of 'oauth'",
        ),
    ]
    del spec["paths"]["/v1/users/{userId}"]["get"]["security"]
    del spec["components"]
    # Without any schemes every name is reported once where it is written, as Spectral does.
    undefined = [v.location for v in check_openapi(spec) if v.rule == SECURITY_SCHEME_DEFINED]
    assert sorted(undefined) == [
        *["paths./v1/users.get.security"] * 2,
        *["paths./v1/users.post.security"] * 2,
        *["security"] * 2,
    ]


def test_trailing_slash_is_flagged_but_not_the_root_path() -> None:
    spec = clean_spec()
    spec["servers"] = [{"url": "/v1"}]
    spec["paths"] = {"/": {"get": operation("root")}, "/users/": {"get": operation("listUsers")}}
    found = check_openapi(spec)
    assert rules_at(found) == {(PATH_NO_TRAILING_SLASH, "paths./users/")}
    assert found[0].fix_hint.endswith("/users")


def test_server_url_variables_are_resolved_with_their_defaults() -> None:
    spec = clean_spec()
    spec["paths"] = {"/users": {"get": operation("listUsers")}}
    spec["servers"] = [
        {
            "url": "{scheme}://api.example.com/{version}",
            "variables": {"scheme": {"default": "https"}, "version": {"default": "v2"}},
        }
    ]
    assert check_openapi(spec) == []
    spec["servers"][0]["variables"]["version"]["default"] = "beta"
    assert rules_at(check_openapi(spec)) == {(VERSIONED_BASE_PATH, "paths./users")}
    spec["servers"] = [{"url": "{scheme}://api.example.com/v3"}]  # no default: still readable
    assert check_openapi(spec) == []
